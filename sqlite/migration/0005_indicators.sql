-- Enterprise indicators for the policy calculator: the figures of each
-- fiscal year (money in whole yuan), one profile document per organisation
-- (IP, recognitions, awards … as JSON) and the history of every change.
CREATE TABLE enterprise_years (
	org_id              INTEGER NOT NULL REFERENCES organizations (id),
	year                INTEGER NOT NULL,
	staff               INTEGER NOT NULL DEFAULT 0,
	st_staff            INTEGER NOT NULL DEFAULT 0,
	rd_staff            INTEGER NOT NULL DEFAULT 0,
	revenue             INTEGER NOT NULL DEFAULT 0,
	main_revenue        INTEGER NOT NULL DEFAULT 0,
	total_income        INTEGER NOT NULL DEFAULT 0,
	hightech_income     INTEGER NOT NULL DEFAULT 0,
	total_costs         INTEGER NOT NULL DEFAULT 0,
	total_assets        INTEGER NOT NULL DEFAULT 0,
	total_liabilities   INTEGER NOT NULL DEFAULT 0,
	net_profit          INTEGER NOT NULL DEFAULT 0,
	rd_expense          INTEGER NOT NULL DEFAULT 0,
	rd_expense_domestic INTEGER,
	equity_financing    INTEGER NOT NULL DEFAULT 0,
	conversions         INTEGER NOT NULL DEFAULT 0,
	updated_by          INTEGER NOT NULL DEFAULT 0,
	updated_at          TEXT NOT NULL,
	PRIMARY KEY (org_id, year)
);

CREATE TABLE enterprise_profiles (
	org_id     INTEGER PRIMARY KEY REFERENCES organizations (id),
	facts      TEXT NOT NULL,
	updated_by INTEGER NOT NULL DEFAULT 0,
	updated_at TEXT NOT NULL
);

CREATE TABLE indicator_changes (
	id         INTEGER PRIMARY KEY,
	org_id     INTEGER NOT NULL REFERENCES organizations (id),
	year       INTEGER NOT NULL DEFAULT 0,
	field      TEXT NOT NULL,
	old_value  TEXT NOT NULL,
	new_value  TEXT NOT NULL,
	changed_by INTEGER NOT NULL DEFAULT 0,
	changed_at TEXT NOT NULL
);
CREATE INDEX indicator_changes_org_id_idx ON indicator_changes (org_id, id);
