-- The enterprise risk profile (issue #4, item 1): MLPS (等保) systems, assets,
-- dependencies, and one row of data holdings and business continuity per enterprise.
-- Every row belongs to an enterprise; edited rows carry a version for optimistic
-- concurrency. Dates are 'YYYY-MM-DD' text, instants UTC text like the rest.

CREATE TABLE mlps_systems (
    id {{PK}},
    enterprise_id BIGINT NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    filing_number TEXT NOT NULL DEFAULT '',
    last_evaluation_date TEXT NOT NULL DEFAULT '',
    last_evaluation_result TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (enterprise_id, name)
);
CREATE UNIQUE INDEX mlps_systems_filing ON mlps_systems (enterprise_id, filing_number) WHERE filing_number <> '';

-- value is normalised per kind (see store/riskprofile_assets.go), so that
-- (kind, value) identifies one asset of an enterprise.
CREATE TABLE assets (
    id {{PK}},
    enterprise_id BIGINT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    software_version TEXT NOT NULL DEFAULT '',
    eol BOOLEAN NOT NULL DEFAULT FALSE,
    internet_facing BOOLEAN NOT NULL DEFAULT FALSE,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (enterprise_id, kind, value)
);
CREATE INDEX assets_enterprise ON assets (enterprise_id, id);
-- Portfolio accumulation and vulnerability matching look assets up by value across enterprises.
CREATE INDEX assets_kind_value ON assets (kind, value);

CREATE TABLE dependencies (
    id {{PK}},
    enterprise_id BIGINT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    service TEXT NOT NULL DEFAULT '',
    critical BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (enterprise_id, kind, name, service)
);
CREATE INDEX dependencies_kind_name ON dependencies (kind, name);

-- rto_hours and rpo_hours are NULL while unknown.
CREATE TABLE data_holdings (
    enterprise_id BIGINT PRIMARY KEY REFERENCES organisations (id),
    pi_records TEXT NOT NULL DEFAULT 'none',
    sensitive_pi BOOLEAN NOT NULL DEFAULT FALSE,
    important_data BOOLEAN NOT NULL DEFAULT FALSE,
    cross_border BOOLEAN NOT NULL DEFAULT FALSE,
    rto_hours INTEGER,
    rpo_hours INTEGER,
    offline_backups BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
