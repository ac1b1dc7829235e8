-- An event is cancelled (已取消), not deleted: audit entries and docking
-- lists may point at it. Existing events are scheduled.
ALTER TABLE events ADD COLUMN status TEXT NOT NULL DEFAULT 'scheduled' CONSTRAINT events_status_check
	CHECK (status IN ('scheduled', 'cancelled'));
ALTER TABLE events ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN cancelled_at TEXT CONSTRAINT events_cancelled_at_check
	CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL));
