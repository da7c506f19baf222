-- The regulator's monthly bulletin (issue #7): a PDF of one month's figures
-- for one scope (a jurisdiction, or '' for the whole pilot), generated once
-- per scope, month and language by the schedule or on demand, and kept with
-- its SHA-256 so that the copy a regulator publishes can be checked.
CREATE TABLE bulletins (
    id {{PK}},
    scope TEXT NOT NULL,
    month TEXT NOT NULL,
    lang TEXT NOT NULL,
    title TEXT NOT NULL,
    pdf {{BLOB}} NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    figures TEXT NOT NULL,
    origin TEXT NOT NULL,
    generated_at TEXT NOT NULL,
    generated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX bulletins_scope_month ON bulletins (scope, month, lang);
CREATE INDEX bulletins_month ON bulletins (month, id);

-- Which scopes get a monthly bulletin besides the defaults (the whole pilot
-- and each jurisdiction with a local regulator and policies): a row turns a
-- scope on or off and sets its language.
CREATE TABLE bulletin_schedules (
    scope TEXT PRIMARY KEY,
    lang TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
