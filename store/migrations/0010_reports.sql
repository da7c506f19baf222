-- Signed final reports of provider engagements (issue #4, item 3). A report is
-- the canonical JSON payload the provider signed with its Ed25519 key; it is
-- never updated, and its signature is verified whenever it is shown.
CREATE TABLE signing_keys (
    id {{PK}},
    org_id BIGINT NOT NULL UNIQUE REFERENCES organisations (id),
    public_key TEXT NOT NULL,
    private_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE reports (
    id {{PK}},
    engagement_id BIGINT NOT NULL REFERENCES engagements (id),
    enterprise_id BIGINT NOT NULL REFERENCES organisations (id),
    provider_id BIGINT NOT NULL REFERENCES organisations (id),
    payload TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    signature TEXT NOT NULL,
    key_id BIGINT NOT NULL REFERENCES signing_keys (id),
    signed_by TEXT NOT NULL,
    signed_at TEXT NOT NULL
);
CREATE INDEX reports_engagement ON reports (engagement_id, id);
