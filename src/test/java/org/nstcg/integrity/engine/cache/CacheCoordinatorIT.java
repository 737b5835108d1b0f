package org.nstcg.integrity.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.cache.CacheCoordinator.Source;
import org.nstcg.integrity.engine.cache.PlatformCache.CachedUser;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.engine.store.CacheRows;
import org.nstcg.integrity.engine.store.CacheRows.Row;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.ManualScheduler;
import org.nstcg.integrity.support.MutableClock;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * The coordinated cache against real PostgreSQL and Redis, with two engine instances (separate pools, Redis
 * clients and near caches) sharing them as in a deployment.
 */
@IntegrityTest(engine = IntegrityTest.Engine.NONE)
class CacheCoordinatorIT {

    private static TestDatabase db;
    private static IntegrityEngine a;
    private static IntegrityEngine b;
    private static RedisClient raw;

    @BeforeAll
    static void start(TestDatabase slice) {
        db = slice;
        a = db.startEngine();
        b = db.startEngine();
        raw = RedisClient.create(TestServers.redisUri());
    }

    @AfterAll
    static void stop() {
        raw.close();
        b.close();
        a.close();
    }

    static long register(IntegrityEngine engine) {
        String local = "c" + UUID.randomUUID().toString().substring(0, 10);
        RegistrationOutcome o = engine.registration().register(new RegistrationRequest(local + "@cache.example.org", "Cache", null, null));
        assertThat(o).isInstanceOf(RegistrationOutcome.Registered.class);
        return ((RegistrationOutcome.Registered) o).userId();
    }

