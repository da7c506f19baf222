-- Imported vulnerability feeds (issue #4): CISA KEV and FIRST EPSS. Each
-- import replaces the previous snapshot of its feed in one transaction.
CREATE TABLE kev_entries (
    cve TEXT PRIMARY KEY,
    vendor TEXT NOT NULL,
    product TEXT NOT NULL,
    name TEXT NOT NULL,
    date_added TEXT NOT NULL,
    due_date TEXT NOT NULL,
    ransomware BOOLEAN NOT NULL
);

CREATE TABLE epss_scores (
    cve TEXT PRIMARY KEY,
    epss DOUBLE PRECISION NOT NULL,
    percentile DOUBLE PRECISION NOT NULL
);

CREATE TABLE feed_imports (
    id {{PK}},
    feed TEXT NOT NULL,
    version TEXT NOT NULL,
    released TEXT NOT NULL,
    rows_imported INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE INDEX feed_imports_feed ON feed_imports (feed, id);
