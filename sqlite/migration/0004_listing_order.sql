-- Lists are shown newest first among the listings of a status that have
-- not expired: with this index the page query walks the rows already in
-- order and stops after a page, instead of sorting every active listing,
-- and the count of matches reads the index alone (expires_at is in it).
CREATE INDEX achievements_status_created_idx ON achievements (status, created_at DESC, id DESC, expires_at);
CREATE INDEX demands_status_created_idx ON demands (status, created_at DESC, id DESC, expires_at);
