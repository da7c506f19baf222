-- Anbao scores (issue #4, item 4). Every computation is kept: the methodology
-- version, the input snapshot it was computed from and its SHA-256, so any
-- score can be recomputed and checked; the explanation is stored as computed.
CREATE TABLE scores (
    id {{PK}},
    enterprise_id BIGINT NOT NULL REFERENCES organisations (id),
    methodology TEXT NOT NULL,
    overall DOUBLE PRECISION NOT NULL,
    grade TEXT NOT NULL,
    factors TEXT NOT NULL,
    result TEXT NOT NULL,
    input TEXT NOT NULL,
    input_sha256 TEXT NOT NULL,
    reason TEXT NOT NULL,
    computed_at TEXT NOT NULL,
    computed_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX scores_enterprise ON scores (enterprise_id, id);

-- The latest score of each enterprise, for lists and the regulators' aggregates.
CREATE TABLE latest_scores (
    enterprise_id BIGINT PRIMARY KEY REFERENCES organisations (id),
    score_id BIGINT NOT NULL REFERENCES scores (id),
    methodology TEXT NOT NULL,
    overall DOUBLE PRECISION NOT NULL,
    grade TEXT NOT NULL,
    computed_at TEXT NOT NULL
);
CREATE INDEX latest_scores_grade ON latest_scores (grade);
