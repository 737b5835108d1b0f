package org.nstcg.integrity.engine.idempotency;

import java.util.Optional;
import org.nstcg.integrity.engine.store.Tx;

/** The SQL of {@code idempotency_keys} (V22), each statement in the caller's {@link Tx}. Ages are the database's clock. */
final class IdempotencyStore {

    /** A key's row: its request's hash and, once answered, the answer. */
    record Stored(String requestHash, Optional<Integer> status, Optional<String> body) {
    }

    /**
     * Claims {@code key} for a request with {@code requestHash}: inserts it, or takes over a row older than
     * {@code expirySeconds} or a claim left unanswered longer than {@code abandonedSeconds}. True when this call holds it.
     */
    boolean claim(Tx tx, String key, String requestHash, long expirySeconds, long abandonedSeconds) {
        return tx.update("INSERT INTO idempotency_keys (idempotency_key, request_hash) VALUES (?, ?)"
                + " ON CONFLICT (idempotency_key) DO UPDATE SET request_hash = EXCLUDED.request_hash, status = NULL, body = NULL,"
                + " completed_at = NULL, created_at = now()"
                + " WHERE idempotency_keys.created_at < now() - make_interval(secs => ?)"
                + " OR (idempotency_keys.status IS NULL AND idempotency_keys.created_at < now() - make_interval(secs => ?))",
                key, requestHash, expirySeconds, abandonedSeconds) == 1;
    }

    Optional<Stored> find(Tx tx, String key) {
        return tx.first("SELECT request_hash, status, body FROM idempotency_keys WHERE idempotency_key = ?",
                r -> new Stored(r.getString("request_hash"), Optional.ofNullable(r.getIntOrNull("status")),
                        Optional.ofNullable(r.getString("body"))), key);
    }

    void complete(Tx tx, String key, String requestHash, int status, String body) {
        tx.update("UPDATE idempotency_keys SET status = ?, body = ?, completed_at = now()"
                + " WHERE idempotency_key = ? AND request_hash = ? AND status IS NULL", status, body, key, requestHash);
    }

    void release(Tx tx, String key, String requestHash) {
        tx.update("DELETE FROM idempotency_keys WHERE idempotency_key = ? AND request_hash = ? AND status IS NULL", key, requestHash);
    }

    /** Removes up to {@code limit} rows older than {@code expirySeconds}. */
    int purge(Tx tx, long expirySeconds, int limit) {
        return tx.update("DELETE FROM idempotency_keys WHERE idempotency_key IN (SELECT idempotency_key FROM idempotency_keys"
                + " WHERE created_at < now() - make_interval(secs => ?) ORDER BY created_at LIMIT ?)", expirySeconds, limit);
    }
}
