-- Supervision statistics (issue #7).

-- The retail line: an insurer's monthly aggregate of a retail product (e.g.
-- anti-fraud cover sold to residents) in one jurisdiction, declared and
-- re-declared (upsert) by the insurer. Amounts in 分.
CREATE TABLE retail_returns (
    id {{PK}},
    insurer_id BIGINT NOT NULL REFERENCES organisations (id),
    jurisdiction TEXT NOT NULL,
    month TEXT NOT NULL,
    line TEXT NOT NULL,
    policies BIGINT NOT NULL DEFAULT 0,
    premium BIGINT NOT NULL DEFAULT 0,
    sum_insured BIGINT NOT NULL DEFAULT 0,
    claims BIGINT NOT NULL DEFAULT 0,
    paid BIGINT NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    declared_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (insurer_id, jurisdiction, month, line)
);
CREATE INDEX retail_returns_jurisdiction ON retail_returns (jurisdiction, month);

-- The statistics warehouse, rebuilt by RefreshStats: one narrow row per
-- policy term (policy year) ever in force (dimensions resolved, the term's
-- subsidies and claims folded in) and one per incident, de-identified.
CREATE TABLE stats_policies (
    policy_id BIGINT NOT NULL,
    term_no INTEGER NOT NULL,
    insurer_id BIGINT NOT NULL,
    enterprise_id BIGINT NOT NULL,
    jurisdiction TEXT NOT NULL,
    section TEXT NOT NULL,
    size TEXT NOT NULL,
    product_type TEXT NOT NULL,
    month TEXT NOT NULL,
    premium BIGINT NOT NULL,
    sum_insured BIGINT NOT NULL,
    subsidy BIGINT NOT NULL,
    claims BIGINT NOT NULL,
    claims_paid BIGINT NOT NULL,
    paid_amount BIGINT NOT NULL,
    claims_declined BIGINT NOT NULL,
    outstanding BIGINT NOT NULL,
    PRIMARY KEY (policy_id, term_no)
);
CREATE INDEX stats_policies_jurisdiction ON stats_policies (jurisdiction, policy_id, term_no);
CREATE INDEX stats_policies_insurer ON stats_policies (insurer_id, policy_id, term_no);

CREATE TABLE stats_incidents (
    incident_id BIGINT NOT NULL PRIMARY KEY,
    insurer_id BIGINT NOT NULL,
    product_type TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    section TEXT NOT NULL,
    size TEXT NOT NULL,
    month TEXT NOT NULL,
    category TEXT NOT NULL,
    sub_category TEXT NOT NULL,
    grade TEXT NOT NULL,
    status TEXT NOT NULL,
    claim_outcome TEXT NOT NULL
);
CREATE INDEX stats_incidents_jurisdiction ON stats_incidents (jurisdiction, incident_id);
CREATE INDEX stats_incidents_insurer ON stats_incidents (insurer_id, incident_id);

-- Precomputed figures of the scope-only views (national "", a jurisdiction
-- "j:<code>", an insurer "i:<id>"): per dimension and key; dim "" is the total.
CREATE TABLE stats_rollup (
    scope TEXT NOT NULL,
    dim TEXT NOT NULL,
    k TEXT NOT NULL,
    policies BIGINT NOT NULL DEFAULT 0,
    premium BIGINT NOT NULL DEFAULT 0,
    sum_insured BIGINT NOT NULL DEFAULT 0,
    subsidy BIGINT NOT NULL DEFAULT 0,
    enterprises BIGINT NOT NULL DEFAULT 0,
    incidents BIGINT NOT NULL DEFAULT 0,
    claims BIGINT NOT NULL DEFAULT 0,
    claims_paid BIGINT NOT NULL DEFAULT 0,
    paid_amount BIGINT NOT NULL DEFAULT 0,
    claims_declined BIGINT NOT NULL DEFAULT 0,
    outstanding BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, dim, k)
);

-- The scope-only views by month, for any month range (national "", "j:<code>",
-- "i:<id>"): the figures of the terms (and incidents, declines) of the month,
-- split by prev, the enterprise's previous month with a term in the same
-- cell ('' none). Over a range [a, b] the additive figures are the sums of
-- its months' rows, and the distinct enterprises the sum of enterprises of
-- its rows with prev < a: each enterprise counts once, in the first month
-- of the range in which it has a term.
CREATE TABLE stats_rollup_month (
    scope TEXT NOT NULL,
    month TEXT NOT NULL,
    dim TEXT NOT NULL,
    k TEXT NOT NULL,
    prev TEXT NOT NULL,
    policies BIGINT NOT NULL DEFAULT 0,
    premium BIGINT NOT NULL DEFAULT 0,
    sum_insured BIGINT NOT NULL DEFAULT 0,
    subsidy BIGINT NOT NULL DEFAULT 0,
    enterprises BIGINT NOT NULL DEFAULT 0,
    incidents BIGINT NOT NULL DEFAULT 0,
    claims BIGINT NOT NULL DEFAULT 0,
    claims_paid BIGINT NOT NULL DEFAULT 0,
    paid_amount BIGINT NOT NULL DEFAULT 0,
    claims_declined BIGINT NOT NULL DEFAULT 0,
    outstanding BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, month, dim, k, prev)
);

-- When the warehouse was last rebuilt ('' never).
CREATE TABLE stats_meta (
    id INTEGER NOT NULL PRIMARY KEY,
    refreshed_at TEXT NOT NULL DEFAULT ''
);
INSERT INTO stats_meta (id, refreshed_at) VALUES (1, '');
