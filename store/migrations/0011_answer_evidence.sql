-- Evidence files attached to questionnaire answers (an MFA policy, a backup
-- restore record, an MLPS evaluation conclusion). Files are never changed;
-- each carries its SHA-256.
CREATE TABLE answer_evidence (
    id {{PK}},
    enterprise_id BIGINT NOT NULL REFERENCES organisations (id),
    question TEXT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data {{BLOB}} NOT NULL,
    uploaded_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX answer_evidence_enterprise ON answer_evidence (enterprise_id, question, id);
