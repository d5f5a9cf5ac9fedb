-- The register of risks (one row per system and rule, its current state), its append-only history, and the
-- outbox of messages that transitions outside an event's own consumer publish (owners' updates, the sweep).
-- Findings stay in RiskEntries as each risk's evidence, and gain the risk they belong to, the NIST and MIT ids
-- and the rule's guidance. Entries recorded before this script get their RiskId at start-up (a name-based UUID),
-- which also derives their Risks rows and says so in RiskHistory.
-- New tables: a sequential clustered key (no page splits from random GUIDs); the deterministic GUIDs are unique
-- non-clustered keys. SystemId compares binary, as SQLite compares text.
EXEC sp_getapplock @Resource = N'Aims.Risk.Schema', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 60000;

IF COL_LENGTH(N'dbo.RiskEntries', N'RiskId') IS NULL
    ALTER TABLE dbo.RiskEntries ADD RiskId uniqueidentifier NULL;

IF COL_LENGTH(N'dbo.RiskEntries', N'Nist') IS NULL
    ALTER TABLE dbo.RiskEntries ADD Nist nvarchar(1000) NOT NULL CONSTRAINT DF_RiskEntries_Nist DEFAULT (N'');

IF COL_LENGTH(N'dbo.RiskEntries', N'MitDomain') IS NULL
    ALTER TABLE dbo.RiskEntries ADD MitDomain nvarchar(16) NULL;

IF COL_LENGTH(N'dbo.RiskEntries', N'Guidance') IS NULL
    ALTER TABLE dbo.RiskEntries ADD Guidance nvarchar(max) NULL;
GO

IF OBJECT_ID(N'dbo.Risks', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.Risks
    (
        Seq                bigint IDENTITY(1, 1) NOT NULL CONSTRAINT PK_Risks PRIMARY KEY CLUSTERED,
        RiskId             uniqueidentifier  NOT NULL CONSTRAINT UQ_Risks_RiskId UNIQUE NONCLUSTERED,
        SystemId           nvarchar(256) COLLATE Latin1_General_100_BIN2 NOT NULL,
        RuleId             nvarchar(128)     NOT NULL,
        Category           nvarchar(64)      NOT NULL,
        Title              nvarchar(400)     NOT NULL,
        Owner              nvarchar(256)     NOT NULL,
        Status             nvarchar(32)      NOT NULL,
        Likelihood         int               NOT NULL CONSTRAINT CK_Risks_Likelihood CHECK (Likelihood BETWEEN 1 AND 5),
        Impact             int               NOT NULL CONSTRAINT CK_Risks_Impact CHECK (Impact BETWEEN 1 AND 5),
        Score              int               NOT NULL,
        Level              nvarchar(16)      NOT NULL,
        LevelRank          tinyint           NOT NULL,
        Controls           nvarchar(1000)    NOT NULL,
        ResidualLikelihood int               NULL CONSTRAINT CK_Risks_ResidualLikelihood CHECK (ResidualLikelihood BETWEEN 1 AND 5),
        ResidualImpact     int               NULL CONSTRAINT CK_Risks_ResidualImpact CHECK (ResidualImpact BETWEEN 1 AND 5),
        ResidualLevel      nvarchar(16)      NULL,
        AcceptedBy         nvarchar(256)     NULL,
        AcceptedUntil      datetimeoffset(3) NULL,
        DueBy              datetimeoffset(3) NULL,
        OpenTaskId         uniqueidentifier  NULL,
        FirstSeenAt        datetimeoffset(3) NOT NULL,
        LastSeenAt         datetimeoffset(3) NOT NULL,
        LastEventId        uniqueidentifier  NOT NULL,
        RuleSetVersion     nvarchar(64)      NOT NULL,
        RuleSetHash        nvarchar(128)     NOT NULL,
        OverdueNoticeFor   datetimeoffset(3) NULL,
        Version            bigint            NOT NULL,
        CONSTRAINT UQ_Risks_SystemId_RuleId UNIQUE NONCLUSTERED (SystemId, RuleId)
    );
END;

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_Risks_Status_AcceptedUntil' AND object_id = OBJECT_ID(N'dbo.Risks'))
    CREATE INDEX IX_Risks_Status_AcceptedUntil ON dbo.Risks (Status, AcceptedUntil);

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_Risks_Status_DueBy' AND object_id = OBJECT_ID(N'dbo.Risks'))
    CREATE INDEX IX_Risks_Status_DueBy ON dbo.Risks (Status, DueBy);

IF OBJECT_ID(N'dbo.RiskHistory', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.RiskHistory
    (
        Seq           bigint IDENTITY(1, 1) NOT NULL CONSTRAINT PK_RiskHistory PRIMARY KEY CLUSTERED,
        ChangeId      uniqueidentifier  NOT NULL CONSTRAINT UQ_RiskHistory_ChangeId UNIQUE NONCLUSTERED,
        RiskId        uniqueidentifier  NOT NULL CONSTRAINT FK_RiskHistory_Risks REFERENCES dbo.Risks (RiskId),
        At            datetimeoffset(3) NOT NULL,
        FromStatus    nvarchar(32)      NULL,
        ToStatus      nvarchar(32)      NOT NULL,
        Actor         nvarchar(256)     NOT NULL,
        Reason        nvarchar(2000)    NOT NULL,
        EventId       uniqueidentifier  NULL,
        UpdateId      uniqueidentifier  NULL,
        Level         nvarchar(16)      NOT NULL,
        ResidualLevel nvarchar(16)      NULL,
        TaskId        uniqueidentifier  NULL
    );
END;

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_RiskHistory_RiskId' AND object_id = OBJECT_ID(N'dbo.RiskHistory'))
    CREATE INDEX IX_RiskHistory_RiskId ON dbo.RiskHistory (RiskId, At);

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_RiskHistory_EventId' AND object_id = OBJECT_ID(N'dbo.RiskHistory'))
    CREATE INDEX IX_RiskHistory_EventId ON dbo.RiskHistory (EventId) WHERE EventId IS NOT NULL;

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_RiskHistory_TaskId' AND object_id = OBJECT_ID(N'dbo.RiskHistory'))
    CREATE INDEX IX_RiskHistory_TaskId ON dbo.RiskHistory (TaskId) WHERE TaskId IS NOT NULL;

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'UX_RiskHistory_UpdateId' AND object_id = OBJECT_ID(N'dbo.RiskHistory'))
    CREATE UNIQUE INDEX UX_RiskHistory_UpdateId ON dbo.RiskHistory (UpdateId) WHERE UpdateId IS NOT NULL;

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_RiskEntries_RiskId' AND object_id = OBJECT_ID(N'dbo.RiskEntries'))
    CREATE INDEX IX_RiskEntries_RiskId ON dbo.RiskEntries (RiskId, CreatedAt);

IF OBJECT_ID(N'dbo.Outbox', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.Outbox
    (
        Seq         bigint IDENTITY(1, 1) NOT NULL CONSTRAINT PK_Outbox PRIMARY KEY CLUSTERED,
        MessageId   uniqueidentifier  NOT NULL CONSTRAINT UQ_Outbox_MessageId UNIQUE NONCLUSTERED,
        MessageType nvarchar(64)      NOT NULL,
        Body        nvarchar(max)     NOT NULL,
        CreatedAt   datetimeoffset(3) NOT NULL,
        PublishedAt datetimeoffset(3) NULL
    );
END;

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_Outbox_Pending' AND object_id = OBJECT_ID(N'dbo.Outbox'))
    CREATE INDEX IX_Outbox_Pending ON dbo.Outbox (CreatedAt) WHERE PublishedAt IS NULL;
