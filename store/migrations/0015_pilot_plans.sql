-- Pilot batches, consortium service plans, their review and the typical
-- service-plan catalogue (典型服务方案目录), issue #7. Instants are text in
-- anbao.TimeFormat (UTC); lists and structured fields are JSON in TEXT.

-- A pilot batch (试点批次): the notice, its scope, the application window,
-- the review rubric. Status: draft, open, reviewing, published, closed.
CREATE TABLE pilot_batches (
    id {{PK}},
    code TEXT NOT NULL UNIQUE,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    issuers TEXT NOT NULL DEFAULT '[]',
    notice_date TEXT NOT NULL DEFAULT '',
    industries TEXT NOT NULL DEFAULT '[]',
    subject_types TEXT NOT NULL DEFAULT '[]',
    product_types TEXT NOT NULL DEFAULT '[]',
    rubric TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL,
    opens_at TEXT NOT NULL,
    closes_at TEXT NOT NULL,
    notice_name TEXT NOT NULL DEFAULT '',
    notice_type TEXT NOT NULL DEFAULT '',
    notice_size BIGINT NOT NULL DEFAULT 0,
    notice_sha256 TEXT NOT NULL DEFAULT '',
    notice_data {{BLOB}},
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

-- A service plan (服务方案) submitted by a consortium led by an insurer or a
-- provider. Jurisdiction is the lead organisation's. Status: draft,
-- submitted, withdrawn, reviewing, selected, rejected.
CREATE TABLE service_plans (
    id {{PK}},
    batch_id BIGINT NOT NULL REFERENCES pilot_batches (id),
    lead_org_id BIGINT NOT NULL REFERENCES organisations (id),
    jurisdiction TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    product_type TEXT NOT NULL,
    industries TEXT NOT NULL DEFAULT '[]',
    subject_types TEXT NOT NULL DEFAULT '[]',
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    coverages TEXT NOT NULL DEFAULT '[]',
    services TEXT NOT NULL DEFAULT '{}',
    pricing TEXT NOT NULL DEFAULT '',
    registrations TEXT NOT NULL DEFAULT '[]',
    decision TEXT NOT NULL DEFAULT '',
    decision_note TEXT NOT NULL DEFAULT '',
    decided_at TEXT NOT NULL DEFAULT '',
    decided_by TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_at TEXT NOT NULL DEFAULT '',
    withdrawn_at TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX service_plans_batch ON service_plans (batch_id, status, id);
CREATE INDEX service_plans_lead ON service_plans (lead_org_id, id);
CREATE INDEX service_plans_jurisdiction ON service_plans (jurisdiction, batch_id);

-- The consortium: every member with its role; the lead is a row too.
CREATE TABLE plan_partners (
    plan_id BIGINT NOT NULL REFERENCES service_plans (id),
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    role TEXT NOT NULL,
    lead BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (plan_id, org_id)
);
CREATE INDEX plan_partners_org ON plan_partners (org_id, plan_id);

-- Small optional attachments of a plan.
CREATE TABLE plan_attachments (
    id {{PK}},
    plan_id BIGINT NOT NULL REFERENCES service_plans (id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data {{BLOB}},
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX plan_attachments_plan ON plan_attachments (plan_id, id);

-- The local regulator's recommendation (地方推荐): one per plan; rank is
-- 1..n among the recommended plans of one jurisdiction and batch, 0 if not
-- recommended.
CREATE TABLE plan_recommendations (
    id {{PK}},
    plan_id BIGINT NOT NULL UNIQUE REFERENCES service_plans (id),
    batch_id BIGINT NOT NULL REFERENCES pilot_batches (id),
    jurisdiction TEXT NOT NULL,
    recommended BOOLEAN NOT NULL DEFAULT FALSE,
    rank_no INTEGER NOT NULL DEFAULT 0,
    comment TEXT NOT NULL DEFAULT '',
    by_org BIGINT NOT NULL DEFAULT 0,
    by_user TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX plan_recommendations_rank ON plan_recommendations (batch_id, jurisdiction, rank_no) WHERE rank_no > 0;

-- Which organisations an expert works for or has ties to (conflict of
-- interest registry). source: operator (recorded by the operator) or self
-- (declared by the expert).
CREATE TABLE expert_affiliations (
    id {{PK}},
    user_id BIGINT NOT NULL REFERENCES users (id),
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    relation TEXT NOT NULL DEFAULT 'employment',
    note TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT 'operator',
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (user_id, org_id)
);

-- An expert's review of one plan. Status: assigned, submitted, recused.
-- scores is a JSON object criterion -> integer points.
CREATE TABLE review_assignments (
    id {{PK}},
    plan_id BIGINT NOT NULL REFERENCES service_plans (id),
    batch_id BIGINT NOT NULL REFERENCES pilot_batches (id),
    expert_id BIGINT NOT NULL REFERENCES users (id),
    status TEXT NOT NULL,
    scores TEXT NOT NULL DEFAULT '{}',
    total INTEGER NOT NULL DEFAULT 0,
    comment TEXT NOT NULL DEFAULT '',
    recusal_reason TEXT NOT NULL DEFAULT '',
    assigned_by TEXT NOT NULL DEFAULT '',
    assigned_at TEXT NOT NULL,
    submitted_at TEXT NOT NULL DEFAULT '',
    recused_at TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (plan_id, expert_id)
);
CREATE INDEX review_assignments_expert ON review_assignments (expert_id, id);

-- A version of a batch's catalogue. Immutable once published.
CREATE TABLE catalogue_versions (
    id {{PK}},
    batch_id BIGINT NOT NULL REFERENCES pilot_batches (id),
    number INTEGER NOT NULL,
    status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    published_at TEXT NOT NULL DEFAULT '',
    published_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (batch_id, number)
);

-- A plan in a catalogue version; entry_no like "2024-001" is stable across
-- versions of one batch.
CREATE TABLE catalogue_entries (
    id {{PK}},
    version_id BIGINT NOT NULL REFERENCES catalogue_versions (id),
    batch_id BIGINT NOT NULL REFERENCES pilot_batches (id),
    plan_id BIGINT NOT NULL REFERENCES service_plans (id),
    entry_no TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (version_id, plan_id),
    UNIQUE (version_id, entry_no)
);
CREATE INDEX catalogue_entries_plan ON catalogue_entries (plan_id, version_id);
-- Each catalogue number names one plan, across batches and versions: a plan
-- keeps its number in every later version, and no two plans share one.
CREATE TABLE catalogue_numbers (
    entry_no TEXT PRIMARY KEY,
    plan_id BIGINT NOT NULL UNIQUE REFERENCES service_plans (id)
);
CREATE INDEX catalogue_entries_batch ON catalogue_entries (batch_id, version_id);

-- The plan's history. applicant_visible rows are shown to the consortium.
CREATE TABLE plan_events (
    id {{PK}},
    plan_id BIGINT NOT NULL REFERENCES service_plans (id),
    kind TEXT NOT NULL,
    by_org BIGINT NOT NULL DEFAULT 0,
    by_user TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    applicant_visible BOOLEAN NOT NULL DEFAULT TRUE,
    at TEXT NOT NULL
);
CREATE INDEX plan_events_plan ON plan_events (plan_id, id);
