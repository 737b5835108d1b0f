-- An owner role and a runtime role (issue 14, decision record 0010). The role that runs these migrations owns the
-- schema and every object in it; the engine may connect as another role, the runtime role, which the engine grants
-- exactly what it needs after each migration (grant_runtime_privileges, below): no DDL, no UPDATE, DELETE or TRUNCATE
-- on append-only tables, and audit entries only through audit_append. What the runtime role must still do to
-- append-only rows (a saga's compensation removes that saga's ledger entries and its user's referral code) goes
-- through SECURITY DEFINER functions that check the saga log first. With one login for both (db.migration-user
-- empty, or embedded mode) nothing changes: the owner may do everything these functions do, and more.
--
-- Every SECURITY DEFINER function pins search_path to this schema with pg_temp last, so that a caller's objects
-- cannot stand in for ours, and is executable only by its owner and the roles granted to.

-- Audit entries are appended by the owner on the caller's behalf: the runtime role may read audit_log, never write it.
ALTER FUNCTION audit_append(TEXT, TEXT, TEXT, TEXT, JSONB, JSONB, TEXT) SECURITY DEFINER;
REVOKE ALL ON FUNCTION audit_append(TEXT, TEXT, TEXT, TEXT, JSONB, JSONB, TEXT) FROM PUBLIC;

-- Raises unless p_saga_id is being compensated: the transaction is marked as that saga's compensation (the setting
-- integrity.compensating_saga, V3), the saga row says COMPENSATING, and the saga's own log, which is append-only, has
-- its COMPENSATION_STARTED event. Any login may set the setting and the runtime role may update sagas, so neither
-- alone is a boundary; the event is: a forged one stays in the saga log for good.
CREATE OR REPLACE FUNCTION require_compensating_saga(p_saga_id UUID) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = "${flyway:defaultSchema}", pg_temp
AS $$
BEGIN
    IF p_saga_id IS NULL OR compensating_saga() <> p_saga_id::text
       OR NOT EXISTS (SELECT 1 FROM sagas WHERE id = p_saga_id AND status = 'COMPENSATING')
       OR NOT EXISTS (SELECT 1 FROM saga_event_batches WHERE saga_id = p_saga_id
                         AND events @> '[{"type": "COMPENSATION_STARTED"}]'::jsonb) THEN
        RAISE EXCEPTION 'saga % is not being compensated: its rows stay', p_saga_id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END;
$$;
REVOKE ALL ON FUNCTION require_compensating_saga(UUID) FROM PUBLIC;

-- Compensation of a registration's ledger entries: removes the entries of p_user_id that saga p_saga_id wrote
-- (only those whose reason is p_reason, when given); the ledger triggers take their points back. Returns how many.
CREATE OR REPLACE FUNCTION compensate_ledger_entries(p_user_id BIGINT, p_saga_id UUID, p_reason TEXT DEFAULT NULL) RETURNS INTEGER
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = "${flyway:defaultSchema}", pg_temp
AS $$
DECLARE
    removed INTEGER;
BEGIN
    PERFORM require_compensating_saga(p_saga_id);
    DELETE FROM points_ledger WHERE user_id = p_user_id AND saga_id = p_saga_id AND (p_reason IS NULL OR reason = p_reason);
    GET DIAGNOSTICS removed = ROW_COUNT;
    RETURN removed;
END;
$$;
REVOKE ALL ON FUNCTION compensate_ledger_entries(BIGINT, UUID, TEXT) FROM PUBLIC;

-- Compensation of CreateUser's referral code: removes the codes of p_user_id if saga p_saga_id created that user
-- (the code was never handed to anyone). Returns how many.
CREATE OR REPLACE FUNCTION compensate_referral_codes(p_user_id BIGINT, p_saga_id UUID) RETURNS INTEGER
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = "${flyway:defaultSchema}", pg_temp
AS $$
DECLARE
    removed INTEGER;
BEGIN
    PERFORM require_compensating_saga(p_saga_id);
    DELETE FROM referral_codes r USING users u WHERE r.user_id = u.id AND u.id = p_user_id AND u.created_by_saga = p_saga_id;
    GET DIAGNOSTICS removed = ROW_COUNT;
    RETURN removed;
END;
$$;
REVOKE ALL ON FUNCTION compensate_referral_codes(BIGINT, UUID) FROM PUBLIC;

