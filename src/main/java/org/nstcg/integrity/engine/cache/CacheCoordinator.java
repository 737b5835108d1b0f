package org.nstcg.integrity.engine.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.nstcg.integrity.engine.store.CacheRows;
import org.nstcg.integrity.engine.store.ConnectionFailures;
import org.nstcg.integrity.engine.store.CacheRows.Missed;
import org.nstcg.integrity.engine.store.CacheRows.Row;
import org.nstcg.integrity.engine.store.StoreException;
import org.nstcg.integrity.engine.support.Counts;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.EngineScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The one cache of the platform: Redis shared by every engine instance, plus a small in-process near cache per
 * instance. PostgreSQL stays the truth; every read can be answered without Redis.
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>No stale overwrite.</b> A miss returns the Redis time at which the reader started; the reader loads the
 *   row and offers it back with that instant and the row's version ({@link CacheScripts#FILL}). Redis refuses the
 *   fill if the key (or a pattern covering it) was invalidated since, or holds a newer version. Writers invalidate
 *   <i>after</i> their commit and leave a tombstone with the time, so a slow reader that loaded the old row before
 *   the commit can never write it back (the leases of Facebook's memcache paper, keyed by time).</li>
 *   <li><b>Across instances.</b> The invalidation script publishes the keys on one channel; every instance drops
 *   them from its near cache. The near cache is used only while the subscription is live and is cleared whenever
 *   it (re)subscribes, since messages may have been missed meanwhile; its entries also expire after
 *   {@link #NEAR_TTL}.</li>
 *   <li><b>Redis down.</b> Reads go to PostgreSQL, invalidations that cannot reach Redis are recorded in
 *   PostgreSQL ({@code cache_missed_invalidations}) and replayed by any instance as soon as Redis answers, so no
 *   cached value outlives a write it missed. The outage is logged once ({@link RedisConnection}).</li>
 *   <li><b>Patterns</b> are invalidated with {@code SCAN} in batches and {@code UNLINK}, after moving the epoch so
 *   no read in flight can fill a key the scan already passed.</li>
 *   <li><b>Redis is untrusted input</b> (decision record 0009). Every value is stored with its seal, an HMAC under a
 *   secret kept in PostgreSQL ({@link CacheSeal}); a hit whose seal does not match, and a value the caller cannot
 *   parse ({@link #discard}), is dropped from Redis and answered from PostgreSQL, counted and logged at WARN without
 *   its content. A read never fails because of what Redis holds.</li>
 * </ul>
 */
public final class CacheCoordinator implements CacheInvalidator, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CacheCoordinator.class);

    /** How long a tombstone outlives an invalidated value; reads older than half of it may not fill. */
    public static final Duration TOMBSTONE_TTL = Duration.ofSeconds(60);
    static final Duration MAX_FILL_AGE = TOMBSTONE_TTL.dividedBy(2);
    /** The longest a near-cache entry lives, whatever the TTL of its key. */
    public static final Duration NEAR_TTL = Duration.ofSeconds(30);
    private static final int SCAN_BATCH = 1000;
    private static final int REPLAY_BATCH = 1000;
    /** How often missed invalidations are looked for (and replayed when Redis answers). */
    public static final Duration REPLAY_EVERY = Duration.ofSeconds(1);
    /** With more missed invalidations than this, replay clears every pattern instead of key by key. */
    static final long REPLAY_CLEAR_ALL_ABOVE = 10_000;
    /** Prefixes under which the engine keeps non-cache state; pattern invalidation never touches them. */
    private static final List<String> RESERVED = List.of("cache:", "reserve:", "known:");
    /** The name of the seal's secret in {@code engine_secrets}. */
    static final String SEAL_SECRET = "cache-seal-key";

    /** Where a read was answered. */
    public enum Source { NEAR, REDIS, DATABASE }

    /** A read's answer: the JSON value (empty: no such row) and where it came from. */
    public record Lookup(Optional<String> json, Source source) {
    }

    /** Loads the row of a key from PostgreSQL ({@link CacheRows}); fails with a {@link StoreException}. */
    @FunctionalInterface
    public interface Loader {
        Optional<Row> load();
    }

    private record Near(String json, long version) {
    }

    private final RedisConnection redis;
    private final CacheRows rows;
    private final TtlPolicy ttl;
    private final String instanceId;
    private final Cache<String, Near> near;
    /**
     * Invalidation marks for the near cache: one counter per stripe of keys, one for patterns and resets. A value
     * read before an invalidation of its stripe (or a reset) is not put in the near cache; striping keeps a stream
     * of invalidations of other keys (every registration invalidates count:users) from refusing every put.
     */
    private final java.util.concurrent.atomic.AtomicLongArray stripeInvalidations = new java.util.concurrent.atomic.AtomicLongArray(STRIPES);
    private final AtomicLong wideInvalidations = new AtomicLong();
    private static final int STRIPES = 1024;
    private final InvalidationSubscriber subscriber;
    private EngineScheduler.Task maintenance;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final String epochKey;
    private final String channel;

    private final AtomicLong nearHits = new AtomicLong();
    private final AtomicLong redisHits = new AtomicLong();
    private final AtomicLong databaseReads = new AtomicLong();
    private final AtomicLong fillsStored = new AtomicLong();
    private final AtomicLong fillsRefused = new AtomicLong();
    private final AtomicLong invalidationsSent = new AtomicLong();
    private final AtomicLong invalidationsReceived = new AtomicLong();
    private final AtomicLong missedRecorded = new AtomicLong();
    private final AtomicLong missedReplayed = new AtomicLong();
    private final AtomicLong entriesRejected = new AtomicLong();
    private final CacheSeal seal;

    /**
     * A coordinator that does nothing in the background until {@link #start}: a one-shot CLI command never starts it
     * (and has no near cache).
     *
     * @param nearSize entries of the near cache; 0 disables it
     * @throws EngineException when PostgreSQL cannot give the seal's secret
     */
    public CacheCoordinator(RedisConnection redis, CacheRows rows, TtlPolicy ttl, String instanceId, int nearSize) {
        this.redis = redis;
        this.rows = rows;
        try {
            this.seal = new CacheSeal(rows.engineSecret(SEAL_SECRET));
        } catch (StoreException e) {
            throw new EngineException("Cannot read the cache's seal key from PostgreSQL (" + firstLine(e) + ").", e);
        }
        this.ttl = ttl;
        this.instanceId = instanceId;
        this.epochKey = redis.key("cache:epoch");
        this.channel = redis.key("cache:invalidations");
        this.near = nearSize <= 0 ? null : Caffeine.newBuilder().maximumSize(nearSize).expireAfterWrite(NEAR_TTL).build();
        this.subscriber = new InvalidationSubscriber(redis, channel, instanceId, this::onRemoteInvalidation, this::clearNear);
    }

    /**
     * Starts the background work of an engine instance on {@code scheduler}: the subscription to other instances'
     * invalidations (with a near cache only) and, every {@link #REPLAY_EVERY}, the replay of missed invalidations.
     */
    public synchronized void start(EngineScheduler scheduler) {
        if (maintenance != null || closed.get()) {
            return;
        }
        if (near != null) {
            subscriber.start(scheduler);
        }
        maintenance = scheduler.scheduleWithFixedDelay("cache-maintenance", REPLAY_EVERY, REPLAY_EVERY, this::replayMissedQuietly);
    }

    public TtlPolicy ttlPolicy() {
        return ttl;
    }

    public CacheRows rows() {
        return rows;
    }

    public RedisConnection redis() {
        return redis;
    }

    public String instanceId() {
        return instanceId;
    }

    /**
     * Reads a key: near cache, then Redis, then PostgreSQL (filling Redis and the near cache unless a write
     * intervened). Never fails because of Redis.
     *
     * @throws EngineException when PostgreSQL cannot answer a miss
     */
    public Lookup get(String key, Loader loader) {
        long localMark = mark(key);
        boolean nearUsable = near != null && subscriber.live();
        if (nearUsable) {
            Near n = near.getIfPresent(key);
            if (n != null) {
                nearHits.incrementAndGet();
                return new Lookup(Optional.of(n.json()), Source.NEAR);
            }
        }
        String redisKey = redis.key(key);
        Optional<Object> reply = redis.tryCall(r -> CacheScripts.GET.call(r, List.of(redisKey, epochKey), List.of()));
        long readStart = -1;
        if (reply.isPresent() && reply.get() instanceof List<?> parts && parts.size() == 5) {
            if (((Number) parts.get(0)).longValue() == 1) {
                String json = text(parts.get(1));
                Optional<Long> version = version(text(parts.get(2)));
                if (version.isPresent() && seal.verify(key, version.get(), json, text(parts.get(4)))) {
                    redisHits.incrementAndGet();
                    putNear(key, json, version.get(), localMark, nearUsable);
                    return new Lookup(Optional.of(json), Source.REDIS);
                }
                readStart = drop(key, json, "its seal does not match (written by someone without the engine's secret)");
            } else {
                readStart = ((Number) parts.get(3)).longValue();
            }
        }
        return load(key, loader, readStart, localMark, nearUsable);
    }

    /**
     * Drops a value that {@link #get} answered but the caller cannot use (JSON that does not parse, or not of the
     * expected shape) from the near cache and from Redis, and reads the key from PostgreSQL instead; logged at WARN
     * with the key's pattern, never the value.
     *
     * @param unusable the value as {@link #get} answered it
     * @param why      what is wrong with it, without its content
     * @throws EngineException when PostgreSQL cannot answer
     */
    public Lookup discard(String key, String unusable, Loader loader, String why) {
        localInvalidate(List.of(key), false);
        long localMark = mark(key);
        boolean nearUsable = near != null && subscriber.live();
        long readStart = drop(key, unusable, why);
        return load(key, loader, readStart, localMark, nearUsable);
    }

    /** Reads the row of a key from PostgreSQL and offers it to Redis (when {@code readStart} is known) and the near cache. */
    private Lookup load(String key, Loader loader, long readStart, long localMark, boolean nearUsable) {
        Optional<Row> row;
        try {
            row = loader.load();
        } catch (StoreException e) {
            throw new EngineException("Cannot read " + key + " from PostgreSQL (" + firstLine(e) + ").", e);
        }
        databaseReads.incrementAndGet();
        if (row.isEmpty()) {
            return new Lookup(Optional.empty(), Source.DATABASE);
        }
        if (readStart >= 0 && fill(key, row.get(), readStart)) {
            putNear(key, row.get().json(), row.get().version(), localMark, nearUsable);
        }
        return new Lookup(Optional.of(row.get().json()), Source.DATABASE);
    }

    /**
     * Removes a rejected value from Redis if it is still there ({@link CacheScripts#DROP}), counts and logs it; returns
     * the Redis time to fill the replacement from, or -1 when Redis is down.
     */
    private long drop(String key, String rejected, String why) {
        long n = entriesRejected.incrementAndGet();
        // Logged on the 1st, 2nd, 4th, 8th… rejection: a stream of forged entries cannot flood the log. Never the value.
        if (Long.bitCount(n) == 1) {
            log.warn("Dropped a cached {} entry from Redis because {}; answered from PostgreSQL ({} such entr{} since this"
                    + " instance started: is someone else writing to Redis?)", CacheKeys.patternOf(key), why, n, n == 1 ? "y" : "ies");
        } else {
            log.debug("Dropped a cached {} entry from Redis because {}", CacheKeys.patternOf(key), why);
        }
        Optional<Object> now = redis.tryCall(r -> CacheScripts.DROP.call(r, List.of(redis.key(key), epochKey),
                List.of(rejected, Long.toString(ttl.ttl(key).toMillis()))));
        return now.map(o -> ((Number) o).longValue()).orElse(-1L);
    }

    private static Optional<Long> version(String text) {
        try {
            return Optional.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(o);
    }

    /** The invalidation mark of {@code key}: changes whenever its stripe, a pattern or a reset is invalidated here. */
    private long mark(String key) {
        return wideInvalidations.get() * 31 + stripeInvalidations.get(stripe(key));
    }

    private static int stripe(String key) {
        return Math.floorMod(key.hashCode(), STRIPES);
    }

    private void putNear(String key, String json, long version, long localMark, boolean nearUsable) {
        // Only if no invalidation of this key (stripe) reached this instance since the read began: the value may predate it.
        if (nearUsable && mark(key) == localMark && subscriber.live()) {
            near.put(key, new Near(json, version));
            if (mark(key) != localMark) {
                near.invalidate(key);
            }
        }
    }

    /** Offers a value read from PostgreSQL since {@code readStart} (Redis time, ms); true when Redis stored it. */
    boolean fill(String key, Row row, long readStart) {
        String sealed = seal.seal(key, row.version(), row.json());
        Optional<Object> stored = redis.tryCall(r -> CacheScripts.FILL.call(r, List.of(redis.key(key), epochKey),
                List.of(Long.toString(readStart), Long.toString(row.version()), row.json(),
                        Long.toString(ttl.ttl(key).toMillis()), Long.toString(MAX_FILL_AGE.toMillis()), sealed)));
        boolean ok = stored.isPresent() && ((Number) stored.get()).longValue() == 1;
        (ok ? fillsStored : fillsRefused).incrementAndGet();
        return ok;
    }

    /** The Redis clock now (ms), the read start of a rebuild batch; empty when Redis is down. */
    public Optional<Long> redisTime() {
        return redis.tryCall(r -> ((Number) CacheScripts.TIME.call(r, List.of(epochKey), List.of())).longValue());
    }

    /**
     * Invalidates keys after the commit that made them stale, here and on every instance. Never throws: if Redis
     * cannot take it, the invalidation is recorded in PostgreSQL and replayed when Redis is back.
     */
    @Override
    public void afterCommit(Collection<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        List<String> list = List.copyOf(keys);
        localInvalidate(list, false);
        if (!sendInvalidation(list)) {
            recordMissed(list.stream().map(k -> new Missed(k, false)).toList());
        }
    }

    @Override
    public void afterCommit(Collection<String> keys, Release release) {
        List<String> list = List.copyOf(keys);
        localInvalidate(list, false);
        if (!sendInvalidation(list, Optional.of(release)) && !list.isEmpty()) {
            recordMissed(list.stream().map(k -> new Missed(k, false)).toList());
        }
    }

    private boolean sendInvalidation(List<String> keys) {
        return sendInvalidation(keys, Optional.empty());
    }

    /** One round trip: the invalidation of {@code keys} and, when given, the release of a guard; false when Redis is down. */
    private boolean sendInvalidation(List<String> keys, Optional<Release> release) {
        List<String> scriptKeys = new ArrayList<>(keys.size() + 2);
        keys.forEach(k -> scriptKeys.add(redis.key(k)));
        List<String> args = new ArrayList<>(List.of(channel, InvalidationSubscriber.message(instanceId, keys, false),
                Long.toString(TOMBSTONE_TTL.toMillis())));
        release.ifPresent(r -> {
            scriptKeys.add(r.guardKey());
            scriptKeys.add(r.rememberKey().orElse(r.guardKey()));
            args.addAll(List.of(r.token(), Long.toString(r.rememberTtl().toMillis()), r.rememberKey().isPresent() ? "1" : "0"));
        });
        Optional<Object> r = redis.tryCall(c -> CacheScripts.INVALIDATE.call(c, scriptKeys, args));
        if (r.isPresent()) {
            invalidationsSent.addAndGet(keys.size());
        }
        return r.isPresent();
    }

    /**
     * Checks that {@code pattern} may be invalidated: well formed ({@link CacheKeys#checkPattern}) and naming cached
     * keys only, never the engine's own state (reservations, guards, the invalidation channel's bookkeeping).
     *
     * @throws IllegalArgumentException with a sentence saying why not
     */
    static void checkInvalidatable(String pattern) {
        CacheKeys.checkPattern(pattern);
        String body = pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) : pattern;
        for (String reserved : RESERVED) {
            if (!pattern.equals("*") && (pattern.startsWith(reserved) || (pattern.endsWith("*") && reserved.startsWith(body)))) {
                throw new IllegalArgumentException("'" + pattern + "' would touch the engine's own state under " + reserved
                        + "; name cached keys, such as user:* or count:users");
            }
        }
    }

    /**
     * Invalidates every cached key matching {@code pattern} ({@code *} alone: every engine pattern), on every
     * instance; Redis keys are found with {@code SCAN} in batches, never {@code KEYS}.
     *
     * @return how many Redis entries were removed; empty when Redis is down (recorded and replayed later)
     * @throws IllegalArgumentException for a malformed pattern or one that names the engine's own state
     */
    public Optional<Long> invalidatePattern(String pattern) {
        checkInvalidatable(pattern);
        List<String> patterns = pattern.equals("*") ? CacheKeys.PATTERNS : List.of(pattern);
        for (String p : patterns) {
            localInvalidate(List.of(p), true);
        }
        try {
            return Optional.of(scanAndUnlink(patterns));
        } catch (RedisDownException e) {
            recordMissed(patterns.stream().map(p -> new Missed(p, true)).toList());
            return Optional.empty();
        }
    }

    private long scanAndUnlink(List<String> patterns) throws RedisDownException {
        Optional<Object> moved = redis.tryCall(c -> CacheScripts.EPOCH.call(c, List.of(epochKey),
                List.of(channel, InvalidationSubscriber.message(instanceId, patterns, true))));
        if (moved.isEmpty()) {
            throw new RedisDownException();
        }
        long removed = 0;
        for (String p : patterns) {
            String match = redis.key(p);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                String at = cursor;
                Optional<ScanResult<String>> page = redis.tryCall(c -> c.scan(at, new ScanParams().match(escapeGlob(match)).count(SCAN_BATCH)));
                if (page.isEmpty()) {
                    throw new RedisDownException();
                }
                List<String> keys = page.get().getResult();
                if (!keys.isEmpty()) {
                    Optional<Long> n = redis.tryCall(c -> c.unlink(keys.toArray(String[]::new)));
                    if (n.isEmpty()) {
                        throw new RedisDownException();
                    }
                    removed += n.get();
                }
                cursor = page.get().getCursor();
            } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        }
        invalidationsSent.addAndGet(removed);
        return removed;
    }

    /** Escapes glob characters of the literal part; a final {@code *} stays a wildcard. */
    static String escapeGlob(String match) {
        boolean wildcard = match.endsWith("*");
        String body = wildcard ? match.substring(0, match.length() - 1) : match;
        return DivergenceSampler.escapeGlob(body) + (wildcard ? "*" : "");
    }

    private void localInvalidate(List<String> keysOrPatterns, boolean patterns) {
        if (patterns) {
            wideInvalidations.incrementAndGet();
        } else {
            for (String k : keysOrPatterns) {
                stripeInvalidations.incrementAndGet(stripe(k));
            }
        }
        if (near == null) {
            return;
        }
        if (patterns) {
            for (String p : keysOrPatterns) {
                near.asMap().keySet().removeIf(k -> CacheKeys.matches(p, k));
            }
        } else {
            near.invalidateAll(keysOrPatterns);
        }
    }

    private void onRemoteInvalidation(List<String> keysOrPatterns, boolean patterns) {
        invalidationsReceived.addAndGet(keysOrPatterns.size());
        localInvalidate(keysOrPatterns, patterns);
    }

    private void clearNear() {
        wideInvalidations.incrementAndGet();
        if (near != null) {
            near.invalidateAll();
        }
    }

    private void recordMissed(List<Missed> missed) {
        try {
            rows.recordMissed(missed, instanceId);
            missedRecorded.addAndGet(missed.size());
        } catch (StoreException e) {
            // Both servers failed us after a commit: nothing durable is left to do; the TTL bounds the staleness.
            log.error("Could not record {} in PostgreSQL either ({}); they expire within their TTL",
                    Counts.of(missed.size(), "missed cache invalidation", "missed cache invalidations"), firstLine(e));
        }
    }

    /**
     * Replays invalidations missed while Redis was down, oldest first, until none is left.
     *
     * @return how many were replayed
     */
    public long replayMissed() throws Exception {
        if (redis.isDown() && redis.tryCall(r -> r.ping()).isEmpty()) {
            return 0;
        }
        if (!rows.anyMissed()) {
            return 0;
        }
        long total = 0;
        if (rows.missedCount() > REPLAY_CLEAR_ALL_ABOVE) {
            log.info("More than {} cache invalidations were missed while Redis was away; clearing every cached pattern instead",
                    REPLAY_CLEAR_ALL_ABOVE);
            scanAndUnlink(CacheKeys.PATTERNS);
        }
        while (true) {
            int n = rows.replayMissed(REPLAY_BATCH, batch -> {
                List<String> keys = batch.stream().filter(m -> !m.pattern()).map(Missed::key).distinct().toList();
                List<String> patterns = batch.stream().filter(Missed::pattern).map(Missed::key).distinct().toList();
                if (!keys.isEmpty() && !sendInvalidation(keys)) {
                    throw new RedisDownException();
                }
                if (!patterns.isEmpty()) {
                    scanAndUnlink(patterns);
                }
            });
            total += n;
            if (n < REPLAY_BATCH) {
                break;
            }
        }
        if (total > 0) {
            missedReplayed.addAndGet(total);
            log.info("Replayed {} missed while Redis was unreachable", Counts.of(total, "cache invalidation", "cache invalidations"));
        }
        return total;
    }

    private void replayMissedQuietly() {
        try {
            replayMissed();
        } catch (RedisDownException e) {
            // still down; the next round tries again
        } catch (Exception e) {
            log.debug("Replaying missed cache invalidations: {}", firstLine(e));
        }
    }

    /** Counters of this instance since it started. */
    public CacheStats stats() {
        return new CacheStats(nearHits.get(), redisHits.get(), databaseReads.get(), fillsStored.get(), fillsRefused.get(),
                invalidationsSent.get(), invalidationsReceived.get(), missedRecorded.get(), missedReplayed.get(),
                near == null ? 0 : near.estimatedSize(), near != null, subscriber.live(), redis.isDown(), entriesRejected.get());
    }

    /** Whether this instance currently receives other instances' invalidations. */
    public boolean subscribed() {
        return subscriber.live();
    }

    /** The first line of a failure's message; of a PostgreSQL failure, the server's (what the driver said). */
    static String firstLine(Throwable e) {
        return e instanceof StoreException s ? s.serverMessage() : ConnectionFailures.firstLine(e);
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        EngineScheduler.Task m;
        synchronized (this) {
            m = maintenance;
        }
        if (m != null) {
            m.cancel();
        }
        subscriber.close();
    }

    /** Internal: the seal of stored values, for the rebuild's batch fills. */
    CacheSeal seal() {
        return seal;
    }

    /** Internal: the epoch key, for the rebuild's batch fills. */
    String epochKey() {
        return epochKey;
    }

    /** Counts near-cache entries, for tests. */
    long nearSize() {
        return near == null ? 0 : near.estimatedSize();
    }

    /** For tests: drops the near cache as a reconnect would. */
    void clearNearForTest() {
        clearNear();
    }

    List<String> reservedPrefixes() {
        return new ArrayList<>(RESERVED);
    }
}
