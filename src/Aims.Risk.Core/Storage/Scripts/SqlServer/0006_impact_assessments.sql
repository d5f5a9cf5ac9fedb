-- AI system impact assessments (ISO/IEC 42001 6.1.4, A.5.2-A.5.5) as their owners submitted them. Append-only: one
-- row per submission, numbered per system, so submitting again adds the next version and never overwrites one. Each
-- row keeps the document as submitted (Markdown or JSON), its SHA-256, who submitted and who approved it, when, the
-- intended use it assesses (the rule that asks for an impact assessment counts it for events of that use), the model
-- version and the event and rule set its draft came from, and when it is to be reviewed.
-- ImpactAssessmentRisks links a submission to the system's risks it covers, and says which of them it resolved.
-- New tables only: nothing written before this script changes. As in 0002: a sequential clustered key (Seq), the
-- ids as unique non-clustered keys, SystemId binary-collated.
EXEC sp_getapplock @Resource = N'Aims.Risk.Schema', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 60000;

IF OBJECT_ID(N'dbo.ImpactAssessments', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.ImpactAssessments
    (
        Seq            bigint IDENTITY(1, 1) NOT NULL CONSTRAINT PK_ImpactAssessments PRIMARY KEY CLUSTERED,
        AssessmentId   uniqueidentifier  NOT NULL CONSTRAINT UQ_ImpactAssessments_AssessmentId UNIQUE NONCLUSTERED,
        SystemId       nvarchar(256) COLLATE Latin1_General_100_BIN2 NOT NULL,
        Version        int               NOT NULL CONSTRAINT CK_ImpactAssessments_Version CHECK (Version >= 1),
        Purpose        nvarchar(max)     NOT NULL,
        ModelVersion   nvarchar(256)     NULL,
        BasedOnEventId uniqueidentifier  NOT NULL,
        RuleSetVersion nvarchar(64)      NOT NULL,
        RuleSetHash    nvarchar(128)     NOT NULL,
        ContentFormat  nvarchar(8)       NOT NULL CONSTRAINT CK_ImpactAssessments_ContentFormat CHECK (ContentFormat IN (N'md', N'json')),
        Content        nvarchar(max)     NOT NULL,
        ContentHash    nvarchar(128)     NOT NULL,
        SubmittedBy    nvarchar(256)     NOT NULL,
        ApprovedBy     nvarchar(256)     NULL,
        SubmittedAt    datetimeoffset(3) NOT NULL,
        ReviewBy       datetimeoffset(3) NOT NULL
    );
END;

-- One row per version of a system's assessment, whichever writer comes first; the latest version is read through it.
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'UX_ImpactAssessments_SystemId_Version' AND object_id = OBJECT_ID(N'dbo.ImpactAssessments'))
    CREATE UNIQUE INDEX UX_ImpactAssessments_SystemId_Version ON dbo.ImpactAssessments (SystemId, Version);

IF OBJECT_ID(N'dbo.ImpactAssessmentRisks', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.ImpactAssessmentRisks
    (
        Seq          bigint IDENTITY(1, 1) NOT NULL CONSTRAINT PK_ImpactAssessmentRisks PRIMARY KEY CLUSTERED,
        AssessmentId uniqueidentifier NOT NULL CONSTRAINT FK_ImpactAssessmentRisks_ImpactAssessments REFERENCES dbo.ImpactAssessments (AssessmentId),
        RiskId       uniqueidentifier NOT NULL CONSTRAINT FK_ImpactAssessmentRisks_Risks REFERENCES dbo.Risks (RiskId),
        Resolved     bit              NOT NULL
    );
END;

-- A submission's risks, each once.
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'UX_ImpactAssessmentRisks_AssessmentId_RiskId' AND object_id = OBJECT_ID(N'dbo.ImpactAssessmentRisks'))
    CREATE UNIQUE INDEX UX_ImpactAssessmentRisks_AssessmentId_RiskId ON dbo.ImpactAssessmentRisks (AssessmentId, RiskId);
