-- Systems done per re-assessment run, counted as each system's row is written, so that a run's finish is decided
-- without counting its rows: a count of the run's rows per re-assessed system made a run quadratic. Runs already
-- under way get the count of their rows here.
EXEC sp_getapplock @Resource = N'Aims.Risk.Schema', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 60000;

IF COL_LENGTH(N'dbo.Reassessments', N'Done') IS NULL
    ALTER TABLE dbo.Reassessments ADD Done int NOT NULL CONSTRAINT DF_Reassessments_Done DEFAULT (0);
GO

UPDATE r SET Done = (SELECT COUNT(*) FROM dbo.ReassessedSystems AS s WHERE s.RunId = r.RunId)
FROM dbo.Reassessments AS r;
