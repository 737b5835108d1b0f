package org.nstcg.integrity.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.store.CacheRows.Row;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.engine.support.ServerUnavailableException;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** {@link CacheRebuilder} against real PostgreSQL and Redis. */
@IntegrityTest(perTest = true)
class CacheRebuildIT {

    private static final int USERS = 6_000;

    private TestDatabase db;
    private IntegrityEngine engine;
    private CacheCoordinator coordinator;

    @BeforeEach
    void start(TestDatabase slice, IntegrityEngine started) throws Exception {
        db = slice;
        engine = started;
        coordinator = engine.cache().coordinator();
        try (Connection c = engine.database().dataSource().getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("INSERT INTO users (email, email_normalized, referral_code, first_name) SELECT 'u' || g || '@example.org',"
                    + " 'u' || g || '@example.org', 'REB-' || lpad(g::text, 8, '0'), 'User' FROM generate_series(1, " + USERS + ") g");
            st.execute("INSERT INTO gamification_profiles (user_id, points) SELECT id, 0 FROM users");
            c.commit();
        }
    }

    @Test
    void rebuildUnderConcurrentWritesEndsWithZeroDivergence() throws Exception {
        DataSource ds = engine.database().dataSource();
        List<Long> ids = allUserIds(ds);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean rebuilding = new AtomicBoolean(true);
        AtomicLong updatesDuringRebuild = new AtomicLong();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            int seed = w;
            Thread writer = new Thread(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                try {
                    while (!stop.get()) {
                        long id = ids.get(random.nextInt(ids.size()));
                        if (random.nextInt(4) == 0) {
                            engine.cache().user(id); // readers fill between writes too
                        }
                        addPoints(ds, id, 1 + random.nextInt(5));
                        coordinator.afterCommit(List.of(CacheKeys.user(id)));
                        if (rebuilding.get()) {
                            updatesDuringRebuild.incrementAndGet();
                        }
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }, "points-writer-" + w);
            writers.add(writer);
            writer.start();
        }
        // Small pages, and at each progress report a wait for a few more writes, keep the rebuild running across many
        // writes however busy the machine is (a fixed pause let a loaded machine's writers fall behind).
        CacheRebuilder rebuilder = new CacheRebuilder(coordinator, 200, 50, 2);
        CacheRebuilder.Result result = rebuilder.rebuild(CacheKeys.USER_PATTERN,
                (m, d, t) -> awaitWrites(updatesDuringRebuild, 5, failures), () -> false);
        rebuilding.set(false);
        Thread.sleep(100);
        stop.set(true);
        for (Thread w : writers) {
            w.join();
        }
        assertThat(failures).isEmpty();
        assertThat(result.cancelled()).isFalse();
        assertThat(result.done()).isEqualTo(USERS);
        assertThat(updatesDuringRebuild.get()).as("updates committed while the rebuild ran").isGreaterThan(100);

        Map<String, String[]> cached = cachedEntries("user:");
        assertThat(cached.size()).as("user entries cached after the rebuild").isGreaterThan(USERS / 2);
        Map<String, Row> truth = new HashMap<>();
        for (Row r : coordinator.rows().users(ids)) {
            truth.put(r.key(), r);
        }
        List<String> divergent = new ArrayList<>();
        cached.forEach((key, entry) -> {
            Row row = truth.get(key);
            if (row == null || !row.json().equals(entry[0]) || row.version() != Long.parseLong(entry[1])) {
                divergent.add(key + " cached v" + entry[1] + " " + entry[0] + " but the database has "
                        + (row == null ? "no row" : "v" + row.version() + " " + row.json()));
            }
        });
        assertThat(divergent).as("cached user entries that differ from PostgreSQL").isEmpty();
    }

    @Test
    void cancellationStopsTheRebuildEarlyAndSaysHowFarItGot() {
        AtomicInteger pages = new AtomicInteger();
        AtomicBoolean cancel = new AtomicBoolean();
        CacheRebuilder rebuilder = new CacheRebuilder(coordinator, 500, 100, 1);
        CacheRebuilder.Result r = rebuilder.rebuild(CacheKeys.USER_PATTERN, (m, done, total) -> {
            if (done > 0 && pages.incrementAndGet() == 2) {
                cancel.set(true);
            }
            pause();
        }, cancel::get);
        assertThat(r.cancelled()).isTrue();
        assertThat(r.total()).isEqualTo(USERS);
        assertThat(r.done()).isGreaterThanOrEqualTo(500).isLessThan(USERS);
        assertThat(cachedEntries("user:")).hasSize((int) r.written());
    }

