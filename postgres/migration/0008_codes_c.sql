-- Codes and identifiers (external ids, statuses, GB/T 2260 regions, field
-- and kind codes) compare by code point whatever the database's collation,
-- as on SQLite: a region prefix (LIKE '3205%') can then use the b-tree
-- index on (status, region), and under an ICU collation (zh, as a
-- deployment in China has) their unique and ordinary indexes no longer
-- pay for ICU comparisons on every insert. Equality, which is all the
-- constraints ask, is unchanged.
ALTER TABLE organizations
	ALTER COLUMN external_id TYPE text COLLATE "C",
	ALTER COLUMN kind TYPE text COLLATE "C",
	ALTER COLUMN uscc TYPE text COLLATE "C",
	ALTER COLUMN region TYPE text COLLATE "C";
ALTER TABLE achievements
	ALTER COLUMN external_id TYPE text COLLATE "C",
	ALTER COLUMN field TYPE text COLLATE "C",
	ALTER COLUMN region TYPE text COLLATE "C",
	ALTER COLUMN status TYPE text COLLATE "C",
	ALTER COLUMN ip_type TYPE text COLLATE "C";
ALTER TABLE demands
	ALTER COLUMN external_id TYPE text COLLATE "C",
	ALTER COLUMN field TYPE text COLLATE "C",
	ALTER COLUMN region TYPE text COLLATE "C",
	ALTER COLUMN status TYPE text COLLATE "C",
	ALTER COLUMN confidentiality TYPE text COLLATE "C";
