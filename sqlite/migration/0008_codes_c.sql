-- PostgreSQL's 0008 makes code columns compare by code point, which is
-- SQLite's default (BINARY): nothing to do here but keep the schema
-- versions in step.
SELECT 1;
