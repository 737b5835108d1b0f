-- Idempotency-Key of POST /api/registrations (issue 16): the first answer given to a key, so that a retried sign-up
-- gets that answer again, from any serve instance, instead of a 409. A row is claimed (status and body NULL) before
-- the registration runs and completed with its answer after; the primary key makes one claim win when retries race.
-- request_hash is the SHA-256 of the request's fields: the same key with another request is refused. Rows older
-- than 24 hours are expired (reclaimed, and purged a few at a time by each new claim).
-- Re-runnable (IF NOT EXISTS), as the newest migration must be (MigrationIT).
CREATE TABLE IF NOT EXISTS idempotency_keys (
    idempotency_key TEXT        PRIMARY KEY,
    request_hash    CHAR(64)    NOT NULL,
    status          INTEGER,
    body            TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at    TIMESTAMPTZ,
    CONSTRAINT idempotency_keys_key_ck CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    CONSTRAINT idempotency_keys_hash_ck CHECK (request_hash ~ '^[0-9a-f]{64}$'),
    CONSTRAINT idempotency_keys_answer_ck CHECK ((status IS NULL) = (body IS NULL) AND (status IS NULL) = (completed_at IS NULL)
                                                 AND (status IS NULL OR status BETWEEN 100 AND 599))
);

CREATE INDEX IF NOT EXISTS idempotency_keys_created_ix ON idempotency_keys (created_at);

COMMENT ON TABLE idempotency_keys IS 'First answers of POST /api/registrations by Idempotency-Key, kept 24 hours.';
