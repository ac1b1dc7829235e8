-- Matching: tracked pairs of a demand and an achievement, and the docking
-- lists (对接清单) staff review before sending them out.
CREATE TABLE matches (
	id             INTEGER PRIMARY KEY,
	demand_id      INTEGER NOT NULL REFERENCES demands (id),
	achievement_id INTEGER NOT NULL REFERENCES achievements (id),
	status         TEXT NOT NULL CONSTRAINT matches_status_check
		CHECK (status IN ('recommended', 'contacted', 'negotiating', 'signed', 'declined')),
	reason         TEXT NOT NULL DEFAULT '' CONSTRAINT matches_reason_check
		CHECK (reason IN ('', 'trl_too_early', 'price', 'scope', 'ip', 'timing', 'other')),
	note           TEXT NOT NULL DEFAULT '',
	score          REAL NOT NULL DEFAULT 0,
	created_by     INTEGER NOT NULL DEFAULT 0,
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL,
	CONSTRAINT matches_pair_key UNIQUE (demand_id, achievement_id)
);
CREATE INDEX matches_achievement_id_idx ON matches (achievement_id);
CREATE INDEX matches_status_idx ON matches (status, reason);

CREATE TABLE docking_lists (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	field      TEXT NOT NULL DEFAULT '',
	region     TEXT NOT NULL DEFAULT '',
	top_n      INTEGER NOT NULL,
	created_by INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL
);

CREATE TABLE docking_items (
	id             INTEGER PRIMARY KEY,
	list_id        INTEGER NOT NULL REFERENCES docking_lists (id) ON DELETE CASCADE,
	demand_id      INTEGER NOT NULL REFERENCES demands (id),
	achievement_id INTEGER NOT NULL REFERENCES achievements (id),
	rank           INTEGER NOT NULL,
	score          REAL NOT NULL DEFAULT 0,
	why            TEXT NOT NULL DEFAULT '',
	state          TEXT NOT NULL DEFAULT 'proposed' CONSTRAINT docking_items_state_check
		CHECK (state IN ('proposed', 'accepted', 'removed'))
);
CREATE INDEX docking_items_list_id_idx ON docking_items (list_id, demand_id, rank);