-- Fresh statistics for a legacy import's staging rows (LegacyImportStore): only a table's owner may ANALYZE it, and
-- without statistics the import's set-based statements run for minutes instead of seconds.
CREATE OR REPLACE FUNCTION analyze_legacy_users() RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = "${flyway:defaultSchema}", pg_temp
AS $$
BEGIN
    ANALYZE legacy_users;
END;
$$;
REVOKE ALL ON FUNCTION analyze_legacy_users() FROM PUBLIC;

-- Grants p_role, the runtime role, what the engine needs in this schema and nothing more; returns the statements it
-- ran, in order (decision record 0010 lists them). Run by the owner after every migration, in one transaction under
-- an advisory lock (concurrent GRANTs on one object fail with "tuple concurrently updated"). It first revokes
-- everything p_role had here, so that a table that became append-only loses what it no longer may have.
--   audit_log, flyway_schema_history          SELECT (audit entries only through audit_append)
--   append-only tables (refuse_change_to_append_only, refuse_points_ledger_change triggers)   SELECT, INSERT
--   referral_codes (refuse_referral_code_change: codes move between users, never go)         SELECT, INSERT, UPDATE
--   every other table                          SELECT, INSERT, UPDATE, DELETE
--   views                                      SELECT
--   sequences                                  USAGE, SELECT
--   functions                                  EXECUTE, except this one
-- Never TRUNCATE, REFERENCES or TRIGGER, never CREATE on the schema; ownership stays with the owner, so no DDL.
CREATE OR REPLACE FUNCTION grant_runtime_privileges(p_role NAME) RETURNS SETOF TEXT
LANGUAGE plpgsql
SET search_path = "${flyway:defaultSchema}", pg_temp
AS $$
DECLARE
    s     NAME := '${flyway:defaultSchema}';
    r     RECORD;
    privs TEXT;
    stmt  TEXT;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_role) THEN
        RAISE EXCEPTION 'role % does not exist: create it first (CREATE ROLE % LOGIN PASSWORD ...)', p_role, p_role
            USING ERRCODE = 'undefined_object';
    END IF;
    FOR stmt IN SELECT unnest(ARRAY[
            format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM %I', s, p_role),
            format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM %I', s, p_role),
            format('REVOKE ALL ON ALL FUNCTIONS IN SCHEMA %I FROM %I', s, p_role),
            format('REVOKE ALL ON SCHEMA %I FROM %I', s, p_role),
            format('GRANT USAGE ON SCHEMA %I TO %I', s, p_role)]) LOOP
        EXECUTE stmt;
        RETURN NEXT stmt;
    END LOOP;
    FOR r IN
        SELECT c.relname, c.relkind,
               EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
                        WHERE t.tgrelid = c.oid AND p.pronamespace = c.relnamespace
                          AND p.proname IN ('refuse_change_to_append_only', 'refuse_points_ledger_change')) AS append_only,
               EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
                        WHERE t.tgrelid = c.oid AND p.pronamespace = c.relnamespace
                          AND p.proname = 'refuse_referral_code_change') AS codes
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = s AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
         ORDER BY c.relkind = 'S', c.relname
    LOOP
        IF r.relkind = 'S' THEN
            stmt := format('GRANT USAGE, SELECT ON SEQUENCE %I.%I TO %I', s, r.relname, p_role);
        ELSE
            privs := CASE
                WHEN r.relkind IN ('v', 'm') OR r.relname IN ('audit_log', 'flyway_schema_history') THEN 'SELECT'
                WHEN r.append_only THEN 'SELECT, INSERT'
                WHEN r.codes THEN 'SELECT, INSERT, UPDATE'
                ELSE 'SELECT, INSERT, UPDATE, DELETE' END;
            stmt := format('GRANT %s ON TABLE %I.%I TO %I', privs, s, r.relname, p_role);
        END IF;
        EXECUTE stmt;
        RETURN NEXT stmt;
    END LOOP;
    FOR stmt IN SELECT unnest(ARRAY[
            format('GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA %I TO %I', s, p_role),
            format('REVOKE EXECUTE ON FUNCTION %I.grant_runtime_privileges(name) FROM %I', s, p_role)]) LOOP
        EXECUTE stmt;
        RETURN NEXT stmt;
    END LOOP;
END;
$$;
REVOKE ALL ON FUNCTION grant_runtime_privileges(NAME) FROM PUBLIC;
