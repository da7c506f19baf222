-- Pilot projects, periodic reports and the case library (issue #7).
-- Dates (start, end, periods, due) are calendar dates YYYY-MM-DD in Beijing
-- time; instants are text in anbao.TimeFormat; amounts are BIGINT 分; KPI
-- figures are JSON documents. Catalogue references are plain ids: the
-- catalogue tables belong to migration 0015.

-- A pilot project registered against an entry of a published catalogue.
CREATE TABLE pilot_projects (
    id {{PK}},
    batch_id BIGINT NOT NULL,
    catalogue_entry_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL,
    registrant_org_id BIGINT NOT NULL REFERENCES organisations (id),
    registered_by TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    cadence TEXT NOT NULL,
    status TEXT NOT NULL,
    status_note TEXT NOT NULL DEFAULT '',
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX pilot_projects_jurisdiction ON pilot_projects (jurisdiction, id);
CREATE INDEX pilot_projects_batch ON pilot_projects (batch_id, id);
CREATE INDEX pilot_projects_entry ON pilot_projects (catalogue_entry_id);

-- The participating units of a project: the registrant and the
-- organisations it added. role follows the organisation's kind. status is
-- the enterprise's consent: an enterprise added by another organisation is
-- 'invited' until its admin answers ('accepted' or 'declined'); only
-- accepted enterprises' records enter the project's figures. Institutions,
-- local authorities and an enterprise adding itself are 'accepted' at once.
CREATE TABLE project_members (
    project_id BIGINT NOT NULL REFERENCES pilot_projects (id),
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    role TEXT NOT NULL,
    status TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    responded_by TEXT NOT NULL DEFAULT '',
    responded_at TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (project_id, org_id)
);
CREATE INDEX project_members_org ON project_members (org_id, project_id);

CREATE TABLE project_milestones (
    id {{PK}},
    project_id BIGINT NOT NULL REFERENCES pilot_projects (id),
    title TEXT NOT NULL,
    due_date TEXT NOT NULL,
    done_date TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX project_milestones_project ON project_milestones (project_id, due_date);

-- The report schedule: one row per period, generated at registration.
-- platform_kpis is the platform's figures when last saved or submitted,
-- reported_kpis the reporter's (possibly corrected) figures.
CREATE TABLE project_reports (
    id {{PK}},
    project_id BIGINT NOT NULL REFERENCES pilot_projects (id),
    kind TEXT NOT NULL,
    period TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    due_date TEXT NOT NULL,
    status TEXT NOT NULL,
    platform_kpis TEXT NOT NULL DEFAULT '',
    reported_kpis TEXT NOT NULL DEFAULT '',
    progress TEXT NOT NULL DEFAULT '',
    issues TEXT NOT NULL DEFAULT '',
    next_steps TEXT NOT NULL DEFAULT '',
    reporter_org_id BIGINT NOT NULL DEFAULT 0,
    saved_by TEXT NOT NULL DEFAULT '',
    saved_at TEXT NOT NULL DEFAULT '',
    submitted_by TEXT NOT NULL DEFAULT '',
    submitted_at TEXT NOT NULL DEFAULT '',
    reviewed_by TEXT NOT NULL DEFAULT '',
    reviewed_org_id BIGINT NOT NULL DEFAULT 0,
    reviewed_at TEXT NOT NULL DEFAULT '',
    review_comment TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (project_id, kind, period)
);
CREATE INDEX project_reports_due ON project_reports (status, due_date);

-- Overdue reminders: one per report and kind (overdue, escalation), so that
-- running the reminder job again adds nothing.
CREATE TABLE report_reminders (
    id {{PK}},
    report_id BIGINT NOT NULL REFERENCES project_reports (id),
    project_id BIGINT NOT NULL REFERENCES pilot_projects (id),
    kind TEXT NOT NULL,
    days_overdue INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (report_id, kind)
);
CREATE INDEX report_reminders_project ON report_reminders (project_id, id);

-- Good practices and typical cases, with the submission template's fields.
CREATE TABLE pilot_cases (
    id {{PK}},
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES organisations (id),
    created_by TEXT NOT NULL,
    project_id BIGINT NOT NULL DEFAULT 0,
    jurisdiction TEXT NOT NULL DEFAULT '',
    industry TEXT NOT NULL DEFAULT '',
    background TEXT NOT NULL DEFAULT '',
    risk TEXT NOT NULL DEFAULT '',
    insurance_services TEXT NOT NULL DEFAULT '',
    incident_claim TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT '',
    lessons TEXT NOT NULL DEFAULT '',
    submitted_at TEXT NOT NULL DEFAULT '',
    decided_by TEXT NOT NULL DEFAULT '',
    decided_at TEXT NOT NULL DEFAULT '',
    published_by TEXT NOT NULL DEFAULT '',
    published_at TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX pilot_cases_status ON pilot_cases (status, id);
CREATE INDEX pilot_cases_org ON pilot_cases (org_id, id);

-- The review trail of a case: comments, recommendations, decisions.
CREATE TABLE case_reviews (
    id {{PK}},
    case_id BIGINT NOT NULL REFERENCES pilot_cases (id),
    org_id BIGINT NOT NULL,
    reviewer TEXT NOT NULL,
    decision TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
CREATE INDEX case_reviews_case ON case_reviews (case_id, id);
