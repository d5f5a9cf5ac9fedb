-- AI system impact assessments (ISO/IEC 42001 6.1.4, A.5.2-A.5.5) as their owners submitted them. Append-only: one
-- row per submission, numbered per system, so submitting again adds the next version and never overwrites one. Each
-- row keeps the document as submitted (Markdown or JSON), its SHA-256, who submitted and who approved it, when, the
-- intended use it assesses (the rule that asks for an impact assessment counts it for events of that use), the model
-- version and the event and rule set its draft came from, and when it is to be reviewed.
-- ImpactAssessmentRisks links a submission to the system's risks it covers, and says which of them it resolved.
-- New tables only: nothing written before this script changes.

CREATE TABLE IF NOT EXISTS ImpactAssessments
(
    AssessmentId   TEXT    NOT NULL PRIMARY KEY,
    SystemId       TEXT    NOT NULL,
    Version        INTEGER NOT NULL CHECK (Version >= 1),
    Purpose        TEXT    NOT NULL,
    ModelVersion   TEXT    NULL,
    BasedOnEventId TEXT    NOT NULL,
    RuleSetVersion TEXT    NOT NULL,
    RuleSetHash    TEXT    NOT NULL,
    ContentFormat  TEXT    NOT NULL CHECK (ContentFormat IN ('md', 'json')),
    Content        TEXT    NOT NULL,
    ContentHash    TEXT    NOT NULL,
    SubmittedBy    TEXT    NOT NULL,
    ApprovedBy     TEXT    NULL,
    SubmittedAt    TEXT    NOT NULL,
    ReviewBy       TEXT    NOT NULL
) STRICT;

-- One row per version of a system's assessment, whichever writer comes first; the latest version is read through it.
CREATE UNIQUE INDEX IF NOT EXISTS UX_ImpactAssessments_SystemId_Version ON ImpactAssessments (SystemId, Version);

CREATE TABLE IF NOT EXISTS ImpactAssessmentRisks
(
    AssessmentId TEXT    NOT NULL REFERENCES ImpactAssessments (AssessmentId),
    RiskId       TEXT    NOT NULL REFERENCES Risks (RiskId),
    Resolved     INTEGER NOT NULL CHECK (Resolved IN (0, 1))
) STRICT;

-- A submission's risks, each once.
CREATE UNIQUE INDEX IF NOT EXISTS UX_ImpactAssessmentRisks_AssessmentId_RiskId ON ImpactAssessmentRisks (AssessmentId, RiskId);
