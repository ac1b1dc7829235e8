-- A tracked pair gone quiet (match_quiet) is announced to its parties too.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check,
	ADD CONSTRAINT notifications_kind_check
		CHECK (kind IN ('policy_eligible', 'recognition_expiring', 'match_quiet'));
