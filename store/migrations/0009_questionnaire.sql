-- The questionnaire (issue #4, item 2). Every answer change is a new row
-- (revision), the latest being current, so the history of each answer is
-- kept; an attestation freezes the current answers as an immutable snapshot
-- with its SHA-256, so an insurer sees exactly what was attested.
CREATE TABLE answer_sets (
    enterprise_id BIGINT PRIMARY KEY REFERENCES organisations (id),
    bank_version TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE answers (
    id {{PK}},
    enterprise_id BIGINT NOT NULL REFERENCES organisations (id),
    question TEXT NOT NULL,
    bank_version TEXT NOT NULL,
    value TEXT NOT NULL,
    evidence_note TEXT NOT NULL DEFAULT '',
    evidence_id BIGINT,
    revision INTEGER NOT NULL,
    is_current BOOLEAN NOT NULL,
    answered_by TEXT NOT NULL,
    answered_at TEXT NOT NULL
);
CREATE INDEX answers_current ON answers (enterprise_id, is_current, question);

CREATE TABLE attestations (
    id {{PK}},
    enterprise_id BIGINT NOT NULL REFERENCES organisations (id),
    bank_version TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    statement TEXT NOT NULL,
    attested_by TEXT NOT NULL,
    attested_name TEXT NOT NULL,
    attested_at TEXT NOT NULL
);
CREATE INDEX attestations_enterprise ON attestations (enterprise_id, id);
