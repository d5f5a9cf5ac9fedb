-- Aims.Risk register, SQLite: the same indexes as the SQL Server script of the same number, so both dialects
-- have an index for each query the register runs and none for the others. Idempotent (IF EXISTS, IF NOT EXISTS).
-- Text already compares binary in SQLite, which the SQL Server script gives SystemId with its collation.

DROP INDEX IF EXISTS IX_RiskEntries_Level;
DROP INDEX IF EXISTS IX_RuleSetVersions_Version;
DROP INDEX IF EXISTS IX_Assessments_SystemId;
DROP INDEX IF EXISTS IX_RiskEntries_SystemId;

CREATE INDEX IF NOT EXISTS IX_RiskEntries_SystemId_CreatedAt ON RiskEntries (SystemId, CreatedAt, RuleId, LevelRank);
