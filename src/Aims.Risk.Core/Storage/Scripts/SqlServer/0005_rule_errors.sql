-- Rule evaluation errors (a rule that threw or hit its budget) are kept with the assessment: without them such a
-- rule looks as if it simply did not fire. A JSON array of {"ruleId", "message"}; NULL when every rule evaluated.
-- Additive: rows written before this script read as NULL.
EXEC sp_getapplock @Resource = N'Aims.Risk.Schema', @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = 60000;

IF COL_LENGTH(N'dbo.Assessments', N'RuleErrors') IS NULL
    ALTER TABLE dbo.Assessments ADD RuleErrors nvarchar(max) NULL;
