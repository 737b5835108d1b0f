-- The audit trail's hash chain (issue 6). Entries are appended only through audit_append, which takes the
-- chain's lock, links the entry to the previous one and computes its hash in the database, so every instance (and
-- an operator's psql) chains entries the same way. audit_entry_hash is the one definition of an entry's hash;
-- verification recomputes it for every entry and checks each link.

CREATE FUNCTION audit_field(p TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE
AS $$
    SELECT coalesce(length(p)::text || ':' || p, '-')
$$;

-- The hash of one entry: SHA-256 over the previous hash and every column, with fixed formats (UTC timestamps,
-- jsonb's canonical text), so the same entry always hashes the same whatever the session's settings.
CREATE FUNCTION audit_entry_hash(p_prev_hash TEXT, p_occurred_at TIMESTAMPTZ, p_actor TEXT, p_action TEXT,
                                 p_target_type TEXT, p_target_id TEXT, p_before JSONB, p_after JSONB, p_details TEXT)
RETURNS TEXT
LANGUAGE sql IMMUTABLE
AS $$
    -- Each field as <length>:<text>, a missing one as '-': no separator can be forged from inside a value.
    SELECT encode(sha256(convert_to(
        audit_field(p_prev_hash) || audit_field(to_char(p_occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
        || audit_field(p_actor) || audit_field(p_action) || audit_field(p_target_type) || audit_field(p_target_id)
        || audit_field(p_before::text) || audit_field(p_after::text) || audit_field(p_details), 'UTF8')), 'hex')
$$;

-- Appends one entry in the caller's transaction. The transaction-scoped advisory lock orders appends: the entry
-- that takes it next sees this one's hash only after this transaction commits, so the chain never forks, and an
-- action whose transaction rolls back leaves no entry.
CREATE FUNCTION audit_append(p_actor TEXT, p_action TEXT, p_target_type TEXT, p_target_id TEXT,
                             p_before JSONB, p_after JSONB, p_details TEXT)
RETURNS BIGINT
LANGUAGE plpgsql
SET search_path = "${flyway:defaultSchema}", pg_temp
AS $$
DECLARE
    v_prev TEXT;
    v_at   TIMESTAMPTZ := date_trunc('microseconds', clock_timestamp());
    v_id   BIGINT;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('integrity.audit_log.' || current_schema()));
    SELECT hash INTO v_prev FROM audit_log ORDER BY id DESC LIMIT 1;
    v_prev := coalesce(v_prev, repeat('0', 64));
    INSERT INTO audit_log (occurred_at, actor, action, target_type, target_id, before_state, after_state, details, prev_hash, hash)
    VALUES (v_at, p_actor, p_action, p_target_type, p_target_id, p_before, p_after, p_details, v_prev,
            audit_entry_hash(v_prev, v_at, p_actor, p_action, p_target_type, p_target_id, p_before, p_after, p_details))
    RETURNING id INTO v_id;
    RETURN v_id;
END;
$$;

CREATE INDEX audit_log_actor_ix ON audit_log (actor, occurred_at);
CREATE INDEX audit_log_action_ix ON audit_log (action, occurred_at);
