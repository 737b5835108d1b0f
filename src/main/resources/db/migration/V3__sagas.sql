-- Durable sagas: the saga's data, the rows each saga created, and the bookkeeping functions.

ALTER TABLE sagas ADD COLUMN data JSONB NOT NULL DEFAULT '{}'::jsonb;

-- RESOLVED: an operator marked a FAILED_NEEDS_ATTENTION saga as handled (with a reason, in saga_events).
ALTER TABLE sagas DROP CONSTRAINT sagas_status_ck;
ALTER TABLE sagas ADD CONSTRAINT sagas_status_ck CHECK (status IN
    ('RUNNING', 'COMPLETED', 'COMPENSATING', 'COMPENSATED', 'FAILED_NEEDS_ATTENTION', 'RESOLVED'));
ALTER TABLE sagas DROP CONSTRAINT sagas_finished_ck;
ALTER TABLE sagas ADD CONSTRAINT sagas_finished_ck CHECK
    ((status IN ('COMPLETED', 'COMPENSATED', 'RESOLVED')) = (finished_at IS NOT NULL));
ALTER TABLE sagas ADD COLUMN step_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sagas ADD CONSTRAINT sagas_step_count_ck CHECK (step_count >= 0 AND current_step <= step_count);
CREATE INDEX sagas_business_key_ix ON sagas (business_key);

-- Each step updates its saga row: keep those updates HOT (no indexed column changes, room on the page). The
-- lease is indexed only where recovery looks for it, and renewed only when less than half of it is left.
ALTER TABLE sagas SET (fillfactor = 80);
DROP INDEX sagas_status_lease_ix;
CREATE INDEX sagas_unfinished_lease_ix ON sagas (lease_expires_at) WHERE status IN ('RUNNING', 'COMPENSATING');
CREATE INDEX sagas_attention_ix ON sagas (created_at) WHERE status = 'FAILED_NEEDS_ATTENTION';
-- Browsing by status: nearly every saga ends COMPLETED, so only the others need an index entry (completed ones are
-- browsed by time through sagas_created_ix); a saga type filter rides on the same time index.
CREATE INDEX sagas_status_created_ix ON sagas (status, created_at) WHERE status <> 'COMPLETED';
DROP INDEX sagas_type_created_ix;

-- Events are identified by (saga, seq): one index per event row instead of two.
ALTER TABLE saga_events DROP CONSTRAINT saga_events_pkey;
ALTER TABLE saga_events DROP COLUMN id;
ALTER TABLE saga_events DROP CONSTRAINT saga_events_seq_uk;
ALTER TABLE saga_events ADD CONSTRAINT saga_events_pkey PRIMARY KEY (saga_id, seq);

-- Rows created by a saga carry its id, so that its compensation (and nothing else) may remove exactly them.
ALTER TABLE users ADD COLUMN created_by_saga UUID;
ALTER TABLE gamification_profiles ADD COLUMN created_by_saga UUID;
ALTER TABLE outbox_events ADD COLUMN saga_id UUID;
CREATE INDEX users_created_by_saga_ix ON users (created_by_saga) WHERE created_by_saga IS NOT NULL;
CREATE INDEX points_ledger_saga_ix ON points_ledger (saga_id) WHERE saga_id IS NOT NULL;

-- The saga whose compensation runs in this transaction ('' outside one). Set with SET LOCAL by the orchestrator.
CREATE FUNCTION compensating_saga() RETURNS TEXT
LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('integrity.compensating_saga', true), '')
$$;

-- Append-only, except that a saga's compensation may remove the ledger entries that saga wrote.
CREATE OR REPLACE FUNCTION refuse_points_ledger_change() RETURNS trigger
LANGUAGE plpgsql
SET search_path = "${flyway:defaultSchema}", pg_temp
AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.saga_id IS NOT NULL AND OLD.saga_id::text = compensating_saga() THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

DROP TRIGGER points_ledger_append_only ON points_ledger;
CREATE TRIGGER points_ledger_append_only
    BEFORE UPDATE OR DELETE ON points_ledger
    FOR EACH ROW EXECUTE FUNCTION refuse_points_ledger_change();

-- Codes are issued forever, except one whose user is being removed by the compensation of the saga that created
-- it: that code was never handed to anyone, and its sequence value is never drawn again.
CREATE OR REPLACE FUNCTION refuse_referral_code_change() RETURNS trigger
LANGUAGE plpgsql
SET search_path = "${flyway:defaultSchema}", pg_temp
AS $$
BEGIN
    IF TG_OP = 'DELETE' AND compensating_saga() <> '' AND EXISTS (
            SELECT 1 FROM users u WHERE u.id = OLD.user_id AND u.created_by_saga::text = compensating_saga()) THEN
        RETURN OLD;
    END IF;
    IF TG_OP IN ('DELETE', 'TRUNCATE') OR NEW.code <> OLD.code OR NEW.user_id <> OLD.user_id THEN
        RAISE EXCEPTION 'referral codes are issued forever: % of a code is not allowed', TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;

