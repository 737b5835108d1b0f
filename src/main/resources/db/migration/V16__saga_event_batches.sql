-- One saga log row per transaction (decision record 0007): the events a transaction appends to a saga's log are one
-- row, a JSON array, instead of one row each. A registration wrote five event rows in its database transaction (five
-- heap tuples, five primary-key entries, five foreign-key checks against sagas) and two more when it completed; it
-- now writes one and one. Readers see the same saga_events as before: a view that expands the batches in order.

CREATE FUNCTION saga_events_well_formed(events JSONB) RETURNS BOOLEAN
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN jsonb_typeof(events) <> 'array' OR jsonb_array_length(events) = 0 THEN false
           ELSE NOT EXISTS (
               SELECT 1 FROM jsonb_array_elements(events) AS e(ev)
                WHERE jsonb_typeof(ev) <> 'object'
                   OR coalesce(ev->>'type', '') NOT IN ('STARTED', 'STEP_COMPLETED', 'STEP_FAILED', 'COMPENSATION_STARTED',
                          'STEP_COMPENSATED', 'COMPENSATION_FAILED', 'COMPLETED', 'COMPENSATED', 'MANUAL_ACTION')
                   OR length(ev->>'step') > 100 OR length(ev->>'actor') > 100)
           END
$$;

-- The events of one transaction: seq first_seq, first_seq + 1, ... in array order.
CREATE TABLE saga_event_batches (
    saga_id     UUID         NOT NULL REFERENCES sagas (id),
    first_seq   INTEGER      NOT NULL,
    events      JSONB        NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT saga_event_batches_pkey PRIMARY KEY (saga_id, first_seq),
    CONSTRAINT saga_event_batches_seq_ck CHECK (first_seq >= 0),
    CONSTRAINT saga_event_batches_events_ck CHECK (saga_events_well_formed(events))
);

INSERT INTO saga_event_batches (saga_id, first_seq, events, created_at)
SELECT saga_id, seq, jsonb_build_array(jsonb_build_object('type', event_type, 'step', step_name, 'payload', payload,
                                                          'error', error, 'actor', actor, 'reason', reason)), created_at
  FROM saga_events;

DROP TABLE saga_events;

CREATE TRIGGER saga_event_batches_append_only
    BEFORE UPDATE OR DELETE ON saga_event_batches
    FOR EACH ROW EXECUTE FUNCTION refuse_change_to_append_only();
CREATE TRIGGER saga_event_batches_no_truncate
    BEFORE TRUNCATE ON saga_event_batches
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only();

-- The log as readers know it: one row per event (read only; writers append batches).
CREATE VIEW saga_events AS
SELECT b.saga_id, b.first_seq + e.ord::integer - 1 AS seq, e.ev->>'type' AS event_type, e.ev->>'step' AS step_name,
       e.ev->'payload' AS payload, e.ev->>'error' AS error, e.ev->>'actor' AS actor, e.ev->>'reason' AS reason,
       b.created_at
  FROM saga_event_batches b, jsonb_array_elements(b.events) WITH ORDINALITY AS e(ev, ord);

-- As in V3, with the events appended as one batch row.
CREATE OR REPLACE FUNCTION saga_advance(p_id UUID, p_owner TEXT, p_expected_status TEXT, p_expected_step INTEGER,
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
            SELECT coalesce(max(first_seq + jsonb_array_length(events)), 0) INTO next_seq
              FROM "${flyway:defaultSchema}".saga_event_batches WHERE saga_id = p_id;
        END IF;
    END IF;
    IF jsonb_array_length(p_events) > 0 THEN
        INSERT INTO "${flyway:defaultSchema}".saga_event_batches (saga_id, first_seq, events) VALUES (p_id, next_seq, p_events);
    END IF;
    RETURN next_seq + jsonb_array_length(p_events);
END;
$$;
