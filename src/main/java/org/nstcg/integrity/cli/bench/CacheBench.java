package org.nstcg.integrity.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.cache.CacheCoordinator;
import org.nstcg.integrity.engine.cache.CacheKeys;
import org.nstcg.integrity.engine.cache.CacheRebuilder;
import org.nstcg.integrity.engine.cache.PlatformCache;
import org.nstcg.integrity.engine.cache.RedisConnection;
import org.nstcg.integrity.engine.store.CacheRows;
import org.nstcg.integrity.engine.store.CacheRows.Row;
import org.nstcg.integrity.engine.support.ProgressListener;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The coordinated cache's three figures, in one run, on one pair of servers.
 *
 * <ol>
 *   <li><b>Divergence window.</b> Two engine instances A and B share the servers, each with its own coordinator,
 *   near cache and invalidation subscription, as two deployed instances would. For each update, B reads
 *   {@code user:<id>} (so it sits in Redis and in B's near cache); A commits a points change the way the platform
 *   makes one (a ledger entry and the same delta on the profile, one transaction) and calls
 *   {@code afterCommit(user:<id>)}; the window is the time from A's commit returning until B's read first returns
 *   the new points, B polling in a tight loop.</li>
 *   <li><b>Rebuild rate.</b> {@code user:*} rebuilt for every user against a raw baseline: the same keys and values
 *   (read by the same keyset pages) written with plain {@code SET … PX} in a pipeline, one pipeline per page of
 *   the same size. Only the baseline's Redis writes are timed, its reads are not, so the ratio charges the
 *   rebuild for everything it does (PostgreSQL reads, versions and tombstone checks in Lua) — the strict
 *   reading.</li>
 *   <li><b>Read latency.</b> {@code user:<id>} from B's near cache, from Redis (a coordinator without a near
 *   cache), and straight from PostgreSQL (the query a miss runs), one reader, the same ids.</li>
 * </ol>
 */
