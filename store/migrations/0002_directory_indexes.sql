-- The directory filters by kind and jurisdiction, often with size or industry,
-- and pages by id; the audit log is filtered by action prefix.
CREATE INDEX organisations_kind_jurisdiction_size ON organisations (kind, jurisdiction, size, id);
CREATE INDEX organisations_kind_jurisdiction_industry ON organisations (kind, jurisdiction, industry, id);
CREATE INDEX audit_log_action ON audit_log (action, seq);
