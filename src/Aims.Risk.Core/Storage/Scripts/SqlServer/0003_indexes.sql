-- Aims.Risk register, SQL Server: indexes for the queries the register runs, none for others, and a binary
-- collation for SystemId. Idempotent like 0001: each change is made only when it is not there yet.
--
-- The queries (SqlServerRiskRegister): Assessments by EventId (its primary key); RiskEntries of one event
-- (UQ_RiskEntries_EventId_RuleId); the register query: the first @Limit entries in (CreatedAt, RuleId, Id) order,
-- filtered by any of SystemId, a minimum LevelRank and EventId; RuleSetVersions by Hash (its primary key).
-- Nothing filters on Level, on Assessments.SystemId or on RuleSetVersions.Version: those indexes only cost writes.

IF EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_RiskEntries_Level' AND object_id = OBJECT_ID(N'dbo.RiskEntries'))
    DROP INDEX IX_RiskEntries_Level ON dbo.RiskEntries;

IF EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_RuleSetVersions_Version' AND object_id = OBJECT_ID(N'dbo.RuleSetVersions'))
    DROP INDEX IX_RuleSetVersions_Version ON dbo.RuleSetVersions;

IF EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_Assessments_SystemId' AND object_id = OBJECT_ID(N'dbo.Assessments'))
    DROP INDEX IX_Assessments_SystemId ON dbo.Assessments;

-- (SystemId, LevelRank) found a system's entries but not in the query's order; replaced below.
IF EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_RiskEntries_SystemId' AND object_id = OBJECT_ID(N'dbo.RiskEntries'))
    DROP INDEX IX_RiskEntries_SystemId ON dbo.RiskEntries;

-- SystemId compares as SQLite compares text: binary, so 'Credit-Scoring' and 'credit-scoring' are two systems,
-- as they are in SQLite, instead of one under the database's default case-insensitive collation. No index uses
-- the columns at this point (a column cannot change collation under an index).
IF EXISTS (SELECT 1 FROM sys.columns WHERE object_id = OBJECT_ID(N'dbo.Assessments') AND name = N'SystemId' AND collation_name <> N'Latin1_General_100_BIN2')
    ALTER TABLE dbo.Assessments ALTER COLUMN SystemId nvarchar(256) COLLATE Latin1_General_100_BIN2 NOT NULL;

IF EXISTS (SELECT 1 FROM sys.columns WHERE object_id = OBJECT_ID(N'dbo.RiskEntries') AND name = N'SystemId' AND collation_name <> N'Latin1_General_100_BIN2')
    ALTER TABLE dbo.RiskEntries ALTER COLUMN SystemId nvarchar(256) COLLATE Latin1_General_100_BIN2 NOT NULL;

-- One system's entries in the query's order (the clustered key Id is the last key of every index), so the first
-- @Limit rows are read without a sort; LevelRank is included for the minimum-level filter.
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_RiskEntries_SystemId_CreatedAt' AND object_id = OBJECT_ID(N'dbo.RiskEntries'))
    CREATE INDEX IX_RiskEntries_SystemId_CreatedAt ON dbo.RiskEntries (SystemId, CreatedAt, RuleId) INCLUDE (LevelRank);