public final class CacheBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The longest a divergence window may last before it is counted as never closing. */
    public static final Duration WINDOW_TIMEOUT = Duration.ofSeconds(5);
    private static final int INSERT_CHUNK = 200_000;

    /**
     * The divergence window.
     *
     * @param window   per update, from A's commit returning until B saw the new points
     * @param timedOut updates B did not see within {@link #WINDOW_TIMEOUT} (counted in {@code window} at the timeout)
     */
    public record Divergence(LatencySummary window, int updates, int timedOut) {
    }

    /**
     * The rebuild against its baseline.
     *
     * @param rebuildSeconds      wall time of the whole rebuild (reads, fills)
     * @param baselineSetSeconds  time the baseline spent in its pipelined SETs (reads not counted)
     * @param baselineReadSeconds time the baseline spent reading the pages (reported, not counted)
     */
    public record Rebuild(long entries, long written, long refused, double rebuildSeconds, double baselineSetSeconds,
                          double baselineReadSeconds, int pageSize) {
        public double rebuildPerSecond() {
            return rebuildSeconds <= 0 ? 0 : (written + refused) / rebuildSeconds;
        }

        public double baselinePerSecond() {
            return baselineSetSeconds <= 0 ? 0 : entries / baselineSetSeconds;
        }

        /** Rebuild rate over the raw pipelined SET rate. */
        public double ratio() {
            return baselinePerSecond() == 0 ? 0 : rebuildPerSecond() / baselinePerSecond();
        }
    }

    /** Read latencies of the same ids from the near cache, Redis and PostgreSQL. */
    public record Reads(LatencySummary near, LatencySummary redis, LatencySummary database, long wrongSource) {
    }

    public record Result(long users, double setupSeconds, Divergence divergence, Rebuild rebuild, Reads reads) {
    }

    private final IntegrityEngine a;
    private final Jdbc jdbc;
    private final CacheRows rows;
    private final RedisConnection redis;

    public CacheBench(IntegrityEngine a) {
        this.a = a;
        this.jdbc = a.database().jdbc();
        this.rows = a.cache().coordinator().rows();
        this.redis = a.redis();
    }

    /**
     * @param users   users to create (and rebuild)
     * @param updates divergence-window updates
     * @param reads   ids read per source for the latency figures
     */
    public Result run(long users, int updates, int reads, ProgressListener progress) throws Exception {
        long t0 = System.nanoTime();
        progress.step(String.format("Creating %,d users…", users));
        insertUsers(users);
        double setup = (System.nanoTime() - t0) / 1e9;
        progress.step("Measuring the rebuild and its baseline…");
        Rebuild rebuild = rebuild(users);
        try (IntegrityEngine b = IntegrityEngine.start(a.config(), ProgressListener.NONE)) {
            awaitSubscribed(a.cache().coordinator());
            awaitSubscribed(b.cache().coordinator());
            progress.step("Measuring the divergence window…");
            Divergence divergence = divergence(b, users, updates);
            progress.step("Measuring read latency…");
            Reads r = reads(b, users, reads);
            return new Result(users, setup, divergence, rebuild, r);
        }
    }

    // Setup -----------------------------------------------------------------------------------------------------

    /** Users 1..n with a profile of 0 points (an empty ledger sums to 0), in set-based statements. */
    private void insertUsers(long n) {
        for (long from = 1; from <= n; from += INSERT_CHUNK) {
            long to = Math.min(n, from + INSERT_CHUNK - 1);
            String series = " FROM generate_series(" + from + ", " + to + ") g";
            jdbc.transact("create benchmark users", tx -> {
                tx.update("INSERT INTO users (id, email, email_normalized, referral_code, first_name, last_name)"
                        + " SELECT g, 'bench' || g || '@bench.example.org', 'bench' || g || '@bench.example.org',"
                        + " 'BENCH-' || lpad(g::text, 10, '0'), 'Bench', 'Runner ' || g" + series);
                tx.update("INSERT INTO gamification_profiles (user_id, points, referral_count) SELECT g, 0, 0" + series);
            });
        }
        jdbc.read("prepare benchmark users", tx -> {
            // Identity values were given explicitly: move the sequence past them for anything the engine inserts.
            tx.singleLong("SELECT setval(pg_get_serial_sequence('users', 'id'), " + Math.max(1, n) + ")");
            tx.update("ANALYZE users");
            tx.update("ANALYZE gamification_profiles");
            return tx.update("ANALYZE referral_codes");
        });
    }

    private static void awaitSubscribed(CacheCoordinator c) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!c.subscribed() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        if (!c.subscribed()) {
            throw new IllegalStateException("engine " + c.instanceId() + " did not subscribe to cache invalidations within 10 s");
        }
    }

    // (a) Divergence window -------------------------------------------------------------------------------------

    private Divergence divergence(IntegrityEngine b, long users, int updates) throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        CacheCoordinator coordinatorA = a.cache().coordinator();
        PlatformCache cacheB = b.cache();
        long[] windows = new long[updates];
        int timedOut = 0;
        long started = System.nanoTime();
        for (int i = 0; i < updates; i++) {
            long id = 1 + random.nextLong(users);
            cacheB.user(id);
            cacheB.user(id); // now in B's near cache, and in Redis
            long expected = addPoint(id);
            long committed = System.nanoTime();
            coordinatorA.afterCommit(List.of(CacheKeys.user(id)));
            long deadline = committed + WINDOW_TIMEOUT.toNanos();
            long seen;
            while (true) {
                Optional<PlatformCache.Read<PlatformCache.CachedUser>> read = cacheB.user(id);
                seen = System.nanoTime();
                if (read.isPresent() && read.get().value().points() >= expected) {
                    break;
                }
                if (seen > deadline) {
                    timedOut++;
                    break;
                }
                Thread.onSpinWait();
            }
            windows[i] = seen - committed;
        }
        return new Divergence(LatencySummary.of(windows, (System.nanoTime() - started) / 1e9), updates, timedOut);
    }

    /** One point more for the user, in the ledger and on the profile, in one transaction; returns the new points. */
    private long addPoint(long id) {
        return jdbc.inTransaction("add a benchmark point", tx -> {
            tx.update("INSERT INTO points_ledger (user_id, delta, reason, idempotency_key) VALUES (?, 1, 'bench.points', ?)",
                    id, "bench:" + UUID.randomUUID());
            // The ledger entry brought the point (V14); read the new total.
            return tx.singleLong("SELECT points FROM profile_totals WHERE user_id = ?", id);
        });
    }

    // (b) Rebuild against raw pipelined SET ---------------------------------------------------------------------

    private Rebuild rebuild(long users) throws Exception {
        int page = CacheRebuilder.DEFAULT_PAGE_SIZE;
        // A warm-up of the baseline (JIT, connections, PostgreSQL buffers, shared with the rebuild's reads), then the
        // baseline, then the rebuild, which thus starts with its Lua path cold: if anything, in the baseline's favour.
        baseline(Math.min(users, 20_000), page);
        clear("baseline:*");
        double[] base = baseline(users, page);
        clear("baseline:*");
        CacheRebuilder.Result r = a.cacheRebuilder().rebuild(CacheKeys.USER_PATTERN, ProgressListener.NONE, () -> false);
        return new Rebuild(users, r.written(), r.refused(), r.duration().toNanos() / 1e9, base[0], base[1], page);
    }

    /** Writes users 1..limit as plain strings; returns {seconds in SET pipelines, seconds reading}. */
    private double[] baseline(long limit, int page) throws Exception {
        long setNanos = 0;
        long readNanos = 0;
        long after = 0;
        long done = 0;
        while (done < limit) {
            long r0 = System.nanoTime();
            List<Row> rowsPage = rows.usersAfter(after, (int) Math.min(page, limit - done));
            readNanos += System.nanoTime() - r0;
            if (rowsPage.isEmpty()) {
                break;
            }
            long s0 = System.nanoTime();
            try (AbstractPipeline p = redis.client().pipelined()) {
                for (Row row : rowsPage) {
                    p.set(redis.key("baseline:" + row.key()), row.json(),
                            SetParams.setParams().px(a.cache().coordinator().ttlPolicy().ttl(row.key()).toMillis()));
                }
                p.sync();
            }
            setNanos += System.nanoTime() - s0;
            done += rowsPage.size();
            after = Long.parseLong(rowsPage.get(rowsPage.size() - 1).key().substring("user:".length()));
        }
        return new double[] {setNanos / 1e9, readNanos / 1e9};
    }

    /** Removes the bench prefix's keys under {@code pattern} (untimed). */
    private void clear(String pattern) {
        String match = redis.key(pattern);
        redis.tryCall(r -> {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> scan = r.scan(cursor, new ScanParams().match(match).count(5000));
                if (!scan.getResult().isEmpty()) {
                    r.unlink(scan.getResult().toArray(String[]::new));
                }
                cursor = scan.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            return null;
        });
    }

    // (c) Reads -------------------------------------------------------------------------------------------------

    private Reads reads(IntegrityEngine b, long users, int count) throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(1 + random.nextLong(users));
        }
        long wrong = 0;
        try (CacheCoordinator redisOnly = new CacheCoordinator(redis, rows, a.cache().coordinator().ttlPolicy(), "bench-redis-only", 0)) {
            PlatformCache viaRedis = new PlatformCache(redisOnly, JSON);
            for (long id : ids) {
                viaRedis.user(id); // fills whatever the divergence phase invalidated
                b.cache().user(id); // into B's near cache
            }
            long[] near = new long[count];
            long[] inRedis = new long[count];
            long[] database = new long[count];
            double nearSeconds = 0;
            double redisSeconds = 0;
            double dbSeconds = 0;
            for (int i = 0; i < count; i++) {
                long id = ids.get(i);
                long t = System.nanoTime();
                if (b.cache().user(id).orElseThrow().source() != CacheCoordinator.Source.NEAR) {
                    wrong++;
                }
                near[i] = System.nanoTime() - t;
                t = System.nanoTime();
                if (viaRedis.user(id).orElseThrow().source() != CacheCoordinator.Source.REDIS) {
                    wrong++;
                }
                inRedis[i] = System.nanoTime() - t;
                t = System.nanoTime();
                rows.user(id).orElseThrow();
                database[i] = System.nanoTime() - t;
                nearSeconds += near[i] / 1e9;
                redisSeconds += inRedis[i] / 1e9;
                dbSeconds += database[i] / 1e9;
            }
            return new Reads(LatencySummary.of(near, nearSeconds), LatencySummary.of(inRedis, redisSeconds),
                    LatencySummary.of(database, dbSeconds), wrong);
        }
    }
}
