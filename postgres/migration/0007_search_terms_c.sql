-- The full-text GIN indexes compare their terms by code point (COLLATE
-- "C") instead of the database's collation. A term matches only an equal
-- term, and equality is the same under every deterministic collation, so
-- searches find the same rows; but under an ICU collation (zh, as a
-- deployment in China has) each of the ~40 terms a listing adds was sorted
-- and merged with ICU comparisons, the largest cost of a bulk import.
-- The search query says COLLATE "C" too, or the planner would not use
-- these indexes.
DROP INDEX achievements_search_terms_idx;
CREATE INDEX achievements_search_terms_idx ON achievements USING gin (search_terms COLLATE "C");
DROP INDEX demands_search_terms_idx;
CREATE INDEX demands_search_terms_idx ON demands USING gin (search_terms COLLATE "C");
