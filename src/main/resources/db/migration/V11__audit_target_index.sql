-- The console's audit screen filters by target id alone (a saga id, a user id) and pages newest first; the index
-- of V1 leads with target_type, which that filter does not give.
CREATE INDEX audit_log_target_id_ix ON audit_log (target_id, occurred_at) WHERE target_id IS NOT NULL;
