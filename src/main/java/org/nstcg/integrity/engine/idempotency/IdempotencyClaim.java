package org.nstcg.integrity.engine.idempotency;

/** What an {@code Idempotency-Key} means for a request ({@link IdempotentRequests#claim}). */
public sealed interface IdempotencyClaim {

    /** The key is new (or expired): this request runs, and its answer is then {@link IdempotentRequests#complete completed}. */
    record Claimed(String key, String requestHash) implements IdempotencyClaim {
    }

    /** The key was answered for this same request: give that answer again. */
    record Replay(int status, String body) implements IdempotencyClaim {
    }

    /** The key was used for another request. */
    record Reused() implements IdempotencyClaim {
    }

    /** The same request with this key is running right now (on this or another instance). */
    record Pending() implements IdempotencyClaim {
    }
}
