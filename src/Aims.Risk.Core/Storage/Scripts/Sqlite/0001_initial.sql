-- Aims.Risk register, SQLite. Idempotent (IF NOT EXISTS), so a re-run is harmless.
-- Readable with any sqlite3 client: UUIDs are lowercase text, timestamps ISO 8601 text in UTC with
-- milliseconds (2026-11-29T03:51:11.123+00:00, so text order is time order), enums their names.

CREATE TABLE IF NOT EXISTS Assessments
(
    EventId        TEXT    NOT NULL PRIMARY KEY,
    SystemId       TEXT    NOT NULL,
    ChangeType     TEXT    NOT NULL,
    OccurredAt     TEXT    NOT NULL,
    AssessedAt     TEXT    NOT NULL,
    RuleSetVersion TEXT    NOT NULL,
    RuleSetHash    TEXT    NOT NULL,
    Payload        TEXT    NOT NULL,
    FindingCount   INTEGER NOT NULL CHECK (FindingCount >= 0)
) STRICT;

CREATE INDEX IF NOT EXISTS IX_Assessments_SystemId ON Assessments (SystemId, AssessedAt);

CREATE TABLE IF NOT EXISTS RiskEntries
(
    Id             TEXT    NOT NULL PRIMARY KEY,
    EventId        TEXT    NOT NULL REFERENCES Assessments (EventId),
    SystemId       TEXT    NOT NULL,
    RuleId         TEXT    NOT NULL,
    Category       TEXT    NOT NULL,
    Title          TEXT    NOT NULL,
    Rationale      TEXT    NOT NULL,
    Likelihood     INTEGER NOT NULL CHECK (Likelihood BETWEEN 1 AND 5),
    Impact         INTEGER NOT NULL CHECK (Impact BETWEEN 1 AND 5),
    Score          INTEGER NOT NULL,
    Level          TEXT    NOT NULL,
    -- Order of Level (Low = 0 ... Critical = 3), so "at or above a level" is a range filter.
    LevelRank      INTEGER NOT NULL,
    Treatment      TEXT    NOT NULL,
    Controls       TEXT    NOT NULL,
    Status         TEXT    NOT NULL,
    TaskId         TEXT    NULL,
    DueBy          TEXT    NULL,
    RuleSetVersion TEXT    NOT NULL,
    RuleSetHash    TEXT    NOT NULL,
    CreatedAt      TEXT    NOT NULL,
    CONSTRAINT UQ_RiskEntries_EventId_RuleId UNIQUE (EventId, RuleId)
) STRICT;

CREATE INDEX IF NOT EXISTS IX_RiskEntries_SystemId ON RiskEntries (SystemId, LevelRank);
CREATE INDEX IF NOT EXISTS IX_RiskEntries_Level ON RiskEntries (Level);
CREATE INDEX IF NOT EXISTS IX_RiskEntries_LevelRank ON RiskEntries (LevelRank, CreatedAt);
CREATE INDEX IF NOT EXISTS IX_RiskEntries_CreatedAt ON RiskEntries (CreatedAt, RuleId);

CREATE TABLE IF NOT EXISTS RuleSetVersions
(
    Hash        TEXT NOT NULL PRIMARY KEY,
    Version     TEXT NOT NULL,
    Content     TEXT NOT NULL,
    ActivatedAt TEXT NOT NULL
) STRICT;

CREATE INDEX IF NOT EXISTS IX_RuleSetVersions_Version ON RuleSetVersions (Version);
