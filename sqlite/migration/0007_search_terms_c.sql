-- Nothing to do: PostgreSQL's 0007 changes the collation of its full-text
-- indexes; SQLite's FTS5 tables compare terms as bytes already. The file
-- keeps the two stores' schema versions in step.
SELECT 1;
