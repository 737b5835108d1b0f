package org.nstcg.integrity.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.store.CacheRows.DivergenceSample;
import org.nstcg.integrity.engine.support.Alert;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.ManualScheduler;
import org.nstcg.integrity.support.MutableClock;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;

/**
 * The divergence sampler against real PostgreSQL and Redis: rows changed behind the cache's back (plain SQL, no
 * invalidation) are counted exactly, invalidation brings divergence back to zero, alerts fire once per crossing,
 * rounds are stored, bounded and cover the keyspace, and a Redis outage only skips the round.
 */
@IntegrityTest(engine = IntegrityTest.Engine.NONE, perTest = true)
class DivergenceSamplerIT {

    /** The engine's clock runs this far ahead of PostgreSQL's, so a staleness is at least this and never 0 by chance. */
    private static final Duration AHEAD = Duration.ofMinutes(1);

    private TestDatabase db;
    private IntegrityEngine engine;
    private final List<Alert> alerts = new CopyOnWriteArrayList<>();
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private int userSeq;

    @BeforeEach
    void start(TestDatabase slice) {
        db = slice;
        // No background round during a test: each round here is run by hand.
        engine = IntegrityEngine.start(db.config(Map.of(ConfigKey.CACHE_SAMPLE_INTERVAL, "1h")),
                Clock.offset(Clock.systemUTC(), AHEAD), ProgressListener.NONE);
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    @Test
    void usersChangedBehindTheCacheAreCountedExactlyWithTheirStalenessUntilInvalidated() throws Exception {
        List<Long> ids = newUsers(40);
        cacheUsers(ids);
        List<Long> changed = ids.subList(0, 6);
        bumpProfiles(changed);

        DivergenceReport report = engine.cacheDivergence().sampleNow();

        assertThat(report.state()).isEqualTo(DivergenceReport.State.SAMPLED);
        DivergenceSample users = report.pattern(CacheKeys.USER_PATTERN).orElseThrow();
        assertThat(users.sampled()).isEqualTo(40);
        assertThat(users.divergent()).isEqualTo(6);
        assertThat(users.oldestStalenessMs()).hasValueSatisfying(ms ->
                assertThat(ms).isPositive().isGreaterThanOrEqualTo(AHEAD.toMillis()).isLessThan(2 * AHEAD.toMillis()));
        assertThat(report.pattern(CacheKeys.REFERRAL_PATTERN).orElseThrow().sampled()).isZero();
        assertThat(engine.cacheDivergence().current()).isEqualTo(report);

        engine.cache().coordinator().afterCommit(changed.stream().map(CacheKeys::user).toList());
        DivergenceReport after = engine.cacheDivergence().sampleNow();

        DivergenceSample usersAfter = after.pattern(CacheKeys.USER_PATTERN).orElseThrow();
        assertThat(usersAfter.divergent()).isZero();
        assertThat(usersAfter.sampled()).as("invalidated keys are tombstones, not cached entries").isEqualTo(34);
        assertThat(usersAfter.oldestStalenessMs()).isEmpty();
    }

    @Test
    void referralEntriesDivergeWhenTheirOwnerRowChanges() throws Exception {
        List<Long> ids = newUsers(25);
        for (long id : ids) {
            assertThat(engine.cache().referral(referralCode(id))).isPresent();
        }
        exec("UPDATE users SET last_name = 'Changed' WHERE id IN (" + ids.get(3) + ", " + ids.get(7) + ", " + ids.get(11) + ")");

        DivergenceSample referrals = engine.cacheDivergence().sampleNow().pattern(CacheKeys.REFERRAL_PATTERN).orElseThrow();

        assertThat(referrals.sampled()).isEqualTo(25);
        assertThat(referrals.divergent()).isEqualTo(3);
        assertThat(referrals.oldestStalenessMs()).hasValueSatisfying(ms -> assertThat(ms).isGreaterThanOrEqualTo(AHEAD.toMillis()));
    }

    @Test
    void singleKeysAreComparedByValueWithAStalenessCountedFromTheFirstRoundThatSawThem() throws Exception {
        List<Long> ids = newUsers(5);
        exec("UPDATE gamification_profiles SET referral_count = 1 WHERE user_id = " + ids.get(0));
        DivergenceSampler sampler = sampler(0.05, DivergenceSampler.DEFAULT_BATCH);
        assertThat(engine.cache().userCount().value()).isEqualTo(5);
        assertThat(engine.cache().leaderboard().value()).hasSize(1);

        DivergenceReport fresh = sampler.sampleNow();
        assertThat(counts(fresh, CacheKeys.COUNT_PATTERN)).containsExactly(1, 0);
        assertThat(counts(fresh, CacheKeys.LEADERBOARD_PATTERN)).containsExactly(1, 0);

        newUsers(1);
        bumpProfiles(List.of(ids.get(0)));
        DivergenceReport first = sampler.sampleNow();
        clock.advance(Duration.ofSeconds(7));
        DivergenceReport second = sampler.sampleNow();

        assertThat(counts(first, CacheKeys.COUNT_PATTERN)).containsExactly(1, 1);
        assertThat(counts(first, CacheKeys.LEADERBOARD_PATTERN)).containsExactly(1, 1);
        assertThat(first.pattern(CacheKeys.COUNT_PATTERN).orElseThrow().oldestStalenessMs()).as("unknown when first seen").isEmpty();
        assertThat(second.pattern(CacheKeys.COUNT_PATTERN).orElseThrow().oldestStalenessMs()).contains(7_000L);
        assertThat(second.pattern(CacheKeys.LEADERBOARD_PATTERN).orElseThrow().oldestStalenessMs()).contains(7_000L);

        engine.cache().coordinator().afterCommit(List.of(CacheKeys.USER_COUNT));
        DivergenceReport invalidated = sampler.sampleNow();
        assertThat(counts(invalidated, CacheKeys.COUNT_PATTERN)).as("not cached any more").containsExactly(0, 0);
        assertThat(counts(invalidated, CacheKeys.LEADERBOARD_PATTERN)).containsExactly(1, 1);
    }

    @Test
    void anAlertIsRaisedOncePerCrossingOfTheThreshold() throws Exception {
        List<Long> ids = newUsers(40);
        cacheUsers(ids);
        DivergenceSampler sampler = sampler(0.05, DivergenceSampler.DEFAULT_BATCH);

        bumpProfiles(ids.subList(0, 2));
        assertThat(counts(sampler.sampleNow(), CacheKeys.USER_PATTERN)).containsExactly(40, 2);
        assertThat(alerts).as("2 of 40 is exactly the threshold, not above it").isEmpty();

        bumpProfiles(ids.subList(2, 3));
        assertThat(counts(sampler.sampleNow(), CacheKeys.USER_PATTERN)).containsExactly(40, 3);
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.severity()).isEqualTo("warning");
            assertThat(a.source()).isEqualTo("cache.divergence");
            assertThat(a.subject()).isEqualTo("user:*");
            assertThat(a.message()).contains("7.5%").contains("3 of 40").contains("cache.divergence-alert");
            assertThat(a.at()).isEqualTo(clock.instant());
        });

        sampler.sampleNow();
        assertThat(alerts).as("still above: no second alert").hasSize(1);

        engine.cache().coordinator().afterCommit(ids.subList(0, 3).stream().map(CacheKeys::user).toList());
        assertThat(counts(sampler.sampleNow(), CacheKeys.USER_PATTERN)).containsExactly(37, 0);
        bumpProfiles(ids.subList(10, 13));
        assertThat(counts(sampler.sampleNow(), CacheKeys.USER_PATTERN)).containsExactly(37, 3);
        assertThat(alerts).as("a second crossing alerts again").hasSize(2);
        assertThat(alerts.get(1).subject()).isEqualTo("user:*");
    }

    @Test
    void aSmallSampleDoesNotAlertButADivergentSingleKeyDoes() throws Exception {
        List<Long> ids = newUsers(10);
        cacheUsers(ids);
        assertThat(engine.cache().userCount().value()).isEqualTo(10);
        DivergenceSampler sampler = sampler(0.05, DivergenceSampler.DEFAULT_BATCH);
        bumpProfiles(ids.subList(0, 5));
        newUsers(1);

        DivergenceReport report = sampler.sampleNow();

        assertThat(counts(report, CacheKeys.USER_PATTERN)).containsExactly(10, 5);
        assertThat(counts(report, CacheKeys.COUNT_PATTERN)).containsExactly(1, 1);
        assertThat(alerts).as("10 entries are fewer than the minimal sample of " + DivergenceSampler.MIN_SAMPLE)
                .extracting(Alert::subject).containsExactly("count:*");
    }

    @Test
    void everyRoundStoresOneSamplePerPatternForTheHistory() throws Exception {
        List<Long> ids = newUsers(30);
        cacheUsers(ids);
        Instant before = engine.clock().instant().minusSeconds(1);
        engine.cacheDivergence().sampleNow();
        bumpProfiles(ids.subList(0, 4));
        engine.cacheDivergence().sampleNow();

        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT key_pattern, sampled, divergent, instance_id FROM cache_divergence_samples"
                     + " ORDER BY id")) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                assertThat(rs.getString(4)).isEqualTo(engine.instanceId());
                rows.add(rs.getString(1) + " " + rs.getInt(2) + " " + rs.getInt(3));
            }
            assertThat(rows).containsExactly(
                    "user:* 30 0", "referral:* 0 0", "count:* 0 0", "leaderboard:* 0 0",
                    "user:* 30 4", "referral:* 0 0", "count:* 0 0", "leaderboard:* 0 0");
        }
        List<DivergenceSample> history = engine.cacheDivergence().history(before);
        assertThat(history).hasSize(8);
        assertThat(history).filteredOn(s -> s.pattern().equals("user:*")).extracting(DivergenceSample::divergent).containsExactly(0, 4);
        assertThat(history).filteredOn(s -> s.pattern().equals("user:*")).extracting(DivergenceSample::oldestStalenessMs)
                .satisfiesExactly(none -> assertThat(none).isEmpty(), some -> assertThat(some).isPresent());
        assertThat(history).filteredOn(s -> s.pattern().equals("referral:*")).allSatisfy(s -> assertThat(s.oldestStalenessMs())
                .as("a round with nothing stale stores no staleness, and reads back none").isEmpty());
        DivergenceSampler.Peak userPeak = engine.cacheDivergence().peaks(Duration.ofMinutes(5)).get(0);
        assertThat(userPeak.pattern()).isEqualTo("user:*");
        assertThat(userPeak.rounds()).isEqualTo(2);
        assertThat(userPeak.maxDivergent()).isEqualTo(4);
        assertThat(userPeak.maxDivergence()).isEqualTo(4 / 30.0);
        assertThat(userPeak.maxOldestStalenessMs()).hasValueSatisfying(ms -> assertThat(ms).isGreaterThanOrEqualTo(AHEAD.toMillis()));
    }

    @Test
    void samplesOlderThanTheRetentionAreRemovedAndYoungerOnesKept() throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO cache_divergence_samples (sampled_at, key_pattern, sampled, divergent, instance_id)"
                    + " VALUES (now() - interval '8 days', 'user:*', 10, 1, 'old'), (now() - interval '6 days', 'user:*', 10, 2, 'young')");
        }
        engine.cacheDivergence().sampleNow();
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT instance_id FROM cache_divergence_samples WHERE instance_id IN ('old', 'young')")) {
            List<String> left = new ArrayList<>();
            while (rs.next()) {
                left.add(rs.getString(1));
            }
            assertThat(left).containsExactly("young");
        }
    }

    @Test
    void boundedRoundsContinueWhereTheLastStoppedAndCoverTheWholeKeyspace() throws Exception {
        List<Long> ids = newUsers(25);
        cacheUsers(ids);
        bumpProfiles(ids);
        DivergenceSampler sampler = sampler(0.05, 10);

        List<Integer> sampled = new ArrayList<>();
        List<Integer> divergent = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            DivergenceSample s = sampler.sampleNow().pattern(CacheKeys.USER_PATTERN).orElseThrow();
            sampled.add(s.sampled());
            divergent.add(s.divergent());
        }

        assertThat(sampled).as("10 + 10 + 5 is one pass over 25 keys; the fourth round starts the next pass").containsExactly(10, 10, 5, 10);
        assertThat(divergent).containsExactly(10, 10, 5, 10);
    }

    @Test
    void aRoundIsSkippedWhileRedisIsDownAndStoresNothing() throws Exception {
        RedisSettings nowhere = new RedisSettings("127.0.0.1", TestServers.freePort(), null, null, 0, false, db.redisPrefix(),
                Duration.ofMillis(500), "(test) an unreachable Redis");
        try (RedisConnection down = new RedisConnection(nowhere, clock)) {
            DivergenceSampler sampler = new DivergenceSampler(down, engine.cache().coordinator().rows(), "test-sampler",
                    Duration.ofHours(1), 0.05, alerts::add, clock);
            assertThat(sampler.current().state()).isEqualTo(DivergenceReport.State.NOT_SAMPLED_YET);

            DivergenceReport report = sampler.sampleNow();

            assertThat(report.state()).isEqualTo(DivergenceReport.State.REDIS_DOWN);
            assertThat(report.patterns()).isEmpty();
            assertThat(sampler.current()).isEqualTo(report);
            assertThat(count("SELECT count(*) FROM cache_divergence_samples")).isZero();
            assertThat(alerts).isEmpty();
        }
    }

    @Test
    void theEngineSamplesInTheBackgroundAndStopsOnClose(@IntegrityTest.OwnSlice TestDatabase other) throws Exception {
        ManualScheduler scheduler = new ManualScheduler(); // the engine's background work, run when the test steps time
        long othersSamplers = samplerTasks(scheduler); // none: the engine of this test class has a scheduler of its own
        IntegrityEngine sampling = IntegrityEngine.start(other.config(Map.of(ConfigKey.CACHE_SAMPLE_INTERVAL, "100ms")),
                Clock.systemUTC(), ProgressListener.NONE, IntegrityEngine.Mode.SERVICE, scheduler);
        try (sampling) {
            assertThat(sampling.cacheDivergence().current().state()).isEqualTo(DivergenceReport.State.NOT_SAMPLED_YET);
            scheduler.advance(Duration.ofMillis(100)); // one interval: the first background round
            assertThat(sampling.cacheDivergence().current().state()).isEqualTo(DivergenceReport.State.SAMPLED);
            assertThat(samplerTasks(scheduler)).isEqualTo(othersSamplers + 1);
        }
        assertThat(samplerTasks(scheduler)).as("the sampler's task ends with the engine").isEqualTo(othersSamplers);
    }

    // fixtures ---------------------------------------------------------------------------------------------------

    private DivergenceSampler sampler(double threshold, int batch) {
        return new DivergenceSampler(engine.redis(), engine.cache().coordinator().rows(), "test-sampler", Duration.ofHours(1),
                threshold, alerts::add, clock, batch);
    }

    /** Active users with profiles, inserted with plain SQL; returns their ids. */
    private List<Long> newUsers(int n) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO users (email, email_normalized,"
                + " referral_code, first_name) SELECT 'u' || g || '@x.org', 'u' || g || '@x.org', 'DIV' || g, 'U' || g"
                + " FROM generate_series(?, ?) g ORDER BY g RETURNING id")) {
            ps.setInt(1, userSeq + 1);
            ps.setInt(2, userSeq + n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            try (Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO gamification_profiles (user_id) SELECT id FROM users u WHERE NOT EXISTS"
                        + " (SELECT 1 FROM gamification_profiles p WHERE p.user_id = u.id)");
            }
        }
        userSeq += n;
        return ids;
    }

    private String referralCode(long id) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT referral_code FROM users WHERE id = " + id)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Reads each user through the cache, so Redis holds it. */
    private void cacheUsers(List<Long> ids) {
        for (long id : ids) {
            assertThat(engine.cache().user(id)).isPresent();
        }
    }

    /** Changes profiles behind the cache's back: the trigger moves their versions, nobody invalidates. */
    private void bumpProfiles(List<Long> ids) throws SQLException {
        exec("UPDATE gamification_profiles SET referral_count = referral_count + 1 WHERE user_id IN ("
                + String.join(", ", ids.stream().map(String::valueOf).toList()) + ")");
    }

    private void exec(String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.executeUpdate(sql);
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Integer> counts(DivergenceReport report, String pattern) {
        DivergenceSample s = report.pattern(pattern).orElseThrow();
        return List.of(s.sampled(), s.divergent());
    }

    private static long samplerTasks(ManualScheduler scheduler) {
        return scheduler.tasks().stream().filter("cache-divergence-sampler"::equals).count();
    }
}
