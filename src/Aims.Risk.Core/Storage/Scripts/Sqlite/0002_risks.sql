-- The register of risks (one row per system and rule, its current state), its append-only history, and the
-- outbox of messages that transitions outside an event's own consumer publish (owners' updates, the sweep).
-- Findings stay in RiskEntries as each risk's evidence, and gain the risk they belong to, the NIST and MIT ids
-- and the rule's guidance. Entries recorded before this script get their RiskId at start-up (the id is a
-- name-based UUID that SQL cannot compute), which also derives their Risks rows and says so in RiskHistory.

ALTER TABLE RiskEntries ADD COLUMN RiskId TEXT NULL;
ALTER TABLE RiskEntries ADD COLUMN Nist TEXT NOT NULL DEFAULT '';
ALTER TABLE RiskEntries ADD COLUMN MitDomain TEXT NULL;
ALTER TABLE RiskEntries ADD COLUMN Guidance TEXT NULL;

CREATE INDEX IF NOT EXISTS IX_RiskEntries_RiskId ON RiskEntries (RiskId, CreatedAt);

CREATE TABLE IF NOT EXISTS Risks
(
    RiskId             TEXT    NOT NULL PRIMARY KEY,
    SystemId           TEXT    NOT NULL,
    RuleId             TEXT    NOT NULL,
    Category           TEXT    NOT NULL,
    Title              TEXT    NOT NULL,
    Owner              TEXT    NOT NULL,
    Status             TEXT    NOT NULL,
    Likelihood         INTEGER NOT NULL CHECK (Likelihood BETWEEN 1 AND 5),
    Impact             INTEGER NOT NULL CHECK (Impact BETWEEN 1 AND 5),
    Score              INTEGER NOT NULL,
    Level              TEXT    NOT NULL,
    LevelRank          INTEGER NOT NULL,
    Controls           TEXT    NOT NULL,
    ResidualLikelihood INTEGER NULL CHECK (ResidualLikelihood BETWEEN 1 AND 5),
    ResidualImpact     INTEGER NULL CHECK (ResidualImpact BETWEEN 1 AND 5),
    ResidualLevel      TEXT    NULL,
    AcceptedBy         TEXT    NULL,
    AcceptedUntil      TEXT    NULL,
    DueBy              TEXT    NULL,
    OpenTaskId         TEXT    NULL,
    FirstSeenAt        TEXT    NOT NULL,
    LastSeenAt         TEXT    NOT NULL,
    LastEventId        TEXT    NOT NULL,
    RuleSetVersion     TEXT    NOT NULL,
    RuleSetHash        TEXT    NOT NULL,
    OverdueNoticeFor   TEXT    NULL,
    -- Concurrency token: an update names the version it read.
    Version            INTEGER NOT NULL,
    -- One risk per system and rule, whichever replica opens it first.
    CONSTRAINT UQ_Risks_SystemId_RuleId UNIQUE (SystemId, RuleId)
) STRICT;

-- The sweep's two questions: acceptances that expired, treatments past due.
CREATE INDEX IF NOT EXISTS IX_Risks_Status_AcceptedUntil ON Risks (Status, AcceptedUntil);
CREATE INDEX IF NOT EXISTS IX_Risks_Status_DueBy ON Risks (Status, DueBy);

CREATE TABLE IF NOT EXISTS RiskHistory
(
    ChangeId      TEXT NOT NULL PRIMARY KEY,
    RiskId        TEXT NOT NULL REFERENCES Risks (RiskId),
    At            TEXT NOT NULL,
    FromStatus    TEXT NULL,
    ToStatus      TEXT NOT NULL,
    Actor         TEXT NOT NULL,
    Reason        TEXT NOT NULL,
    EventId       TEXT NULL,
    UpdateId      TEXT NULL,
    Level         TEXT NOT NULL,
    ResidualLevel TEXT NULL,
    TaskId        TEXT NULL
) STRICT;

CREATE INDEX IF NOT EXISTS IX_RiskHistory_RiskId ON RiskHistory (RiskId, At);
CREATE INDEX IF NOT EXISTS IX_RiskHistory_EventId ON RiskHistory (EventId) WHERE EventId IS NOT NULL;
CREATE INDEX IF NOT EXISTS IX_RiskHistory_TaskId ON RiskHistory (TaskId) WHERE TaskId IS NOT NULL;
-- An owner's update is applied once, however often it is delivered.
CREATE UNIQUE INDEX IF NOT EXISTS UX_RiskHistory_UpdateId ON RiskHistory (UpdateId) WHERE UpdateId IS NOT NULL;

CREATE TABLE IF NOT EXISTS Outbox
(
    MessageId   TEXT NOT NULL PRIMARY KEY,
    MessageType TEXT NOT NULL,
    Body        TEXT NOT NULL,
    CreatedAt   TEXT NOT NULL,
    PublishedAt TEXT NULL
) STRICT;

CREATE INDEX IF NOT EXISTS IX_Outbox_Pending ON Outbox (CreatedAt) WHERE PublishedAt IS NULL;
