-- Rule changes. Rule evaluation errors (a rule that threw or hit its budget) are kept with the assessment: without
-- them such a rule looks as if it simply did not fire; a JSON array of {"ruleId", "message"}, NULL when every rule
-- evaluated. A re-assessment is recorded as an assessment of its own under a derived event id (a UUIDv5 of the rule
-- set, the system and the event re-assessed, so a redelivery is a duplicate); ReassessedEventId names that event.
-- Additive: rows written before this script read as NULL.
EXEC sp_getapplock @Resource = N'Aims.Risk.Schema', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 60000;

IF COL_LENGTH(N'dbo.Assessments', N'RuleErrors') IS NULL
    ALTER TABLE dbo.Assessments ADD RuleErrors nvarchar(max) NULL;

IF COL_LENGTH(N'dbo.Assessments', N'ReassessedEventId') IS NULL
    ALTER TABLE dbo.Assessments ADD ReassessedEventId uniqueidentifier NULL;

-- One row per re-assessment run. RunKey is unique, so of the replicas that see one activation (or one planned
-- interval) only one creates the run; a run is enqueued by the replica that claims it (ClaimedAt), and claimed
-- again when that replica stopped before EnqueuedAt.
IF OBJECT_ID(N'dbo.Reassessments', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.Reassessments
    (
        RunId          uniqueidentifier  NOT NULL CONSTRAINT PK_Reassessments PRIMARY KEY,
        RunKey         nvarchar(200)     NOT NULL CONSTRAINT UQ_Reassessments_RunKey UNIQUE,
        Reason         nvarchar(32)      NOT NULL,
        SystemId       nvarchar(256) COLLATE Latin1_General_100_BIN2 NULL,
        RuleSetVersion nvarchar(64)      NULL,
        RuleSetHash    nvarchar(128)     NULL,
        RequestedAt    datetimeoffset(3) NOT NULL,
        ClaimedAt      datetimeoffset(3) NULL,
        EnqueuedAt     datetimeoffset(3) NULL,
        FinishedAt     datetimeoffset(3) NULL,
        Systems        int               NULL CONSTRAINT CK_Reassessments_Systems CHECK (Systems >= 0),
        Opened         int               NOT NULL CONSTRAINT DF_Reassessments_Opened DEFAULT (0),
        Resolved       int               NOT NULL CONSTRAINT DF_Reassessments_Resolved DEFAULT (0),
        Changed        int               NOT NULL CONSTRAINT DF_Reassessments_Changed DEFAULT (0)
    );
END;

-- What a run did to each system, written once (a redelivered message finds its row): the run's totals are their sums.
IF OBJECT_ID(N'dbo.ReassessedSystems', N'U') IS NULL
BEGIN
    CREATE TABLE dbo.ReassessedSystems
    (
        RunId    uniqueidentifier  NOT NULL CONSTRAINT FK_ReassessedSystems_Reassessments REFERENCES dbo.Reassessments (RunId),
        SystemId nvarchar(256) COLLATE Latin1_General_100_BIN2 NOT NULL,
        EventId  uniqueidentifier  NULL,
        At       datetimeoffset(3) NOT NULL,
        Opened   int               NOT NULL,
        Resolved int               NOT NULL,
        Changed  int               NOT NULL,
        CONSTRAINT PK_ReassessedSystems PRIMARY KEY (RunId, SystemId)
    );
END;
