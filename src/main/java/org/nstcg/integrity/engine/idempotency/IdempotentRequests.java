package org.nstcg.integrity.engine.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.store.Jdbc;

/**
 * The first answers of idempotent requests, by key, in PostgreSQL so that every instance sees them: a retried
 * request with the same key and the same fields gets the first answer again; the same key with other fields is
 * refused. A key is kept {@link #EXPIRY}.
 *
 * <p>Design notes: a request first claims its key (one INSERT; of racing retries exactly one wins the primary key),
 * runs only if it holds the claim, then stores its answer. A claim whose request failed without an answer is released,
 * so a retry runs again; one left by an instance that died is taken over after {@link #ABANDONED}. Each claim purges a
 * few expired rows, so the table stays about a day of keys without a job of its own.
 */
public final class IdempotentRequests {

    /** How long a key's answer is kept. */
    public static final Duration EXPIRY = Duration.ofHours(24);
    /** How long a claim may stay unanswered before a retry takes it over (its instance died mid-request). */
    public static final Duration ABANDONED = Duration.ofMinutes(2);
    private static final int PURGE_BATCH = 10;

    private final Jdbc jdbc;
    private final IdempotencyStore store = new IdempotencyStore();

    public IdempotentRequests(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** The SHA-256 (hex) of a request's fields, in order; a null field differs from an empty one. */
    public static String hash(List<String> fields) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String f : fields) {
                if (f == null) {
                    sha.update((byte) 0);
                } else {
                    byte[] b = f.getBytes(StandardCharsets.UTF_8);
                    sha.update((byte) 1);
                    sha.update(java.nio.ByteBuffer.allocate(4).putInt(b.length).array());
                    sha.update(b);
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Claims {@code key} for a request whose fields hash to {@code requestHash}, or says why it may not run. */
    public IdempotencyClaim claim(String key, String requestHash) {
        return jdbc.inTransaction("claiming an idempotency key", tx -> {
            store.purge(tx, EXPIRY.toSeconds(), PURGE_BATCH);
            if (store.claim(tx, key, requestHash, EXPIRY.toSeconds(), ABANDONED.toSeconds())) {
                return new IdempotencyClaim.Claimed(key, requestHash);
            }
            Optional<IdempotencyStore.Stored> stored = store.find(tx, key);
            if (stored.isEmpty()) {
                return new IdempotencyClaim.Pending(); // released between our INSERT and SELECT: the retry may try again
            }
            IdempotencyStore.Stored s = stored.get();
            if (!s.requestHash().equals(requestHash)) {
                return new IdempotencyClaim.Reused();
            }
            if (s.status().isPresent()) {
                return new IdempotencyClaim.Replay(s.status().get(), s.body().orElseThrow());
            }
            return new IdempotencyClaim.Pending();
        });
    }

    /** Stores the answer given to a claimed request. */
    public void complete(IdempotencyClaim.Claimed claim, int status, String body) {
        jdbc.transact("storing an idempotent answer", tx -> store.complete(tx, claim.key(), claim.requestHash(), status, body));
    }

    /** Gives a claim up without an answer (the request failed), so that a retry runs again. */
    public void release(IdempotencyClaim.Claimed claim) {
        jdbc.transact("releasing an idempotency key", tx -> store.release(tx, claim.key(), claim.requestHash()));
    }
}
