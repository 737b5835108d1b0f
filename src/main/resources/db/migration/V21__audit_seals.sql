-- The audit trail's seals (issue 14, decision record 0011): the hash chain of V5 shows a change only to someone who
-- cannot recompute it, and anyone with the database's own login can (audit_entry_hash is in the schema). A seal is an
-- HMAC-SHA256 of an entry's id and hash under a key kept outside PostgreSQL (audit.key-file), computed by the engine
-- and written in the entry's transaction; an entry without a valid seal was not written by an engine that holds the
-- key. No foreign key to audit_log: a seal whose entry was deleted behind the engine's back is itself evidence.
-- Re-runnable (IF NOT EXISTS, OR REPLACE), as the newest migration must be (MigrationIT).
CREATE TABLE IF NOT EXISTS audit_seals (
    entry_id  BIGINT   PRIMARY KEY,
    mac       CHAR(64) NOT NULL,
    CONSTRAINT audit_seals_mac_ck CHECK (mac ~ '^[0-9a-f]{64}$')
);

DROP TRIGGER IF EXISTS audit_seals_append_only ON audit_seals;
CREATE TRIGGER audit_seals_append_only
    BEFORE UPDATE OR DELETE ON audit_seals
    FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only();
DROP TRIGGER IF EXISTS audit_seals_no_truncate ON audit_seals;
CREATE TRIGGER audit_seals_no_truncate
    BEFORE TRUNCATE ON audit_seals
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only();

-- audit_append, returning the new entry's hash too, which the engine seals. SECURITY DEFINER: a runtime login that may
-- not INSERT into audit_log appends through it (V20), so every entry is chained the same way.
CREATE OR REPLACE FUNCTION audit_append_entry(p_actor TEXT, p_action TEXT, p_target_type TEXT, p_target_id TEXT,
                                   p_before JSONB, p_after JSONB, p_details TEXT)
RETURNS TABLE (entry_id BIGINT, entry_hash TEXT)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = "${flyway:defaultSchema}", pg_temp
AS $$
BEGIN
    entry_id := audit_append(p_actor, p_action, p_target_type, p_target_id, p_before, p_after, p_details);
    SELECT l.hash INTO entry_hash FROM audit_log l WHERE l.id = entry_id;
    RETURN NEXT;
END;
$$;