    @Test
    void aPatternRebuildTouchesOnlyThatPattern() {
        CacheRebuilder.Result referrals = engine.cacheRebuilder().rebuild(CacheKeys.REFERRAL_PATTERN, ProgressListener.NONE, () -> false);
        assertThat(referrals.written()).isEqualTo(USERS);
        assertThat(cachedEntries("referral:")).hasSize(USERS);
        assertThat(cachedEntries("user:")).isEmpty();
        assertThat(cachedEntries("count:")).isEmpty();
        assertThat(cachedEntries("leaderboard:")).isEmpty();

        CacheRebuilder.Result count = engine.cacheRebuilder().rebuild(CacheKeys.COUNT_PATTERN, ProgressListener.NONE, () -> false);
        assertThat(count.written()).isEqualTo(1);
        assertThat(cachedEntries("count:")).containsOnlyKeys("count:users");
        assertThat(cachedEntries("count:").get("count:users")[0]).isEqualTo(Integer.toString(USERS));
        assertThat(cachedEntries("user:")).isEmpty();
        assertThat(cachedEntries("leaderboard:")).isEmpty();
    }

    @Test
    void starRebuildsEveryPatternAndReportsProgressToTheEnd() {
        List<long[]> reports = new CopyOnWriteArrayList<>();
        List<String> messages = new CopyOnWriteArrayList<>();
        CacheRebuilder.Result r = new CacheRebuilder(coordinator, 1000, 200, 3).rebuild("*", (m, d, t) -> {
            reports.add(new long[] {d, t});
            messages.add(m);
        }, () -> false);
        assertThat(r.total()).isEqualTo(2L * USERS + 2);
        assertThat(r.written()).isEqualTo(2L * USERS + 2);
        assertThat(r.refused()).isZero();
        assertThat(cachedEntries("user:")).hasSize(USERS);
        assertThat(cachedEntries("referral:")).hasSize(USERS);
        assertThat(cachedEntries("count:")).containsOnlyKeys("count:users");
        assertThat(cachedEntries("leaderboard:")).containsOnlyKeys("leaderboard:referrers");
        assertThat(reports.get(reports.size() - 1)).containsExactly(r.total(), r.total());
        assertThat(messages.get(messages.size() - 1)).contains("/s").contains("left").contains(String.format("%,d", r.total()));
    }

    @Test
    void aRedisThatForgotTheScriptsMidRebuildIsGivenThemAgain() {
        AtomicInteger reports = new AtomicInteger();
        CacheRebuilder.Result r = new CacheRebuilder(coordinator, 500, 100, 1).rebuild(CacheKeys.USER_PATTERN, (m, d, t) -> {
            if (d > 0 && reports.incrementAndGet() == 1) {
                engine.redis().client().scriptFlush();
            }
            pause();
        }, () -> false);
        assertThat(r.written()).isEqualTo(USERS);
        assertThat(cachedEntries("user:")).hasSize(USERS);
    }

    @Test
    void anUnreachableRedisIsASentenceAndNothingIsRebuilt() {
        try (IntegrityEngine degraded = IntegrityEngine.start(db.config(java.util.Map.of(ConfigKey.REDIS_URL,
                "redis://127.0.0.1:" + TestServers.freePort())), ProgressListener.NONE)) {
            assertThatThrownBy(() -> degraded.cacheRebuilder().rebuild("*", ProgressListener.NONE, () -> false))
                    .isInstanceOf(ServerUnavailableException.class)
                    .hasMessageContaining("is unreachable")
                    .hasMessageContaining("nothing was rebuilt");
        }
    }

    @Test
    void aPatternOutsideTheCachedOnesIsRefusedWithTheList() {
        assertThatThrownBy(() -> engine.cacheRebuilder().rebuild("cache:*", ProgressListener.NONE, () -> false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user:*, referral:*, count:*, leaderboard:*");
    }

    /** Waits (at most 10 s) until {@code count} has grown by {@code more}, or a writer failed. */
    private static void awaitWrites(AtomicLong count, int more, List<Throwable> failures) {
        long target = count.get() + more;
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (count.get() < target && failures.isEmpty() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(3);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<Long> allUserIds(DataSource ds) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id FROM users ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    /** Points the way the platform changes them: a ledger entry, which the database adds to the profile. */
    private static void addPoints(DataSource ds, long id, int delta) throws Exception {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ledger = c.prepareStatement("INSERT INTO points_ledger (user_id, delta, reason, idempotency_key)"
                    + " VALUES (?, ?, 'test.points', ?)")) {
                ledger.setLong(1, id);
                ledger.setInt(2, delta);
                ledger.setString(3, "test:" + UUID.randomUUID());
                ledger.executeUpdate();
                c.commit();
            } catch (Exception e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** Logical key → {value, version} of every entry holding a value under {@code prefix} (tombstones left out). */
    private Map<String, String[]> cachedEntries(String prefix) {
        Map<String, String[]> out = new HashMap<>();
        String full = db.redisPrefix() + prefix;
        try (RedisClient r = RedisClient.create(TestServers.redisUri())) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = r.scan(cursor, new ScanParams().match(full + "*").count(1000));
                for (String key : page.getResult()) {
                    List<String> dv = r.hmget(key, "d", "v");
                    if (dv.get(0) != null) {
                        out.put(key.substring(db.redisPrefix().length()), new String[] {dv.get(0), dv.get(1)});
                    }
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
        return out;
    }
}
