-- Rule changes. Rule evaluation errors (a rule that threw or hit its budget) are kept with the assessment: without
-- them such a rule looks as if it simply did not fire; a JSON array of {"ruleId", "message"}, NULL when every rule
-- evaluated. A re-assessment is recorded as an assessment of its own under a derived event id (a UUIDv5 of the rule
-- set, the system and the event re-assessed, so a redelivery is a duplicate); ReassessedEventId names that event.
-- Additive: rows written before this script read as NULL.

ALTER TABLE Assessments ADD COLUMN RuleErrors TEXT NULL;
ALTER TABLE Assessments ADD COLUMN ReassessedEventId TEXT NULL;

-- One row per re-assessment run. RunKey is unique, so of the replicas that see one activation (or one planned
-- interval) only one creates the run; a run is enqueued by the replica that claims it (ClaimedAt), and claimed
-- again when that replica stopped before EnqueuedAt.
CREATE TABLE IF NOT EXISTS Reassessments
(
    RunId          TEXT    NOT NULL PRIMARY KEY,
    RunKey         TEXT    NOT NULL,
    Reason         TEXT    NOT NULL,
    SystemId       TEXT    NULL,
    RuleSetVersion TEXT    NULL,
    RuleSetHash    TEXT    NULL,
    RequestedAt    TEXT    NOT NULL,
    ClaimedAt      TEXT    NULL,
    EnqueuedAt     TEXT    NULL,
    FinishedAt     TEXT    NULL,
    Systems        INTEGER NULL CHECK (Systems >= 0),
    Opened         INTEGER NOT NULL DEFAULT 0,
    Resolved       INTEGER NOT NULL DEFAULT 0,
    Changed        INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT UQ_Reassessments_RunKey UNIQUE (RunKey)
) STRICT;

CREATE INDEX IF NOT EXISTS IX_Reassessments_Unfinished ON Reassessments (RequestedAt) WHERE FinishedAt IS NULL;

-- What a run did to each system, written once (a redelivered message finds its row): the run's totals are their sums.
CREATE TABLE IF NOT EXISTS ReassessedSystems
(
    RunId    TEXT    NOT NULL REFERENCES Reassessments (RunId),
    SystemId TEXT    NOT NULL,
    EventId  TEXT    NULL,
    At       TEXT    NOT NULL,
    Opened   INTEGER NOT NULL,
    Resolved INTEGER NOT NULL,
    Changed  INTEGER NOT NULL,
    PRIMARY KEY (RunId, SystemId)
) STRICT;
