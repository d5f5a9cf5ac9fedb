-- Aims.Risk register, SQL Server. Idempotent: every object is created only when it is absent, so a
-- replica that starts at the same time as another, or a re-run after a lost journal row, is harmless.
-- The application lock makes concurrent start-ups take turns; it is released when the transaction ends.
EXEC sp_getapplock @Resource = N'Aims.Risk.Schema', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 60000;

IF OBJECT_ID(N'dbo.Assessments', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.Assessments
    (
        EventId        uniqueidentifier  NOT NULL CONSTRAINT PK_Assessments PRIMARY KEY,
        SystemId       nvarchar(256)     NOT NULL,
        ChangeType     nvarchar(64)      NOT NULL,
        OccurredAt     datetimeoffset(3) NOT NULL,
        AssessedAt     datetimeoffset(3) NOT NULL,
        RuleSetVersion nvarchar(64)      NOT NULL,
        RuleSetHash    nvarchar(128)     NOT NULL,
        Payload        nvarchar(max)     NOT NULL,
        FindingCount   int               NOT NULL CONSTRAINT CK_Assessments_FindingCount CHECK (FindingCount >= 0)
    );
END;

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_Assessments_SystemId' AND object_id = OBJECT_ID(N'dbo.Assessments'))
    CREATE INDEX IX_Assessments_SystemId ON dbo.Assessments (SystemId, AssessedAt);

IF OBJECT_ID(N'dbo.RiskEntries', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.RiskEntries
    (
        Id             uniqueidentifier  NOT NULL CONSTRAINT PK_RiskEntries PRIMARY KEY,
        EventId        uniqueidentifier  NOT NULL CONSTRAINT FK_RiskEntries_Assessments REFERENCES dbo.Assessments (EventId),
        SystemId       nvarchar(256)     NOT NULL,
        RuleId         nvarchar(128)     NOT NULL,
        Category       nvarchar(64)      NOT NULL,
        Title          nvarchar(400)     NOT NULL,
        Rationale      nvarchar(max)     NOT NULL,
        Likelihood     int               NOT NULL CONSTRAINT CK_RiskEntries_Likelihood CHECK (Likelihood BETWEEN 1 AND 5),
        Impact         int               NOT NULL CONSTRAINT CK_RiskEntries_Impact CHECK (Impact BETWEEN 1 AND 5),
        Score          int               NOT NULL,
        Level          nvarchar(16)      NOT NULL,
        -- Order of Level (Low = 0 ... Critical = 3), so "at or above a level" is a range filter.
        LevelRank      tinyint           NOT NULL,
        Treatment      nvarchar(16)      NOT NULL,
        Controls       nvarchar(1000)    NOT NULL,
        Status         nvarchar(32)      NOT NULL,
        TaskId         uniqueidentifier  NULL,
        DueBy          datetimeoffset(3) NULL,
        RuleSetVersion nvarchar(64)      NOT NULL,
        RuleSetHash    nvarchar(128)     NOT NULL,
        CreatedAt      datetimeoffset(3) NOT NULL,
        CONSTRAINT UQ_RiskEntries_EventId_RuleId UNIQUE (EventId, RuleId)
    );
END;

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_RiskEntries_SystemId' AND object_id = OBJECT_ID(N'dbo.RiskEntries'))
    CREATE INDEX IX_RiskEntries_SystemId ON dbo.RiskEntries (SystemId, LevelRank);

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_RiskEntries_Level' AND object_id = OBJECT_ID(N'dbo.RiskEntries'))
    CREATE INDEX IX_RiskEntries_Level ON dbo.RiskEntries (Level);

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_RiskEntries_LevelRank' AND object_id = OBJECT_ID(N'dbo.RiskEntries'))
    CREATE INDEX IX_RiskEntries_LevelRank ON dbo.RiskEntries (LevelRank, CreatedAt);

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_RiskEntries_CreatedAt' AND object_id = OBJECT_ID(N'dbo.RiskEntries'))
    CREATE INDEX IX_RiskEntries_CreatedAt ON dbo.RiskEntries (CreatedAt, RuleId);

IF OBJECT_ID(N'dbo.RuleSetVersions', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.RuleSetVersions
    (
        Hash        nvarchar(128)     NOT NULL CONSTRAINT PK_RuleSetVersions PRIMARY KEY,
        Version     nvarchar(64)      NOT NULL,
        Content     nvarchar(max)     NOT NULL,
        ActivatedAt datetimeoffset(3) NOT NULL
    );
END;

IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_RuleSetVersions_Version' AND object_id = OBJECT_ID(N'dbo.RuleSetVersions'))
    CREATE INDEX IX_RuleSetVersions_Version ON dbo.RuleSetVersions (Version);
