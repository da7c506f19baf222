-- Foundation: organisations, users, sessions, tokens, relationships, audit chain, idempotency.
-- {{PK}} and {{BLOB}} are filled per engine; everything else is portable SQL.

CREATE TABLE organisations (
    id {{PK}},
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    uscc TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    jurisdiction TEXT NOT NULL DEFAULT '',
    registration_division TEXT NOT NULL DEFAULT '',
    uscc_override TEXT NOT NULL DEFAULT '',
    require_totp BOOLEAN NOT NULL DEFAULT FALSE,
    industry TEXT NOT NULL DEFAULT '',
    size TEXT NOT NULL DEFAULT '',
    revenue_fen BIGINT NOT NULL DEFAULT 0,
    employees INTEGER NOT NULL DEFAULT 0,
    cii BOOLEAN NOT NULL DEFAULT FALSE,
    specialised BOOLEAN NOT NULL DEFAULT FALSE,
    central_organ BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX organisations_uscc ON organisations (uscc) WHERE uscc <> '';
CREATE INDEX organisations_kind_jurisdiction ON organisations (kind, jurisdiction, id);
CREATE INDEX organisations_kind_industry ON organisations (kind, industry);
CREATE INDEX organisations_kind_size ON organisations (kind, size);
CREATE INDEX organisations_status ON organisations (status);

CREATE TABLE users (
    id {{PK}},
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    roles TEXT NOT NULL,
    locale TEXT NOT NULL DEFAULT 'zh-CN',
    password_hash TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    totp_secret TEXT NOT NULL DEFAULT '',
    totp_pending TEXT NOT NULL DEFAULT '',
    totp_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT NOT NULL DEFAULT '',
    last_login_at TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX users_org ON users (org_id);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    mfa_pending BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    ip TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id {{PK}},
    user_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT NOT NULL DEFAULT '',
    last_used_at TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- A relationship lets an insurer (consent) or a provider (engagement) see an enterprise.
CREATE TABLE relationships (
    id {{PK}},
    party_org_id BIGINT NOT NULL REFERENCES organisations (id),
    enterprise_id BIGINT NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT NOT NULL DEFAULT '',
    UNIQUE (party_org_id, enterprise_id, kind)
);
CREATE INDEX relationships_enterprise ON relationships (enterprise_id);

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id BIGINT NOT NULL,
    actor_name TEXT NOT NULL,
    actor_org_id BIGINT NOT NULL,
    org_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    entity_kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_json TEXT NOT NULL DEFAULT '',
    after_json TEXT NOT NULL DEFAULT '',
    request_id TEXT NOT NULL DEFAULT '',
    algo TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_org ON audit_log (org_id, seq);
CREATE INDEX audit_log_actor_org ON audit_log (actor_org_id, seq);
CREATE INDEX audit_log_entity ON audit_log (entity_kind, entity_id);

-- The chain head: one row, locked by every append so that appends are serial on every engine.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

CREATE TABLE idempotency_keys (
    owner TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL DEFAULT 0,
    content_type TEXT NOT NULL DEFAULT '',
    body {{BLOB}},
    created_at TEXT NOT NULL,
    PRIMARY KEY (owner, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
