package org.nstcg.integrity.engine.cache;

/**
 * Counters of one engine instance's cache since it started.
 *
 * @param nearHits              reads answered by the in-process near cache
 * @param redisHits             reads answered by Redis
 * @param databaseReads         reads that went to PostgreSQL (misses, or Redis down)
 * @param fillsStored           values read from PostgreSQL that Redis stored
 * @param fillsRefused          values Redis refused because a write intervened (or Redis was down)
 * @param invalidationsSent     keys this instance invalidated in Redis
 * @param invalidationsReceived keys or patterns other instances told this one to drop
 * @param missedRecorded        invalidations recorded in PostgreSQL because Redis was down
 * @param missedReplayed        recorded invalidations this instance replayed
 * @param nearEntries           entries in the near cache now
 * @param nearEnabled           whether this instance has a near cache
 * @param subscribed            whether this instance receives other instances' invalidations now
 * @param redisDown             whether the last contact with Redis failed
 * @param entriesRejected       values Redis answered that were dropped and read from PostgreSQL instead (a seal that
 *                              does not match, JSON that does not parse): Redis written by someone else
 */
public record CacheStats(long nearHits, long redisHits, long databaseReads, long fillsStored, long fillsRefused,
                         long invalidationsSent, long invalidationsReceived, long missedRecorded, long missedReplayed,
                         long nearEntries, boolean nearEnabled, boolean subscribed, boolean redisDown,
                         long entriesRejected) {

    /** Counters without any rejected entry (as before entries were sealed). */
    public CacheStats(long nearHits, long redisHits, long databaseReads, long fillsStored, long fillsRefused,
                      long invalidationsSent, long invalidationsReceived, long missedRecorded, long missedReplayed,
                      long nearEntries, boolean nearEnabled, boolean subscribed, boolean redisDown) {
        this(nearHits, redisHits, databaseReads, fillsStored, fillsRefused, invalidationsSent, invalidationsReceived,
                missedRecorded, missedReplayed, nearEntries, nearEnabled, subscribed, redisDown, 0);
    }

    /** Share of reads answered without PostgreSQL. */
    public double hitRate() {
        long all = nearHits + redisHits + databaseReads;
        return all == 0 ? 0 : (double) (nearHits + redisHits) / all;
    }
}
