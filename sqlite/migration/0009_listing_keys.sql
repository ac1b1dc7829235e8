-- A build of the matching index reads the published listings page by
-- page in the order of their last change (updated_at, then id: the rowid,
-- which every SQLite index holds): this index walks it without sorting.
CREATE INDEX achievements_status_updated_idx ON achievements (status, updated_at);
CREATE INDEX demands_status_updated_idx ON demands (status, updated_at);
