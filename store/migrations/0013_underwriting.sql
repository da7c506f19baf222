-- Underwriting (issue #5): exclusion clauses, products and their versions,
-- quote requests, quotes, contingencies, policies as terms and segments,
-- policy transactions, park members, subsidies and risk-increase notices.
-- Amounts are BIGINT 分; dates are YYYY-MM-DD (Beijing), periods [start, end).

-- The insurer's clause library: each code has numbered versions, never edited.
CREATE TABLE clauses (
    id {{PK}},
    insurer_id BIGINT NOT NULL REFERENCES organisations (id),
    code TEXT NOT NULL,
    version INTEGER NOT NULL,
    title_zh TEXT NOT NULL,
    title_en TEXT NOT NULL DEFAULT '',
    text_zh TEXT NOT NULL,
    text_en TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (insurer_id, code, version)
);

CREATE TABLE products (
    id {{PK}},
    insurer_id BIGINT NOT NULL REFERENCES organisations (id),
    code TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    published_version INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (insurer_id, code)
);

-- A version is a draft until published; a published version is frozen and
-- every quote and policy points to the version it was sold on.
CREATE TABLE product_versions (
    id {{PK}},
    product_id BIGINT NOT NULL REFERENCES products (id),
    insurer_id BIGINT NOT NULL REFERENCES organisations (id),
    number INTEGER NOT NULL,
    registration_no TEXT NOT NULL,
    status TEXT NOT NULL,
    definition TEXT NOT NULL,
    rating TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    published_by TEXT NOT NULL DEFAULT '',
    published_at TEXT NOT NULL DEFAULT '',
    UNIQUE (product_id, number)
);
CREATE INDEX product_versions_regno ON product_versions (insurer_id, registration_no);

CREATE TABLE quote_requests (
    id {{PK}},
    enterprise_id BIGINT NOT NULL REFERENCES organisations (id),
    requested_by_org BIGINT NOT NULL REFERENCES organisations (id),
    requested_by TEXT NOT NULL,
    inception_date TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX quote_requests_enterprise ON quote_requests (enterprise_id, id);

-- One quote is one option (limit, retention) on one product of one insurer.
CREATE TABLE quotes (
    id {{PK}},
    request_id BIGINT NOT NULL REFERENCES quote_requests (id),
    enterprise_id BIGINT NOT NULL REFERENCES organisations (id),
    insurer_id BIGINT NOT NULL REFERENCES organisations (id),
    product_id BIGINT NOT NULL REFERENCES products (id),
    product_version_id BIGINT NOT NULL REFERENCES product_versions (id),
    kind TEXT NOT NULL DEFAULT 'standard',
    renewal_of BIGINT,
    status TEXT NOT NULL,
    limit_amount BIGINT NOT NULL,
    retention BIGINT NOT NULL,
    inception_date TEXT NOT NULL,
    expiry_date TEXT NOT NULL,
    retro_date TEXT NOT NULL DEFAULT '',
    premium BIGINT NOT NULL DEFAULT 0,
    rating_input TEXT NOT NULL DEFAULT '',
    result TEXT NOT NULL DEFAULT '',
    reasons TEXT NOT NULL DEFAULT '',
    valid_until TEXT NOT NULL DEFAULT '',
    quoted_at TEXT NOT NULL DEFAULT '',
    decided_by TEXT NOT NULL DEFAULT '',
    decision_note TEXT NOT NULL DEFAULT '',
    bind_requested_at TEXT NOT NULL DEFAULT '',
    bound_at TEXT NOT NULL DEFAULT '',
    policy_id BIGINT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX quotes_insurer ON quotes (insurer_id, status, id);
CREATE INDEX quotes_enterprise ON quotes (enterprise_id, id);
CREATE INDEX quotes_request ON quotes (request_id, id);

-- Subjectivities: pre-bind ones must be satisfied or waived before binding;
-- post-bind ones are due after inception and are tracked on the policy.
CREATE TABLE contingencies (
    id {{PK}},
    quote_id BIGINT NOT NULL REFERENCES quotes (id),
    policy_id BIGINT,
    kind TEXT NOT NULL,
    text_zh TEXT NOT NULL,
    text_en TEXT NOT NULL DEFAULT '',
    due_date TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    resolved_by TEXT NOT NULL DEFAULT '',
    resolved_at TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX contingencies_quote ON contingencies (quote_id, id);
CREATE INDEX contingencies_policy ON contingencies (policy_id, id);

-- A policy is a number with terms (a renewal adds a term); each term is split
-- into segments at endorsement dates. source is anbao (bound here) or
-- declared (issued in the insurer's own core system, external_ref its number).
-- Enterprise facts are copied for the pilot's statistics.
CREATE TABLE policies (
    id {{PK}},
    number TEXT NOT NULL UNIQUE,
    insurer_id BIGINT NOT NULL REFERENCES organisations (id),
    enterprise_id BIGINT NOT NULL REFERENCES organisations (id),
    product_id BIGINT NOT NULL REFERENCES products (id),
    kind TEXT NOT NULL,
    source TEXT NOT NULL,
    external_ref TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    product_type TEXT NOT NULL,
    jurisdiction TEXT NOT NULL DEFAULT '',
    industry TEXT NOT NULL DEFAULT '',
    size TEXT NOT NULL DEFAULT '',
    current_term INTEGER NOT NULL DEFAULT 1,
    inception_date TEXT NOT NULL,
    expiry_date TEXT NOT NULL,
    premium BIGINT NOT NULL,
    sum_insured BIGINT NOT NULL,
    auto_renew BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX policies_external ON policies (insurer_id, external_ref) WHERE external_ref <> '';
CREATE INDEX policies_insurer ON policies (insurer_id, id);
CREATE INDEX policies_enterprise ON policies (enterprise_id, id);
CREATE INDEX policies_stats ON policies (jurisdiction, inception_date);

CREATE TABLE policy_terms (
    id {{PK}},
    policy_id BIGINT NOT NULL REFERENCES policies (id),
    term_no INTEGER NOT NULL,
    product_version_id BIGINT NOT NULL REFERENCES product_versions (id),
    quote_id BIGINT UNIQUE,
    status TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    annual_premium BIGINT NOT NULL,
    written_premium BIGINT NOT NULL,
    sum_insured BIGINT NOT NULL,
    retro_date TEXT NOT NULL DEFAULT '',
    rating_input TEXT NOT NULL DEFAULT '',
    cancelled_date TEXT NOT NULL DEFAULT '',
    cancel_method TEXT NOT NULL DEFAULT '',
    cancel_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (policy_id, term_no)
);

CREATE TABLE policy_segments (
    id {{PK}},
    term_id BIGINT NOT NULL REFERENCES policy_terms (id),
    policy_id BIGINT NOT NULL REFERENCES policies (id),
    seq INTEGER NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    terms TEXT NOT NULL,
    annual_premium BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (term_id, seq)
);
CREATE INDEX policy_segments_policy ON policy_segments (policy_id, start_date);

-- Every change of a policy: new business, endorsement, cancellation,
-- reinstatement, renewal; amount is the premium it charges (negative: refund).
CREATE TABLE policy_transactions (
    id {{PK}},
    policy_id BIGINT NOT NULL REFERENCES policies (id),
    term_id BIGINT NOT NULL REFERENCES policy_terms (id),
    kind TEXT NOT NULL,
    effective_date TEXT NOT NULL,
    amount BIGINT NOT NULL,
    method TEXT NOT NULL DEFAULT '',
    reason_code TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    details TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX policy_transactions_policy ON policy_transactions (policy_id, id);

-- Members of a park (园区保) master policy, each with its certificate.
CREATE TABLE policy_members (
    id {{PK}},
    policy_id BIGINT NOT NULL REFERENCES policies (id),
    enterprise_id BIGINT NOT NULL REFERENCES organisations (id),
    certificate_no TEXT NOT NULL UNIQUE,
    limit_amount BIGINT NOT NULL,
    premium BIGINT NOT NULL,
    joined_date TEXT NOT NULL,
    left_date TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (policy_id, enterprise_id)
);
CREATE INDEX policy_members_enterprise ON policy_members (enterprise_id);

-- Premium subsidies (保费补贴) granted under a local policy.
CREATE TABLE policy_subsidies (
    id {{PK}},
    policy_id BIGINT NOT NULL REFERENCES policies (id),
    term_no INTEGER NOT NULL,
    jurisdiction TEXT NOT NULL,
    grantor TEXT NOT NULL,
    local_policy TEXT NOT NULL,
    amount BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX policy_subsidies_policy ON policy_subsidies (policy_id);

-- The insured's duty to notify a significant increase in risk (危险程度显著增加).
CREATE TABLE risk_notices (
    id {{PK}},
    policy_id BIGINT NOT NULL REFERENCES policies (id),
    enterprise_id BIGINT NOT NULL REFERENCES organisations (id),
    insurer_id BIGINT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    raised_by TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    acknowledged_by TEXT NOT NULL DEFAULT '',
    acknowledged_at TEXT NOT NULL DEFAULT '',
    response TEXT NOT NULL DEFAULT ''
);
CREATE INDEX risk_notices_policy ON risk_notices (policy_id, id);
CREATE INDEX risk_notices_insurer ON risk_notices (insurer_id, acknowledged_at);
