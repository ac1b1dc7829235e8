-- A tracked pair gone quiet (match_quiet) is announced to its parties too.
-- SQLite cannot change a CHECK constraint, so the table is rebuilt with
-- the same columns and rows.
CREATE TABLE notifications_new (
	id         INTEGER PRIMARY KEY,
	org_id     INTEGER NOT NULL REFERENCES organizations (id),
	kind       TEXT NOT NULL CONSTRAINT notifications_kind_check
		CHECK (kind IN ('policy_eligible', 'recognition_expiring', 'match_quiet')),
	key        TEXT NOT NULL,
	title      TEXT NOT NULL,
	body       TEXT NOT NULL DEFAULT '',
	link       TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	read_at    TEXT,
	emailed_at TEXT,
	CONSTRAINT notifications_org_id_key_key UNIQUE (org_id, key)
);
INSERT INTO notifications_new (id, org_id, kind, key, title, body, link, created_at, read_at, emailed_at)
	SELECT id, org_id, kind, key, title, body, link, created_at, read_at, emailed_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_org_id_idx ON notifications (org_id, id);
