package org.nstcg.integrity.engine.cache;

import java.util.Collection;

/**
 * Drops cached entries after the database commit that made them stale. Never before the commit: a reader could
 * otherwise reload the old row between the invalidation and the commit and cache it again.
 */
@FunctionalInterface
public interface CacheInvalidator {

    /** Called after commit with the logical keys (without prefix) the commit made stale. Best effort; never throws. */
    void afterCommit(Collection<String> keys);
}