    /** Adds points the way every writer must: a ledger entry, which the database adds to the profile. No invalidation. */
    static void addPoints(TestDatabase db, long userId, int delta) throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO points_ledger (user_id, delta, reason, idempotency_key)"
                    + " VALUES (?, ?, 'test.adjustment', ?)")) {
                ps.setLong(1, userId);
                ps.setInt(2, delta);
                ps.setString(3, "test:" + UUID.randomUUID());
                ps.executeUpdate();
            }
            c.commit();
        }
    }

    static long points(TestDatabase db, long userId) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT points FROM gamification_profiles WHERE user_id = ?")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void awaitSubscribed(IntegrityEngine... engines) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (IntegrityEngine e : engines) {
            while (!e.cache().coordinator().subscribed() && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertThat(e.cache().coordinator().subscribed()).as("instance %s subscribed", e.instanceId()).isTrue();
        }
    }

    @Test
    void aReadIsAnsweredByPostgresqlThenByTheNearCacheAndRedisHoldsTheVersionedEntry() throws Exception {
        awaitSubscribed(a);
        long id = register(a);

        var first = a.cache().user(id).orElseThrow();
        var second = a.cache().user(id).orElseThrow();

        assertThat(first.source()).isEqualTo(Source.DATABASE);
        assertThat(second.source()).isEqualTo(Source.NEAR);
        assertThat(second.value().points()).isEqualTo(10);
        assertThat(second.value().id()).isEqualTo(id);
        Map<String, String> entry = raw.hgetAll(db.redisPrefix() + "user:" + id);
        Row row = new CacheRows(a.database().jdbc()).user(id).orElseThrow();
        assertThat(entry.get("v")).isEqualTo(Long.toString(row.version()));
        assertThat(entry.get("d")).isEqualTo(row.json());
        long ttl = raw.pttl(db.redisPrefix() + "user:" + id);
        assertThat(ttl).isBetween(290_000L, 300_000L); // user:* = 300 s by default
        assertThat(a.cache().userCount().value()).isGreaterThanOrEqualTo(1);
        assertThat(raw.pttl(db.redisPrefix() + "count:users")).isBetween(50_000L, 60_000L); // count:* = 60 s
    }

    @Test
    void aWriteCommittedThroughOneInstanceIsServedByTheOtherOnceTheInvalidationArrives() throws Exception {
        awaitSubscribed(a, b);
        long id = register(a);
        assertThat(b.cache().user(id).orElseThrow().value().points()).isEqualTo(10);
        assertThat(b.cache().user(id).orElseThrow().source()).isEqualTo(Source.NEAR);

        addPoints(db, id, 5);
        long committed = System.nanoTime();
        a.cache().coordinator().afterCommit(List.of(CacheKeys.user(id)));

        long seenAfterNanos = -1;
        while (System.nanoTime() - committed < TimeUnit.SECONDS.toNanos(5)) {
            if (b.cache().user(id).orElseThrow().value().points() == 15) {
                seenAfterNanos = System.nanoTime() - committed;
                break;
            }
        }
        assertThat(seenAfterNanos).as("B serves the new points").isPositive();
        assertThat(TimeUnit.NANOSECONDS.toMillis(seenAfterNanos)).as("divergence window, ms").isLessThan(1000);
        for (int i = 0; i < 200; i++) {
            assertThat(b.cache().user(id).orElseThrow().value().points()).isEqualTo(15);
        }
        assertThat(b.cache().coordinator().stats().invalidationsReceived()).isPositive();
    }

    @Test
    void aSlowReaderThatLoadedTheOldRowCannotWriteItBackAfterTheWritersInvalidation() throws Exception {
        long id = register(a);
        CacheRows rows = new CacheRows(a.database().jdbc());
        CacheCoordinator reader = b.cache().coordinator();
        CountDownLatch loaded = new CountDownLatch(1);
        CountDownLatch writerDone = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            // The reader misses, loads the row (10 points), then stalls before offering it to Redis.
            Future<CacheCoordinator.Lookup> slow = pool.submit(() -> reader.get(CacheKeys.user(id), () -> {
                Optional<Row> old = rows.user(id);
                loaded.countDown();
                try {
                    writerDone.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return old;
            }));
            assertThat(loaded.await(10, TimeUnit.SECONDS)).isTrue();
            // The writer commits 10 → 17 and invalidates after its commit, while the reader holds the old row.
            addPoints(db, id, 7);
            a.cache().coordinator().afterCommit(List.of(CacheKeys.user(id)));
            writerDone.countDown();
            CacheCoordinator.Lookup stale = slow.get(10, TimeUnit.SECONDS);
            assertThat(stale.json().orElseThrow()).contains("\"points\":10");
        } finally {
            pool.shutdownNow();
        }

        // The old value was refused: neither Redis nor any instance serves it.
        assertThat(raw.hget(db.redisPrefix() + "user:" + id, "d")).isNull();
        assertThat(reader.stats().fillsRefused()).isPositive();
        assertThat(b.cache().user(id).orElseThrow().value().points()).isEqualTo(17);
        assertThat(a.cache().user(id).orElseThrow().value().points()).isEqualTo(17);
    }

    @Test
    void aFillNeverReplacesANewerVersion() throws Exception {
        long id = register(a);
        CacheRows rows = new CacheRows(a.database().jdbc());
        CacheCoordinator c = a.cache().coordinator();
        Row v1 = rows.user(id).orElseThrow();
        long start1 = c.redisTime().orElseThrow();
        addPoints(db, id, 3); // no invalidation: only the versions can protect the newer value
        Row v2 = rows.user(id).orElseThrow();
        long start2 = c.redisTime().orElseThrow();
        assertThat(v2.version()).isGreaterThan(v1.version());

        assertThat(c.fill(CacheKeys.user(id), v2, start2)).isTrue();
        assertThat(c.fill(CacheKeys.user(id), v1, start1)).isFalse();

        assertThat(raw.hget(db.redisPrefix() + "user:" + id, "v")).isEqualTo(Long.toString(v2.version()));
        assertThat(raw.hget(db.redisPrefix() + "user:" + id, "d")).isEqualTo(v2.json());
    }

    @Test
    void patternInvalidationScansOnlyCachedKeysAndClearsEveryInstancesNearCache() throws Exception {
        awaitSubscribed(a, b);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(register(a));
        }
        for (long id : ids) {
            b.cache().user(id);
            assertThat(b.cache().user(id).orElseThrow().source()).isEqualTo(Source.NEAR);
        }
        b.cache().userCount();
        raw.set(db.redisPrefix() + "reserve:email:someone@example.org", "x");

        long removed = a.cache().coordinator().invalidatePattern("user:*").orElseThrow();

        assertThat(removed).isGreaterThanOrEqualTo(5);
        for (long id : ids) {
            assertThat(raw.exists(db.redisPrefix() + "user:" + id)).isFalse();
        }
        assertThat(raw.exists(db.redisPrefix() + "count:users")).isTrue();
        assertThat(raw.exists(db.redisPrefix() + "reserve:email:someone@example.org")).isTrue();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (b.cache().user(ids.get(0)).orElseThrow().source() == Source.NEAR && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertThat(b.cache().coordinator().stats().invalidationsReceived()).isPositive();
        assertThatThrownBy(() -> a.cache().coordinator().invalidatePattern("reserve:*"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("engine's own state");
        assertThatThrownBy(() -> a.cache().coordinator().invalidatePattern("us*er:1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only at the end");
    }

    @Test
    void anInstanceWhoseSubscriptionDropsClearsItsNearCacheAndResubscribes(@IntegrityTest.OwnSlice TestDatabase own2) throws Exception {
        int port = TestServers.freePort();
        redis.embedded.RedisServer own = ownRedis(port);
        Map<ConfigKey, String> settings = Map.of(ConfigKey.REDIS_URL, "redis://127.0.0.1:" + port);
        try (IntegrityEngine x = IntegrityEngine.start(own2.config(settings), ProgressListener.NONE);
             RedisClient direct = RedisClient.create("redis://127.0.0.1:" + port)) {
            awaitSubscribed(x);
            long id = register(x);
            x.cache().user(id);
            assertThat(x.cache().user(id).orElseThrow().source()).isEqualTo(Source.NEAR);

            // Only this test's Redis: every subscriber connection on it is ours.
            direct.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "pubsub");

            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (x.cache().user(id).orElseThrow().source() == Source.NEAR && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            assertThat(x.cache().user(id).orElseThrow().source()).isNotEqualTo(Source.NEAR);
            awaitSubscribed(x);
            x.cache().user(id);
            assertThat(x.cache().user(id).orElseThrow().source()).as("near cache in use again").isEqualTo(Source.NEAR);
        } finally {
            own.stop();
        }
    }

    @Test
    void redisStoppedAndRestartedMidLoadCostsCallersNothingAndLeavesNoStaleEntry(@IntegrityTest.OwnSlice TestDatabase own2) throws Exception {
        int port = TestServers.freePort();
        redis.embedded.RedisServer own = ownRedis(port);
        Map<ConfigKey, String> settings = Map.of(ConfigKey.REDIS_URL, "redis://127.0.0.1:" + port, ConfigKey.REDIS_TIMEOUT, "300ms");
        // A schema of its own: instances on another Redis must not replay this one's missed invalidations.
        // Both engines' time is stepped by the test: their Redis connections retry, and missed invalidations are
        // replayed, when the test moves the clock, not on a timer.
        MutableClock clock = new MutableClock(Instant.now());
        ManualScheduler xScheduler = new ManualScheduler(clock);
        ManualScheduler yScheduler = new ManualScheduler(clock);
        try (IntegrityEngine x = IntegrityEngine.start(own2.config(settings), clock, ProgressListener.NONE, IntegrityEngine.Mode.SERVICE,
                     xScheduler);
             IntegrityEngine y = IntegrityEngine.start(own2.config(settings), clock, ProgressListener.NONE, IntegrityEngine.Mode.SERVICE,
                     yScheduler)) {
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ids.add(register(x));
            }
            LoadResult load = new LoadResult();
            Thread writer = new Thread(() -> load.run(() -> {
                long id = ids.get(load.ops % ids.size());
                addPoints(own2, id, 1);
                x.cache().coordinator().afterCommit(List.of(CacheKeys.user(id)));
            }), "writer");
            Thread reader = new Thread(() -> load.run(() -> {
                long id = ids.get(load.ops % ids.size());
                CachedUser u = y.cache().user(id).orElseThrow().value();
                assertThat(u.id()).isEqualTo(id);
            }), "reader");
            writer.start();
            reader.start();
            awaitMoreOps(load, 20);
            own.stop();
            awaitMoreOps(load, 20); // writes and reads continue on PostgreSQL alone
            assertThat(x.health().redis().up()).isFalse();
            own.start();
            awaitMoreOps(load, 20); // still on PostgreSQL: the connections retry Redis once their retry interval has passed
            stepBoth(xScheduler, yScheduler, RedisConnection.RETRY_INTERVAL.plus(CacheCoordinator.REPLAY_EVERY));
            awaitMoreOps(load, 20); // on Redis again
            load.stop = true;
            writer.join();
            reader.join();
            stepBoth(xScheduler, yScheduler, CacheCoordinator.REPLAY_EVERY); // replays what the last writes missed

            assertThat(load.errors).as("errors that reached callers").isEmpty();
            assertThat(load.ops).isGreaterThan(20);
            assertThat(x.health().redis().up()).isTrue();
            // Every entry Redis holds now matches its row, and the divergence sampler agrees.
            awaitNoDivergence(y, ids);
            DivergenceReport report = y.cacheDivergence().sampleNow();
            assertThat(report.state()).isEqualTo(DivergenceReport.State.SAMPLED);
            assertThat(report.pattern(CacheKeys.USER_PATTERN).orElseThrow().divergent()).isZero();
        } finally {
            own.stop();
        }
    }

    @Test
    void invalidationsMissedWhileRedisWasUnreachableAreReplayedWhenItAnswersAgain(@IntegrityTest.OwnSlice TestDatabase own2) throws Exception {
        int port = TestServers.freePort();
        redis.embedded.RedisServer own = ownRedis(port);
        Map<ConfigKey, String> settings = Map.of(ConfigKey.REDIS_URL, "redis://127.0.0.1:" + port, ConfigKey.REDIS_TIMEOUT, "300ms");
        ManualScheduler scheduler = new ManualScheduler(); // the engine's time: its replay rounds and Redis retries
        try (IntegrityEngine x = IntegrityEngine.start(own2.config(settings), scheduler.clock(), ProgressListener.NONE,
                     IntegrityEngine.Mode.SERVICE, scheduler);
             RedisClient direct = RedisClient.create("redis://127.0.0.1:" + port)) {
            long id = register(x);
            x.cache().user(id);
            assertThat(direct.hget(own2.redisPrefix() + "user:" + id, "d")).contains("\"points\":10");

            // Redis keeps its data but takes no write for 2 s (or until unpaused): the invalidation after this commit
            // cannot reach it.
            direct.sendCommand(Protocol.Command.CLIENT, "PAUSE", "2000", "WRITE");
            addPoints(own2, id, 4);
            x.cache().coordinator().afterCommit(List.of(CacheKeys.user(id)));
            assertThat(x.cache().coordinator().stats().missedRecorded()).isEqualTo(1);
            assertThat(x.cache().user(id).orElseThrow().value().points()).as("read while Redis is away").isEqualTo(14);

            direct.sendCommand(Protocol.Command.CLIENT, "UNPAUSE");
            // The next replay round comes after the connection's retry interval: Redis answers, the invalidation is replayed.
            scheduler.advance(RedisConnection.RETRY_INTERVAL.plus(CacheCoordinator.REPLAY_EVERY));
            assertThat(x.cache().coordinator().stats().missedReplayed()).isEqualTo(1);
            assertThat(direct.hget(own2.redisPrefix() + "user:" + id, "d")).isNull();
            assertThat(x.cache().user(id).orElseThrow().value().points()).isEqualTo(14);
            assertThat(new CacheRows(x.database().jdbc()).missedCount()).isZero();
        } finally {
            own.stop();
        }
    }

    /** Waits until the load threads have done {@code n} more operations (at most 20 s): real work, not time. */
    private static void awaitMoreOps(LoadResult load, int n) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        synchronized (load) {
            int target = load.ops + n;
            long left;
            while (load.ops < target && load.errors.isEmpty() && (left = until - System.nanoTime()) > 0) {
                load.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** Moves the clock two engines share by {@code d}, running each one's due work at every moment of it, in turn. */
    private static void stepBoth(ManualScheduler first, ManualScheduler second, Duration d) {
        Duration step = Duration.ofMillis(100);
        for (Duration done = Duration.ZERO; done.compareTo(d) < 0; done = done.plus(step)) {
            first.advance(step);
            second.runDue();
        }
    }

    /** A Redis of this test's own (it may be stopped, paused, or have its clients killed), started. */
    private static redis.embedded.RedisServer ownRedis(int port) throws java.io.IOException {
        redis.embedded.RedisServer own = redis.embedded.RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("save \"\"").build();
        own.start();
        return own;
    }

    /** Waits (briefly) until every cached user entry equals its row, then asserts it. */
    private static void awaitNoDivergence(IntegrityEngine engine, List<Long> ids) throws Exception {
        CacheRows rows = new CacheRows(engine.database().jdbc());
        List<String> divergent = List.of();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        do {
            divergent = new ArrayList<>();
            Map<Long, Row> current = rows.userVersions(ids);
            for (long id : ids) {
                Optional<String> cached = engine.redis().tryCall(r -> r.hget(engine.redis().key("user:" + id), "d"));
                if (cached.isPresent() && !cached.get().equals(current.get(id).json())) {
                    divergent.add("user:" + id);
                }
            }
            if (divergent.isEmpty()) {
                break;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < until);
        assertThat(divergent).as("cached entries that differ from their rows").isEmpty();
    }

    /** A loop run by several threads until {@link #stop}, collecting the errors callers would see. */
    static final class LoadResult {
        volatile boolean stop;
        volatile int ops;
        final List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());

        interface Op {
            void run() throws Exception;
        }

        void run(Op op) {
            while (!stop) {
                try {
                    op.run();
                    synchronized (this) {
                        ops++;
                        notifyAll();
                    }
                } catch (Throwable t) {
                    errors.add(t);
                    synchronized (this) {
                        notifyAll();
                    }
                    if (errors.size() > 20) {
                        return;
                    }
                }
            }
        }
    }
}
