package org.nstcg.integrity.engine.cache;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nstcg.integrity.engine.store.CacheRows;
import org.nstcg.integrity.engine.store.CacheRows.DivergenceSample;
import org.nstcg.integrity.engine.store.CacheRows.Row;
import org.nstcg.integrity.engine.store.StoreException;
import org.nstcg.integrity.engine.support.Alert;
import org.nstcg.integrity.engine.support.AlertSink;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.EngineScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Measures how far the cache has drifted from PostgreSQL: every {@code cache.sample-interval} it compares a bounded
 * batch of cached entries of each key pattern with their rows, stores one {@link DivergenceSample} per pattern
 * ({@code cache_divergence_samples}, the console's chart) and raises a {@code cache.divergence} alert when a
 * pattern's divergence crosses {@code cache.divergence-alert}.
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>Bounded rounds that still cover everything.</b> {@code user:*} and {@code referral:*} are walked with
 *   {@code SCAN}; the cursor (and any keys a page returned beyond the batch) is kept between rounds, so a round
 *   costs at most {@link #DEFAULT_BATCH} entries per pattern, one pipelined {@code HMGET} and one set-based query
 *   ({@link CacheRows#users}, {@link CacheRows#referrals}), and successive rounds cover the whole keyspace. A round
 *   never starts a second pass, so it never counts a key twice.</li>
 *   <li><b>Divergent</b> means the entry differs from its row: another version, older (a write whose invalidation
 *   was lost) <i>or newer</i> (no fill can be newer than the row read after it: Redis was written by someone else),
 *   other content under the same version, or a row that is gone. Redis is untrusted input (decision record 0009): an
 *   entry is never taken for consistent on its own word. Entries without a value (tombstones) are not cached and
 *   not sampled. An entry found divergent is read again after the rows were: if it was invalidated or refilled
 *   meanwhile, the ordinary commit-then-invalidate lag was caught, not a lost invalidation, and it is not counted.
 *   Its staleness is the sampler's clock minus the row's {@code updated_at} (not known for a row that is gone).</li>
 *   <li><b>Single keys</b> ({@code count:users}, {@code leaderboard:referrers}) carry no version: the cached JSON is
 *   compared with what {@link CacheRows} computes now, and counts only if the same cached value stood before and
 *   after the computation. Their staleness is a lower bound kept in memory: the time since this sampler first saw
 *   this very cached value differ; unknown (null) on the round that first sees it.</li>
 *   <li><b>Alerts once per crossing</b>: a pattern alerts when it goes above the threshold with a meaningful sample
 *   (at least {@link #MIN_SAMPLE} entries; one for a single key), and again only after a round has seen it back at or
 *   under the threshold.</li>
 *   <li><b>Redis down</b>: the round is skipped without a log line of its own ({@link RedisConnection} logs the outage
 *   once) and the report says {@link DivergenceReport.State#REDIS_DOWN}; no sample is stored.</li>
 * </ul>
 */
public final class DivergenceSampler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DivergenceSampler.class);

    /** The source of this sampler's alerts. */
    public static final String ALERT_SOURCE = "cache.divergence";
    /** Entries compared per key pattern per round. */
    public static final int DEFAULT_BATCH = 500;
    /** The smallest sample of a keyspace pattern on which a divergence may raise an alert. */
    public static final int MIN_SAMPLE = 20;
    /** SCAN calls per pattern per round at most, so a round stays short in a Redis full of other keys. */
    static final int MAX_SCANS_PER_ROUND = 200;
    private static final int HISTORY_LIMIT = 100_000;

    /** Per pattern, the figures stored over a look-back: how many rounds, the highest divergence, the oldest staleness. */
    public record Peak(String pattern, int rounds, int maxDivergent, double maxDivergence, Optional<Long> maxOldestStalenessMs) {
    }

    private record Entry(String key, String json, long version) {
    }

    private record Seen(String json, Instant firstSeen) {
    }

    private final RedisConnection redis;
    private final CacheRows rows;
    private final String instanceId;
    private final Duration interval;
    private final double threshold;
    private final AlertSink alerts;
    private final Clock clock;
    private final int batch;
    private final int prefixLength;

    private final Object roundLock = new Object();
    private final Map<String, KeyCursor> cursors = new HashMap<>();
    private final Map<String, Seen> singleKeyDivergentSince = new HashMap<>();
    private final Set<String> alerting = new HashSet<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile DivergenceReport current;
    private EngineScheduler.Task rounds;
    private boolean backgroundFailing;

    /**
     * @param interval  time between background rounds ({@code cache.sample-interval})
     * @param threshold divergence (0 to 1) above which a pattern alerts ({@code cache.divergence-alert})
     */
    public DivergenceSampler(RedisConnection redis, CacheRows rows, String instanceId, Duration interval, double threshold,
                             AlertSink alerts, Clock clock) {
        this(redis, rows, instanceId, interval, threshold, alerts, clock, DEFAULT_BATCH);
    }

    DivergenceSampler(RedisConnection redis, CacheRows rows, String instanceId, Duration interval, double threshold,
                      AlertSink alerts, Clock clock, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be positive, not " + batch);
        }
        this.redis = redis;
        this.rows = rows;
        this.instanceId = instanceId;
        this.interval = interval;
        this.threshold = threshold;
        this.alerts = alerts;
        this.clock = clock;
        this.batch = batch;
        this.prefixLength = redis.key("").length();
        cursors.put(CacheKeys.USER_PATTERN, new KeyCursor(CacheKeys.USER_PATTERN));
        cursors.put(CacheKeys.REFERRAL_PATTERN, new KeyCursor(CacheKeys.REFERRAL_PATTERN));
        this.current = DivergenceReport.notSampledYet(clock.instant());
    }

    /** Starts sampling every interval on {@code scheduler} (the first round after one interval). */
    public synchronized void start(EngineScheduler scheduler) {
        if (rounds != null || closed.get()) {
            return;
        }
        rounds = scheduler.scheduleWithFixedDelay("cache-divergence-sampler", interval, interval, this::backgroundRound);
    }

    /** The latest round's figures (background or {@link #sampleNow()}). */
    public DivergenceReport current() {
        return current;
    }

    /**
     * The figure as it stands now, for faces: the latest round, unless Redis does not answer now, when it is
     * {@link DivergenceReport.State#REDIS_DOWN} since the outage began (a round stored before the outage measures
     * nothing about the cache now). No I/O.
     */
    public DivergenceReport latest() {
        DivergenceReport last = current;
        if (last.state() != DivergenceReport.State.REDIS_DOWN) {
            Optional<Instant> down = redis.downSince();
            if (down.isPresent()) {
                return DivergenceReport.redisDown(clock.instant(), down.get());
            }
        }
        return last;
    }

    /**
     * Runs one round now, on the calling thread, and returns it (it also becomes {@link #current()}).
     *
     * @throws EngineException when PostgreSQL cannot answer
     */
    public DivergenceReport sampleNow() {
        synchronized (roundLock) {
            DivergenceReport report = round();
            current = report;
            return report;
        }
    }

    /**
     * Samples stored since {@code since} by every instance, oldest first (the console's chart).
     *
     * @throws EngineException when PostgreSQL cannot answer
     */
    public List<DivergenceSample> history(Instant since) {
        return rows.samplesSince(since, HISTORY_LIMIT);
    }

    /**
     * The stored samples since {@code since}, summed per key pattern over time buckets of {@code bucket}, oldest
     * first: a chart's points, however many rounds and instances stored them (at most a few hundred per pattern for
     * a sensible bucket). Each point's {@code sampledAt} is the start of its bucket, {@code sampled} and
     * {@code divergent} the sums over the bucket's rounds of every instance, its staleness their maximum.
     *
     * @param bucket one second or more
     * @throws EngineException when PostgreSQL cannot answer
     */
    public List<DivergenceSample> history(Instant since, Duration bucket) {
        if (bucket.toSeconds() < 1) {
            throw new IllegalArgumentException("a bucket is one second or more, not " + bucket);
        }
        return rows.samplesByBucket(since, bucket.toSeconds(), HISTORY_LIMIT);
    }

    /** Per pattern ({@link CacheKeys#PATTERNS} order), the highest figures stored over the last {@code lookBack}. */
    public List<Peak> peaks(Duration lookBack) {
        List<DivergenceSample> samples = history(clock.instant().minus(lookBack));
        List<Peak> out = new ArrayList<>();
        for (String pattern : CacheKeys.PATTERNS) {
            int rounds = 0;
            int maxDivergent = 0;
            double maxDivergence = 0;
            Optional<Long> maxStaleness = Optional.empty();
            for (DivergenceSample s : samples) {
                if (!s.pattern().equals(pattern)) {
                    continue;
                }
                rounds++;
                maxDivergent = Math.max(maxDivergent, s.divergent());
                maxDivergence = Math.max(maxDivergence, s.divergence());
                if (s.oldestStalenessMs().isPresent() && (maxStaleness.isEmpty() || s.oldestStalenessMs().get() > maxStaleness.get())) {
                    maxStaleness = s.oldestStalenessMs();
                }
            }
            out.add(new Peak(pattern, rounds, maxDivergent, maxDivergence, maxStaleness));
        }
        return out;
    }

    /** The alert threshold, 0 to 1. */
    public double threshold() {
        return threshold;
    }

    /** Entries compared per keyspace pattern per round. */
    public int batchSize() {
        return batch;
    }

    private void backgroundRound() {
        if (closed.get()) {
            return;
        }
        try {
            sampleNow();
            if (backgroundFailing) {
                backgroundFailing = false;
                log.info("Cache divergence sampling works again");
            }
        } catch (RuntimeException e) {
            if (closed.get()) {
                return;
            }
            // Logged once per outage: the round is simply tried again next interval.
            if (!backgroundFailing) {
                backgroundFailing = true;
                log.warn("Cache divergence sampling failed ({}); retrying every {}", CacheCoordinator.firstLine(e),
                        interval);
            } else {
                log.debug("Cache divergence sampling still failing: {}", CacheCoordinator.firstLine(e));
            }
        }
    }

    /** How long stored samples are kept (the console charts hours, operators may look back a few days). */
    public static final Duration RETENTION = Duration.ofDays(7);
    private static final Duration PRUNE_EVERY = Duration.ofHours(1);
    private Instant lastPrune = Instant.EPOCH;

    private void pruneOldSamples(Instant now) {
        if (Duration.between(lastPrune, now).compareTo(PRUNE_EVERY) >= 0) {
            lastPrune = now;
            int removed = rows.pruneSamples(now.minus(RETENTION));
            if (removed > 0) {
                log.debug("Removed {} cache divergence samples older than {} days", removed, RETENTION.toDays());
            }
        }
    }

    private DivergenceReport round() {
        Instant at = clock.instant();
        try {
            List<DivergenceSample> samples = new ArrayList<>(CacheKeys.PATTERNS.size());
            samples.add(sampleKeyspace(CacheKeys.USER_PATTERN, at));
            samples.add(sampleKeyspace(CacheKeys.REFERRAL_PATTERN, at));
            samples.add(sampleSingleKey(CacheKeys.COUNT_PATTERN, CacheKeys.USER_COUNT, at));
            samples.add(sampleSingleKey(CacheKeys.LEADERBOARD_PATTERN, CacheKeys.LEADERBOARD, at));
            rows.recordSamples(samples, instanceId);
            pruneOldSamples(at);
            alertOnCrossings(samples, at);
            return new DivergenceReport(DivergenceReport.State.SAMPLED, at, samples);
        } catch (RedisDownException e) {
            log.debug("Redis is unreachable: cache divergence round skipped");
            return DivergenceReport.redisDown(at, redis.downSince().orElse(at));
        } catch (StoreException e) {
            throw new EngineException("Cannot compare cached entries with PostgreSQL (" + CacheCoordinator.firstLine(e) + ").", e);
        }
    }

    // Keyspace patterns: user:* and referral:* ------------------------------------------------------------------

    private DivergenceSample sampleKeyspace(String pattern, Instant at) throws RedisDownException {
        List<String> keys = cursors.get(pattern).next(batch);
        List<Entry> entries = fetch(keys);
        if (entries.isEmpty()) {
            return new DivergenceSample(at, pattern, 0, 0, Optional.empty());
        }
        Map<String, Row> current = new HashMap<>();
        for (Row row : load(pattern, entries)) {
            current.put(row.key(), row);
        }
        List<Entry> older = new ArrayList<>();
        for (Entry e : entries) {
            Row row = current.get(e.key());
            if (row == null || differs(e, row)) {
                older.add(e);
            }
        }
        // Read the suspects again: one invalidated or refilled since the first read was only the usual lag of a write.
        Map<String, Entry> again = new HashMap<>();
        for (Entry e : fetch(older.stream().map(o -> redis.key(o.key())).toList())) {
            again.put(e.key(), e);
        }
        int divergent = 0;
        Optional<Long> oldest = Optional.empty();
        for (Entry e : older) {
            Entry now = again.get(e.key());
            if (now == null || now.version() != e.version() || !now.json().equals(e.json())) {
                continue;
            }
            divergent++;
            Row row = current.get(e.key());
            if (row != null) {
                long staleness = Math.max(0, Duration.between(row.changedAt(), at).toMillis());
                if (oldest.isEmpty() || staleness > oldest.get()) {
                    oldest = Optional.of(staleness);
                }
            }
        }
        return new DivergenceSample(at, pattern, entries.size(), divergent, oldest);
    }

    /** Another version (older or newer) or other content: anything but the row's own value. */
    private static boolean differs(Entry e, Row row) {
        return e.version() != row.version() && e.version() >= 0 || !e.json().equals(row.json());
    }

    private List<Row> load(String pattern, List<Entry> entries) {
        if (pattern.equals(CacheKeys.USER_PATTERN)) {
            List<Long> ids = new ArrayList<>(entries.size());
            for (Entry e : entries) {
                ids.add(Long.parseLong(e.key().substring("user:".length())));
            }
            return rows.users(ids);
        }
        return rows.referrals(entries.stream().map(e -> e.key().substring("referral:".length())).toList());
    }

    /** The cached entries among {@code redisKeys} (full keys), with one pipelined HMGET; tombstones and strays left out. */
    private List<Entry> fetch(List<String> redisKeys) throws RedisDownException {
        if (redisKeys.isEmpty()) {
            return List.of();
        }
        Optional<List<List<String>>> replies = redis.tryCall(c -> {
            try (AbstractPipeline p = c.pipelined()) {
                List<Response<List<String>>> responses = new ArrayList<>(redisKeys.size());
                for (String k : redisKeys) {
                    responses.add(p.hmget(k, "d", "v"));
                }
                p.sync();
                List<List<String>> out = new ArrayList<>(responses.size());
                for (Response<List<String>> r : responses) {
                    out.add(fields(r));
                }
                return out;
            }
        });
        if (replies.isEmpty()) {
            throw new RedisDownException();
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < redisKeys.size(); i++) {
            List<String> f = replies.get().get(i);
            String key = redisKeys.get(i).substring(prefixLength);
            if (f == null || f.get(0) == null || !wellFormed(key)) {
                continue;
            }
            long version;
            try {
                version = f.get(1) == null ? -1 : Long.parseLong(f.get(1));
            } catch (NumberFormatException e) {
                version = -1;
            }
            entries.add(new Entry(key, f.get(0), version));
        }
        return entries;
    }

    /** A key that is not a hash (someone else's, under our prefix) is skipped, not taken for an outage. */
    private static List<String> fields(Response<List<String>> r) {
        try {
            return r.get();
        } catch (JedisDataException e) {
            return null;
        }
    }

    private static boolean wellFormed(String key) {
        if (key.startsWith("user:")) {
            String id = key.substring("user:".length());
            return !id.isEmpty() && id.length() <= 18 && id.chars().allMatch(Character::isDigit);
        }
        return key.startsWith("referral:") && key.length() > "referral:".length();
    }

    /**
     * Where a pattern's walk through the keyspace stands: the SCAN cursor and keys a page returned beyond the batch.
     * A round continues the current pass and starts a new one only if the last pass is used up.
     */
    private final class KeyCursor {

        private final String match;
        private final LinkedHashSet<String> pending = new LinkedHashSet<>();
        private String cursor = ScanParams.SCAN_POINTER_START;
        private boolean passEnded;

        KeyCursor(String pattern) {
            this.match = escapeGlob(redis.key(pattern.substring(0, pattern.length() - 1))) + "*";
        }

        List<String> next(int size) throws RedisDownException {
            if (passEnded && pending.isEmpty()) {
                passEnded = false;
                cursor = ScanParams.SCAN_POINTER_START;
            }
            int scans = 0;
            while (pending.size() < size && !passEnded && scans < MAX_SCANS_PER_ROUND) {
                String at = cursor;
                Optional<ScanResult<String>> page = redis.tryCall(c -> c.scan(at, new ScanParams().match(match).count(size)));
                if (page.isEmpty()) {
                    throw new RedisDownException();
                }
                scans++;
                pending.addAll(page.get().getResult());
                cursor = page.get().getCursor();
                passEnded = ScanParams.SCAN_POINTER_START.equals(cursor);
            }
            List<String> out = new ArrayList<>(Math.min(size, pending.size()));
            Iterator<String> it = pending.iterator();
            while (it.hasNext() && out.size() < size) {
                out.add(it.next());
                it.remove();
            }
            return out;
        }
    }

    /** Escapes glob characters of the literal part of a SCAN match (a key prefix may contain [ or \). */
    static String escapeGlob(String literal) {
        return literal.replaceAll("([\\\\*?\\[\\]])", "\\\\$1");
    }

    // Single keys: count:users and leaderboard:referrers --------------------------------------------------------

    private DivergenceSample sampleSingleKey(String pattern, String key, Instant at) throws RedisDownException {
        String before = cachedValue(key);
        if (before == null) {
            singleKeyDivergentSince.remove(key);
            return new DivergenceSample(at, pattern, 0, 0, Optional.empty());
        }
        String fresh = (key.equals(CacheKeys.USER_COUNT) ? rows.userCount() : rows.leaderboard()).json();
        String after = cachedValue(key);
        if (after == null) {
            singleKeyDivergentSince.remove(key);
            return new DivergenceSample(at, pattern, 0, 0, Optional.empty());
        }
        // Only a value that stood through the whole computation can be called stale.
        if (after.equals(fresh) || !after.equals(before)) {
            singleKeyDivergentSince.remove(key);
            return new DivergenceSample(at, pattern, 1, 0, Optional.empty());
        }
        Seen seen = singleKeyDivergentSince.get(key);
        if (seen == null || !seen.json().equals(after)) {
            singleKeyDivergentSince.put(key, new Seen(after, at));
            return new DivergenceSample(at, pattern, 1, 1, Optional.empty());
        }
        return new DivergenceSample(at, pattern, 1, 1, Optional.of(Math.max(0, Duration.between(seen.firstSeen(), at).toMillis())));
    }

    private String cachedValue(String key) throws RedisDownException {
        Optional<List<String>> f = redis.tryCall(c -> {
            try {
                return c.hmget(redis.key(key), "d");
            } catch (JedisDataException e) {
                return List.<String>of();
            }
        });
        if (f.isEmpty()) {
            throw new RedisDownException();
        }
        return f.get().isEmpty() ? null : f.get().get(0);
    }

    // Alerts ------------------------------------------------------------------------------------------------------

    private void alertOnCrossings(List<DivergenceSample> samples, Instant at) {
        for (DivergenceSample s : samples) {
            boolean singleKey = !cursors.containsKey(s.pattern());
            boolean meaningful = s.sampled() >= (singleKey ? 1 : MIN_SAMPLE);
            boolean above = meaningful && s.divergent() > 0 && s.divergence() > threshold;
            if (above) {
                if (alerting.add(s.pattern())) {
                    raise(s, singleKey, at);
                }
            } else if (meaningful || s.divergent() == 0) {
                alerting.remove(s.pattern());
            }
        }
    }

    private void raise(DivergenceSample s, boolean singleKey, Instant at) {
        String what = singleKey
                ? "The cached " + s.pattern() + " value differs from what PostgreSQL holds now"
                : String.format(Locale.ROOT, "%.1f%% of the sampled %s entries (%d of %d) differ from their rows",
                        s.divergence() * 100, s.pattern(), s.divergent(), s.sampled());
        String staleness = s.oldestStalenessMs().map(ms -> "; the oldest has been stale for " + ms + " ms").orElse("");
        String message = what + staleness + String.format(Locale.ROOT, ", above the alert threshold of %.1f%%"
                + " (cache.divergence-alert). Invalidations are being lost: check Redis and the writers that bypass the"
                + " engine, then invalidate %s.", threshold * 100, s.pattern());
        try {
            alerts.raise(new Alert("warning", ALERT_SOURCE, s.pattern(), message, at));
        } catch (RuntimeException e) {
            log.warn("Could not raise the cache divergence alert for {}: {}", s.pattern(), CacheCoordinator.firstLine(e));
        }
    }

    /** Stops the background rounds; a round in progress is interrupted. Safe to call more than once. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        EngineScheduler.Task r;
        synchronized (this) {
            r = rounds;
        }
        if (r != null) {
            r.cancel();
        }
    }
}
