-- In-app notifications to an organisation's members: a policy it now
-- qualifies for, a recognition about to expire. key makes each event
-- announced once per organisation.
CREATE TABLE notifications (
	id         INTEGER PRIMARY KEY,
	org_id     INTEGER NOT NULL REFERENCES organizations (id),
	kind       TEXT NOT NULL CONSTRAINT notifications_kind_check
		CHECK (kind IN ('policy_eligible', 'recognition_expiring')),
	key        TEXT NOT NULL,
	title      TEXT NOT NULL,
	body       TEXT NOT NULL DEFAULT '',
	link       TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	read_at    TEXT,
	emailed_at TEXT,
	CONSTRAINT notifications_org_id_key_key UNIQUE (org_id, key)
);
CREATE INDEX notifications_org_id_idx ON notifications (org_id, id);
