-- Indexes for the filters and orders the store uses.
CREATE INDEX achievements_owner_org_id_idx ON achievements (owner_org_id);
CREATE INDEX achievements_created_at_idx ON achievements (created_at);
CREATE INDEX achievements_updated_at_idx ON achievements (updated_at);
CREATE INDEX achievements_status_idx ON achievements (status, region);
CREATE INDEX demands_owner_org_id_idx ON demands (owner_org_id);
CREATE INDEX demands_created_at_idx ON demands (created_at);
CREATE INDEX demands_updated_at_idx ON demands (updated_at);
CREATE INDEX demands_status_idx ON demands (status, region);
CREATE INDEX users_org_id_idx ON users (org_id);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
CREATE INDEX audit_at_idx ON audit (at);
CREATE INDEX audit_entity_idx ON audit (entity, entity_id);
CREATE INDEX audit_user_id_idx ON audit (user_id);
-- Modes are filtered with jsonb containment.
CREATE INDEX achievements_transfer_modes_idx ON achievements USING gin (transfer_modes jsonb_path_ops);
CREATE INDEX demands_coop_modes_idx ON demands USING gin (coop_modes jsonb_path_ops);
