package org.nstcg.integrity.engine.cache;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/**
 * Drops cached entries after the database commit that made them stale. Never before the commit: a reader could
 * otherwise reload the old row between the invalidation and the commit and cache it again.
 */
public interface CacheInvalidator {

    /** Called after commit with the logical keys (without prefix) the commit made stale. Best effort; never throws. */
    void afterCommit(Collection<String> keys);

    /**
     * {@link #afterCommit(Collection)}, and in the same Redis round trip releases a guard the committed work held
     * (a reservation): deleted only while it still holds the holder's token, and a marker key set when asked. The
     * release is best effort too: a guard that Redis could not release expires by itself.
     */
    void afterCommit(Collection<String> keys, Release release);

    /**
     * A guard to release after commit.
     *
     * @param guardKey    the full Redis key of the guard (prefix included), deleted if it still holds {@code token}
     * @param token       the holder's token
     * @param rememberKey a full Redis key to set to "1" for {@code rememberTtl}, or empty
     * @param rememberTtl how long the marker lives
     */
    record Release(String guardKey, String token, Optional<String> rememberKey, Duration rememberTtl) {
    }
}
