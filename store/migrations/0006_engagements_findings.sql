-- Provider engagements, findings, finding history and evidence files (issue #4, items 3 and 5).
-- An engagement is the enterprise's written authorisation (授权书) of a provider's
-- assessment; accepting it opens the provider's engagement relationship.
CREATE TABLE engagements (
    id {{PK}},
    enterprise_id BIGINT NOT NULL REFERENCES organisations (id),
    provider_id BIGINT NOT NULL REFERENCES organisations (id),
    status TEXT NOT NULL,
    scope TEXT NOT NULL,
    test_types TEXT NOT NULL DEFAULT '',
    window_start TEXT NOT NULL,
    window_end TEXT NOT NULL,
    authorisation_text TEXT NOT NULL,
    authorised_by TEXT NOT NULL,
    authorised_at TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    response_reason TEXT NOT NULL DEFAULT '',
    responded_at TEXT NOT NULL DEFAULT '',
    completed_at TEXT NOT NULL DEFAULT '',
    ended_at TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX engagements_enterprise ON engagements (enterprise_id, id);
CREATE INDEX engagements_provider ON engagements (provider_id, id);

-- Status is one of the score engine's finding statuses; pending_status holds a
-- waiver of a critical finding awaiting the provider's review. review_due_at is
-- the SLA clock of a dispute or a pending waiver.
CREATE TABLE findings (
    id {{PK}},
    engagement_id BIGINT NOT NULL REFERENCES engagements (id),
    enterprise_id BIGINT NOT NULL REFERENCES organisations (id),
    provider_id BIGINT NOT NULL REFERENCES organisations (id),
    type TEXT NOT NULL,
    asset_id BIGINT,
    asset_text TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    severity TEXT NOT NULL,
    cve_ids TEXT NOT NULL DEFAULT '',
    cnvd_ids TEXT NOT NULL DEFAULT '',
    cnnvd_ids TEXT NOT NULL DEFAULT '',
    cvss_vector TEXT NOT NULL DEFAULT '',
    cvss_version TEXT NOT NULL DEFAULT '',
    cvss_score DOUBLE PRECISION,
    internet_facing BOOLEAN NOT NULL DEFAULT FALSE,
    remediation TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    pending_status TEXT NOT NULL DEFAULT '',
    review_due_at TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX findings_engagement ON findings (engagement_id, id);
CREATE INDEX findings_enterprise ON findings (enterprise_id, status);

CREATE TABLE finding_events (
    id {{PK}},
    finding_id BIGINT NOT NULL REFERENCES findings (id),
    at TEXT NOT NULL,
    actor_id BIGINT NOT NULL,
    actor_name TEXT NOT NULL,
    actor_org_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT NOT NULL DEFAULT '',
    to_status TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    due_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX finding_events_finding ON finding_events (finding_id, id);

CREATE TABLE evidence_files (
    id {{PK}},
    enterprise_id BIGINT NOT NULL REFERENCES organisations (id),
    engagement_id BIGINT NOT NULL REFERENCES engagements (id),
    finding_id BIGINT REFERENCES findings (id),
    event_id BIGINT REFERENCES finding_events (id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data {{BLOB}} NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploader_org_id BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX evidence_engagement ON evidence_files (engagement_id, id);
CREATE INDEX evidence_finding ON evidence_files (finding_id, id);
