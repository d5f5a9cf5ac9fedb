-- Rule evaluation errors (a rule that threw or hit its budget) are kept with the assessment: without them such a
-- rule looks as if it simply did not fire. A JSON array of {"ruleId", "message"}; NULL when every rule evaluated.
-- Additive: rows written before this script read as NULL.

ALTER TABLE Assessments ADD COLUMN RuleErrors TEXT NULL;
