-- Events: roadshows (路演) and docking meetings (对接会), the achievements
-- presented and the demands registered at each, and the docking lists made
-- for an event.
CREATE TABLE events (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL,
	kind        TEXT NOT NULL CONSTRAINT events_kind_check
		CHECK (kind IN ('roadshow', 'docking_meeting')),
	starts_at   TEXT NOT NULL,
	venue       TEXT NOT NULL DEFAULT '',
	field       TEXT NOT NULL DEFAULT '',
	region      TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	created_by  INTEGER NOT NULL DEFAULT 0,
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);
CREATE INDEX events_starts_at_idx ON events (starts_at);

-- A listing is on an event at most once: the primary keys say so.
CREATE TABLE event_achievements (
	event_id       INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
	achievement_id INTEGER NOT NULL REFERENCES achievements (id),
	position       INTEGER NOT NULL, -- order added, per event
	added_at       TEXT NOT NULL,
	PRIMARY KEY (event_id, achievement_id)
);
CREATE INDEX event_achievements_achievement_id_idx ON event_achievements (achievement_id);

CREATE TABLE event_demands (
	event_id  INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
	demand_id INTEGER NOT NULL REFERENCES demands (id),
	position  INTEGER NOT NULL,
	added_at  TEXT NOT NULL,
	PRIMARY KEY (event_id, demand_id)
);
CREATE INDEX event_demands_demand_id_idx ON event_demands (demand_id);

ALTER TABLE docking_lists ADD COLUMN event_id INTEGER REFERENCES events (id);
CREATE INDEX docking_lists_event_id_idx ON docking_lists (event_id);
