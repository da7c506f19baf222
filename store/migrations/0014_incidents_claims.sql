-- Incidents, emergency response and claims (issue #6). Instants are text in
-- anbao.TimeFormat (UTC, fixed width, so text order is time order); amounts
-- are BIGINT 分; facts, reports and calculations are JSON documents.

-- An incident reported by the enterprise or by a provider on its behalf.
-- Grade, route and deadline are derived from the facts by the statutory
-- grading helper (package incident) with the rule table version recorded.
CREATE TABLE incidents (
    id {{PK}},
    enterprise_id BIGINT NOT NULL REFERENCES organisations (id),
    policy_id BIGINT REFERENCES policies (id),
    reported_by_org BIGINT NOT NULL REFERENCES organisations (id),
    reported_by TEXT NOT NULL,
    title TEXT NOT NULL,
    category TEXT NOT NULL,
    sub_category TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    discovered_at TEXT NOT NULL,
    operator_type TEXT NOT NULL,
    details TEXT NOT NULL,
    facts TEXT NOT NULL,
    grade TEXT NOT NULL,
    table_version TEXT NOT NULL,
    grading TEXT NOT NULL,
    mandatory INTEGER NOT NULL DEFAULT 0,
    report_due_at TEXT NOT NULL DEFAULT '',
    reported_at TEXT NOT NULL DEFAULT '',
    report_channel TEXT NOT NULL DEFAULT '',
    report_ref TEXT NOT NULL DEFAULT '',
    insurer_notified_at TEXT NOT NULL DEFAULT '',
    notice_due_at TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    handling_ended_at TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    summary_submitted_at TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX incidents_enterprise ON incidents (enterprise_id, id);
CREATE INDEX incidents_policy ON incidents (policy_id, id);

-- The incident's history: updates of facts, reports, notices, timer events.
CREATE TABLE incident_events (
    id {{PK}},
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    kind TEXT NOT NULL,
    by_org BIGINT NOT NULL DEFAULT 0,
    by_user TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
CREATE INDEX incident_events_incident ON incident_events (incident_id, id);

-- Deadlines as rows, so that they survive restarts: the scheduler warns at
-- warn_at and expires at due_at; meeting the duty closes the timer.
CREATE TABLE timers (
    id {{PK}},
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    dispatch_id BIGINT,
    kind TEXT NOT NULL,
    started_at TEXT NOT NULL,
    warn_at TEXT NOT NULL,
    due_at TEXT NOT NULL,
    state TEXT NOT NULL,
    warned_at TEXT NOT NULL DEFAULT '',
    expired_at TEXT NOT NULL DEFAULT '',
    met_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX timers_pending ON timers (state, warn_at);
CREATE INDEX timers_incident ON timers (incident_id, id);

-- Emergency response by a provider on the policy's approved roster.
CREATE TABLE dispatches (
    id {{PK}},
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    policy_id BIGINT NOT NULL REFERENCES policies (id),
    provider_id BIGINT NOT NULL REFERENCES organisations (id),
    mode TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    engineer TEXT NOT NULL DEFAULT '',
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    acknowledged_at TEXT NOT NULL DEFAULT '',
    assigned_at TEXT NOT NULL DEFAULT '',
    contained_at TEXT NOT NULL DEFAULT '',
    closed_at TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX dispatches_incident ON dispatches (incident_id, id);
CREATE INDEX dispatches_provider ON dispatches (provider_id, id);

-- The in-kind service ledger: what each dispatch drew from the policy
-- term's entitlements, apart from cash limits.
CREATE TABLE entitlement_usage (
    id {{PK}},
    policy_id BIGINT NOT NULL REFERENCES policies (id),
    term_no INTEGER NOT NULL,
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    dispatch_id BIGINT,
    service TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    value_fen BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_by_org BIGINT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX entitlement_usage_policy ON entitlement_usage (policy_id, term_no, service);

-- Evidence with a SHA-256 chain of custody: each custody entry hashes the
-- previous entry, so a changed or removed step breaks the chain.
CREATE TABLE incident_evidence (
    id {{PK}},
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL DEFAULT 0,
    content {{BLOB}},
    content_type TEXT NOT NULL DEFAULT '',
    holder_org BIGINT NOT NULL,
    holder TEXT NOT NULL,
    created_by_org BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (incident_id, sha256)
);
CREATE TABLE custody_events (
    id {{PK}},
    evidence_id BIGINT NOT NULL REFERENCES incident_evidence (id),
    seq INTEGER NOT NULL,
    action TEXT NOT NULL,
    from_org BIGINT NOT NULL DEFAULT 0,
    from_person TEXT NOT NULL DEFAULT '',
    to_org BIGINT NOT NULL DEFAULT 0,
    to_person TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    by_user TEXT NOT NULL,
    at TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    UNIQUE (evidence_id, seq)
);

-- A claim on one policy term, opened from an incident.
CREATE TABLE claims (
    id {{PK}},
    number TEXT NOT NULL UNIQUE,
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    policy_id BIGINT NOT NULL REFERENCES policies (id),
    term_no INTEGER NOT NULL,
    enterprise_id BIGINT NOT NULL REFERENCES organisations (id),
    insurer_id BIGINT NOT NULL REFERENCES organisations (id),
    status TEXT NOT NULL,
    notice_at TEXT NOT NULL,
    claim_made_at TEXT NOT NULL DEFAULT '',
    items TEXT NOT NULL,
    exclusions TEXT NOT NULL DEFAULT '[]',
    finding_id BIGINT,
    finding_caused INTEGER NOT NULL DEFAULT 0,
    ransom_consent_by TEXT NOT NULL DEFAULT '',
    ransom_consent_at TEXT NOT NULL DEFAULT '',
    calculation TEXT NOT NULL DEFAULT '',
    payable BIGINT NOT NULL DEFAULT 0,
    approved BIGINT NOT NULL DEFAULT 0,
    held BIGINT NOT NULL DEFAULT 0,
    reserve_loss BIGINT NOT NULL DEFAULT 0,
    reserve_expense BIGINT NOT NULL DEFAULT 0,
    paid BIGINT NOT NULL DEFAULT 0,
    recovered BIGINT NOT NULL DEFAULT 0,
    decline_code TEXT NOT NULL DEFAULT '',
    decline_note TEXT NOT NULL DEFAULT '',
    opened_by_org BIGINT NOT NULL,
    opened_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX claims_insurer ON claims (insurer_id, status, id);
CREATE INDEX claims_enterprise ON claims (enterprise_id, id);
CREATE INDEX claims_policy ON claims (policy_id, term_no);
CREATE INDEX claims_incident ON claims (incident_id);

-- The claim's path (理赔路径): every step, visible to the insured.
CREATE TABLE claim_events (
    id {{PK}},
    claim_id BIGINT NOT NULL REFERENCES claims (id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    amount BIGINT NOT NULL DEFAULT 0,
    detail TEXT NOT NULL DEFAULT '',
    by_org BIGINT NOT NULL,
    by_user TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX claim_events_claim ON claim_events (claim_id, id);

-- Payments (partial and final) and recoveries. A payment's key makes a
-- repeated submission a no-op; erosion is what it drew from the limits.
CREATE TABLE claim_payments (
    id {{PK}},
    claim_id BIGINT NOT NULL REFERENCES claims (id),
    policy_id BIGINT NOT NULL REFERENCES policies (id),
    term_no INTEGER NOT NULL,
    kind TEXT NOT NULL,
    amount BIGINT NOT NULL,
    erodes_aggregate BIGINT NOT NULL,
    erosion TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    reference TEXT NOT NULL DEFAULT '',
    paid_by TEXT NOT NULL,
    paid_at TEXT NOT NULL,
    UNIQUE (claim_id, idem_key)
);
CREATE INDEX claim_payments_term ON claim_payments (policy_id, term_no);

-- What a policy term's limits have paid, kept on one row per term that every
-- payment locks: concurrent payments queue on it and never overdraw.
CREATE TABLE term_erosion (
    policy_id BIGINT NOT NULL REFERENCES policies (id),
    term_no INTEGER NOT NULL,
    aggregate_paid BIGINT NOT NULL DEFAULT 0,
    coverage_paid TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (policy_id, term_no)
);

CREATE TABLE claim_recoveries (
    id {{PK}},
    claim_id BIGINT NOT NULL REFERENCES claims (id),
    amount BIGINT NOT NULL,
    source TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
