package org.nstcg.integrity.engine.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.support.ServerUnavailableException;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * What the shared cache holds, seen from any instance: entries and tombstones per key pattern (counted with
 * {@code SCAN}, never {@code KEYS}), Redis memory and hit figures, how many instances listen for invalidations,
 * and how many invalidations wait to be replayed.
 */
public final class CacheInspector {

    /** Figures of one key pattern. */
    public record PatternFigures(String pattern, long entries, long tombstones, Duration ttl) {
    }

    /**
     * @param patterns            per engine key pattern
     * @param usedMemory          Redis's {@code used_memory_human}
     * @param keyspaceHits        Redis server-wide hits since it started
     * @param keyspaceMisses      Redis server-wide misses since it started
     * @param listeningInstances  engine instances subscribed to invalidations now
     * @param missedWaiting       invalidations recorded in PostgreSQL while Redis was away, not yet replayed
     * @param redisVersion        the server's version
     */
    public record Overview(List<PatternFigures> patterns, String usedMemory, long keyspaceHits, long keyspaceMisses,
                           long listeningInstances, long missedWaiting, String redisVersion) {
    }

    private static final int SCAN_BATCH = 1000;

    private final CacheCoordinator cache;

    public CacheInspector(CacheCoordinator cache) {
        this.cache = cache;
    }

    /**
     * Reads the figures now.
     *
     * @throws ServerUnavailableException when Redis does not answer (naming redis.url)
     * @throws org.nstcg.integrity.engine.store.StoreException when PostgreSQL cannot count the missed invalidations
     */
    public Overview overview() {
        RedisConnection redis = cache.redis();
        String version = redis.ping();
        try {
            return overview(redis, version);
        } catch (JedisException e) {
            redis.ping(); // throws the sentence naming redis.url if Redis went away meanwhile
            throw e;
        }
    }

    private Overview overview(RedisConnection redis, String version) {
        List<PatternFigures> figures = new ArrayList<>();
        for (String pattern : CacheKeys.PATTERNS) {
            long[] counts = count(redis, pattern);
            figures.add(new PatternFigures(pattern, counts[0], counts[1], cache.ttlPolicy().ttl(pattern.replace("*", "x"))));
        }
        String stats = redis.client().info("stats");
        String memory = redis.client().info("memory");
        Object numsub = redis.client().sendCommand(Protocol.Command.PUBSUB, "NUMSUB", redis.key("cache:invalidations"));
        long listening = numsub instanceof List<?> l && l.size() == 2 && l.get(1) instanceof Long n ? n : 0;
        return new Overview(figures, field(memory, "used_memory_human").orElse("?"),
                Long.parseLong(field(stats, "keyspace_hits").orElse("0")), Long.parseLong(field(stats, "keyspace_misses").orElse("0")),
                listening, cache.rows().missedCount(), version);
    }

    /** {entries, tombstones} of a pattern. */
    private static long[] count(RedisConnection redis, String pattern) {
        long entries = 0;
        long tombstones = 0;
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.client().scan(cursor, new ScanParams().match(redis.key(pattern)).count(SCAN_BATCH));
            List<String> keys = page.getResult();
            if (!keys.isEmpty()) {
                try (AbstractPipeline p = redis.client().pipelined()) {
                    List<Response<Boolean>> has = new ArrayList<>(keys.size());
                    for (String k : keys) {
                        has.add(p.hexists(k, "d"));
                    }
                    p.sync();
                    for (Response<Boolean> h : has) {
                        if (Boolean.TRUE.equals(h.get())) {
                            entries++;
                        } else {
                            tombstones++;
                        }
                    }
                }
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        return new long[] {entries, tombstones};
    }

    private static Optional<String> field(String info, String name) {
        return info.lines().filter(l -> l.startsWith(name + ":")).findFirst().map(l -> l.substring(name.length() + 1).trim());
    }
}