-- Records that a step finished (or was compensated) and advances the saga, in the caller's transaction, fenced:
-- it raises unless the saga is RUNNING/COMPENSATING as expected, owned by p_owner with a live lease, and at the
-- expected step. So a step's effect commits only together with its event, exactly once, and only by the owner.
-- p_events is a JSON array of {type, step, payload, error} appended in order. When p_create is true the saga row
-- is created here (lazily, in the first transaction that writes anything durable). Called once per step, so its
-- tables are schema-qualified rather than pinning search_path with a SET clause (a settings save/restore per call).
CREATE FUNCTION saga_advance(p_id UUID, p_owner TEXT, p_expected_status TEXT, p_expected_step INTEGER,
                             p_new_status TEXT, p_new_step INTEGER, p_lease_ms INTEGER, p_events JSONB,
                             p_create BOOLEAN DEFAULT false, p_type TEXT DEFAULT NULL, p_business_key TEXT DEFAULT NULL,
                             p_data JSONB DEFAULT NULL, p_step_count INTEGER DEFAULT NULL, p_error TEXT DEFAULT NULL,
                             p_async BOOLEAN DEFAULT false, p_next_seq INTEGER DEFAULT NULL)
RETURNS INTEGER
LANGUAGE plpgsql
AS $$
DECLARE
    next_seq INTEGER;
    finished BOOLEAN := p_new_status IN ('COMPLETED', 'COMPENSATED', 'RESOLVED');
BEGIN
    IF p_async THEN
        -- An intermediate step: its commit need not wait for the WAL flush. WAL order keeps effects and events
        -- together, and the next synchronous commit (the pivot) makes everything before it durable.
        PERFORM set_config('synchronous_commit', 'off', true);
    END IF;
    IF p_create THEN
        INSERT INTO "${flyway:defaultSchema}".sagas (id, saga_type, business_key, status, current_step, owner_instance, lease_expires_at, data,
                           step_count, last_error, finished_at)
        VALUES (p_id, p_type, p_business_key, p_new_status, p_new_step, p_owner,
                clock_timestamp() + make_interval(secs => p_lease_ms / 1000.0), p_data, p_step_count, p_error,
                CASE WHEN finished THEN now() END);
        next_seq := 0;
    ELSE
        UPDATE "${flyway:defaultSchema}".sagas SET status = p_new_status, current_step = p_new_step, updated_at = now(),
                         lease_expires_at = CASE WHEN lease_expires_at - clock_timestamp() < make_interval(secs => p_lease_ms / 2000.0)
                                                 THEN clock_timestamp() + make_interval(secs => p_lease_ms / 1000.0)
                                                 ELSE lease_expires_at END,
                         last_error = coalesce(p_error, last_error),
                         attempts = CASE WHEN p_new_status = p_expected_status THEN attempts ELSE 0 END,
                         finished_at = CASE WHEN finished THEN now() END,
                         version = version + 1
         WHERE id = p_id AND owner_instance = p_owner AND status = p_expected_status
           AND current_step = p_expected_step AND lease_expires_at > clock_timestamp();
        IF NOT FOUND THEN
            RAISE EXCEPTION 'saga % is no longer owned by % at % step %', p_id, p_owner, p_expected_status, p_expected_step
                USING ERRCODE = 'serialization_failure', HINT = 'saga_fenced';
        END IF;
        -- The caller usually knows how many events it wrote; otherwise (manual actions) look it up.
        IF p_next_seq IS NOT NULL THEN
            next_seq := p_next_seq;
        ELSE
            SELECT coalesce(max(seq), -1) + 1 INTO next_seq FROM "${flyway:defaultSchema}".saga_events WHERE saga_id = p_id;
        END IF;
    END IF;
    INSERT INTO "${flyway:defaultSchema}".saga_events (saga_id, seq, event_type, step_name, payload, error, actor, reason)
    SELECT p_id, next_seq + e.ord - 1, e.ev->>'type', e.ev->>'step', e.ev->'payload', e.ev->>'error', e.ev->>'actor', e.ev->>'reason'
      FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(ev, ord);
    RETURN next_seq + jsonb_array_length(p_events);
END;
$$;
