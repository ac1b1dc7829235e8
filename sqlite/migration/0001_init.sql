-- The innobridge schema for SQLite. Times are UTC text, fixed width
-- ("2006-01-02T15:04:05.000000Z") so that text order is time order; dates
-- are "YYYY-MM-DD"; lists are JSON arrays of strings. Constraint names
-- follow TABLE_COLUMN_check so errors can name the field.

CREATE TABLE organizations (
	id          INTEGER PRIMARY KEY,
	external_id TEXT UNIQUE,
	name        TEXT NOT NULL,
	kind        TEXT NOT NULL CONSTRAINT organizations_kind_check
		CHECK (kind IN ('enterprise', 'university', 'institute', 'agency', 'investor', 'park', 'lab', 'government')),
	uscc        TEXT NOT NULL DEFAULT '',
	region      TEXT NOT NULL DEFAULT '',
	industry    TEXT NOT NULL DEFAULT '',
	address     TEXT NOT NULL DEFAULT '',
	contact     TEXT NOT NULL DEFAULT '',
	phone       TEXT NOT NULL DEFAULT '',
	email       TEXT NOT NULL DEFAULT '',
	website     TEXT NOT NULL DEFAULT '',
	intro       TEXT NOT NULL DEFAULT '',
	founded     TEXT,
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX organizations_uscc_key ON organizations (uscc) WHERE uscc <> '';

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	username      TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL DEFAULT '',
	email         TEXT NOT NULL DEFAULT '',
	role          TEXT NOT NULL CONSTRAINT users_role_check
		CHECK (role IN ('admin', 'staff', 'dept', 'member', 'expert', 'investor')),
	org_id        INTEGER REFERENCES organizations (id),
	password_hash TEXT NOT NULL DEFAULT '',
	disabled      BOOLEAN NOT NULL DEFAULT FALSE,
	failed_logins INTEGER NOT NULL DEFAULT 0,
	locked_until  TEXT,
	password_set  TEXT NOT NULL,
	last_login    TEXT,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL
);

CREATE TABLE sessions (
	id         TEXT PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	csrf_token TEXT NOT NULL,
	created_at TEXT NOT NULL,
	last_seen  TEXT NOT NULL,
	expires_at TEXT NOT NULL
);

CREATE TABLE achievements (
	id             INTEGER PRIMARY KEY,
	external_id    TEXT UNIQUE,
	title          TEXT NOT NULL,
	description    TEXT NOT NULL DEFAULT '',
	keywords       TEXT NOT NULL DEFAULT '[]',
	field          TEXT NOT NULL DEFAULT '',
	region         TEXT NOT NULL DEFAULT '',
	owner_org_id   INTEGER REFERENCES organizations (id),
	status         TEXT NOT NULL CONSTRAINT achievements_status_check
		CHECK (status IN ('draft', 'published', 'withdrawn', 'suspended')),
	expires_at     TEXT,
	created_by     INTEGER NOT NULL DEFAULT 0,
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL,
	search_text    TEXT NOT NULL DEFAULT '',
	trl            INTEGER NOT NULL DEFAULT 0 CONSTRAINT achievements_trl_check CHECK (trl BETWEEN 0 AND 9),
	ip_type        TEXT NOT NULL DEFAULT '',
	ip_numbers     TEXT NOT NULL DEFAULT '[]',
	transfer_modes TEXT NOT NULL DEFAULT '[]',
	price_yuan     INTEGER CONSTRAINT achievements_price_yuan_check CHECK (price_yuan >= 0),
	negotiable     BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE demands (
	id              INTEGER PRIMARY KEY,
	external_id     TEXT UNIQUE,
	title           TEXT NOT NULL,
	description     TEXT NOT NULL DEFAULT '',
	keywords        TEXT NOT NULL DEFAULT '[]',
	field           TEXT NOT NULL DEFAULT '',
	region          TEXT NOT NULL DEFAULT '',
	owner_org_id    INTEGER REFERENCES organizations (id),
	status          TEXT NOT NULL CONSTRAINT demands_status_check
		CHECK (status IN ('draft', 'published', 'withdrawn', 'suspended')),
	expires_at      TEXT,
	created_by      INTEGER NOT NULL DEFAULT 0,
	created_at      TEXT NOT NULL,
	updated_at      TEXT NOT NULL,
	search_text     TEXT NOT NULL DEFAULT '',
	teaser          TEXT NOT NULL DEFAULT '',
	budget_min_yuan INTEGER CONSTRAINT demands_budget_min_yuan_check CHECK (budget_min_yuan >= 0),
	budget_max_yuan INTEGER,
	deadline        TEXT,
	coop_modes      TEXT NOT NULL DEFAULT '[]',
	trl_min         INTEGER NOT NULL DEFAULT 0 CONSTRAINT demands_trl_min_check CHECK (trl_min BETWEEN 0 AND 9),
	confidentiality TEXT NOT NULL CONSTRAINT demands_confidentiality_check
		CHECK (confidentiality IN ('public', 'teaser', 'private'))
);

CREATE TABLE audit (
	id        INTEGER PRIMARY KEY,
	at        TEXT NOT NULL,
	user_id   INTEGER NOT NULL DEFAULT 0,
	username  TEXT NOT NULL DEFAULT '',
	action    TEXT NOT NULL,
	entity    TEXT NOT NULL,
	entity_id TEXT NOT NULL DEFAULT '',
	detail    TEXT NOT NULL DEFAULT '',
	ip        TEXT NOT NULL DEFAULT ''
);

-- Full text: external-content FTS5 tables over search_text, which holds
-- the analysed terms joined by spaces (see package zh), kept in step by
-- triggers.
CREATE VIRTUAL TABLE achievements_fts USING fts5 (
	search_text, content = 'achievements', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER achievements_fts_insert AFTER INSERT ON achievements BEGIN
	INSERT INTO achievements_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER achievements_fts_delete AFTER DELETE ON achievements BEGIN
	INSERT INTO achievements_fts (achievements_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER achievements_fts_update AFTER UPDATE OF search_text ON achievements
WHEN old.search_text IS NOT new.search_text BEGIN
	INSERT INTO achievements_fts (achievements_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
	INSERT INTO achievements_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE VIRTUAL TABLE demands_fts USING fts5 (
	search_text, content = 'demands', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER demands_fts_insert AFTER INSERT ON demands BEGIN
	INSERT INTO demands_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER demands_fts_delete AFTER DELETE ON demands BEGIN
	INSERT INTO demands_fts (demands_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER demands_fts_update AFTER UPDATE OF search_text ON demands
WHEN old.search_text IS NOT new.search_text BEGIN
	INSERT INTO demands_fts (demands_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
	INSERT INTO demands_fts (rowid, search_text) VALUES (new.id, new.search_text);
END;
