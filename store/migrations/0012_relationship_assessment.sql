-- Whether a relationship opens the enterprise's assessment: only one the
-- enterprise itself made (sharing with an insurer, an accepted engagement of
-- a provider). Relationships an operator records give directory visibility only.
ALTER TABLE relationships ADD COLUMN assessment BOOLEAN NOT NULL DEFAULT FALSE;
