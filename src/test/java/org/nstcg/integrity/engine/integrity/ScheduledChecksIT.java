package org.nstcg.integrity.engine.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.saga.SagaMetrics;
import org.nstcg.integrity.engine.store.Tx;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.ManualScheduler;
import org.nstcg.integrity.support.MutableClock;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;

/**
 * Scheduled suites across instances: the advisory lock lets one instance at a time run a suite, a suite that ran
 * recently is not run again by another instance, and two schedulers with a short interval produce runs that never
 * overlap. The schedule is off when {@code checks.interval} is off. Time is stepped ({@link ManualScheduler}), never
 * slept through: the schedulers run their due suites when the test moves the clock.
 */
@IntegrityTest(engine = IntegrityTest.Engine.NONE, perTest = true)
class ScheduledChecksIT {

    private TestDatabase db;
    private IntegrityEngine engine;
    private ManualScheduler engineScheduler;
    private final List<IntegrityChecks> made = new ArrayList<>();

    @BeforeEach
    void start(TestDatabase slice) {
        db = slice;
        engineScheduler = new ManualScheduler();
        engine = IntegrityEngine.start(db.config(Map.of(ConfigKey.CHECKS_INTERVAL, "off", ConfigKey.CACHE_SAMPLE_INTERVAL, "1h")),
                Clock.systemUTC(), ProgressListener.NONE, IntegrityEngine.Mode.SERVICE, engineScheduler);
    }

    @AfterEach
    void stop() {
        made.forEach(IntegrityChecks::close);
        engine.close();
    }

    /** A check that takes a while, so that suites without the lock would overlap. */
    private static IntegrityCheck slow(AtomicInteger concurrent, AtomicInteger maxConcurrent) {
        return new IntegrityCheck() {
            @Override
            public String name() {
                return "slow";
            }

            @Override
            public Severity severity() {
                return Severity.INFO;
            }

            @Override
            public String description() {
                return "sleeps";
            }

            @Override
            public CheckFindings run(Tx tx, int limit) {
                maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                try {
                    tx.single("SELECT pg_sleep(0.3)", r -> null);
                } finally {
                    concurrent.decrementAndGet();
                }
                return CheckFindings.none();
            }
        };
    }

    private IntegrityChecks instance(String id, Duration interval, List<IntegrityCheck> checks) {
        return instance(id, interval, checks, Clock.systemUTC());
    }

    private IntegrityChecks instance(String id, Duration interval, List<IntegrityCheck> checks, Clock clock) {
        CheckSettings settings = CheckSettings.defaults().withInterval(Optional.of(interval));
        IntegrityChecks c = new IntegrityChecks(engine.database().jdbc(), checks, settings,
                () -> new SagaMetrics(List.of(), Map.of(), 0, 0), engine.alerts(), engine.auditTrail(), clock, id);
        made.add(c);
        return c;
    }

    private long count(String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aScheduledSuiteRunsOnlyUnderTheLockAndNotAgainSoonAfterAnother() throws Exception {
        IntegrityChecks a = instance("a", Duration.ofMinutes(15), BuiltInChecks.all(null, Duration.ofSeconds(10), Duration.ofMinutes(15)));
        IntegrityChecks b = instance("b", Duration.ofMinutes(15), BuiltInChecks.all(null, Duration.ofSeconds(10), Duration.ofMinutes(15)));
        try (Connection holder = db.connect(); Statement st = holder.createStatement()) {
            st.execute("SELECT pg_advisory_lock(hashtext('integrity.checks.' || current_schema()))");
            assertThat(a.runScheduled()).isEmpty();
            st.execute("SELECT pg_advisory_unlock(hashtext('integrity.checks.' || current_schema()))");
        }

        Optional<CheckRun> ran = a.runScheduled();
        assertThat(ran).hasValueSatisfying(r -> {
            assertThat(r.trigger()).isEqualTo(CheckTrigger.SCHEDULED);
            assertThat(r.actor()).isEmpty();
            assertThat(r.instanceId()).isEqualTo("a");
        });
        assertThat(b.runScheduled()).as("b's turn comes one interval later").isEmpty();
        assertThat(count("SELECT count(*) FROM integrity_check_runs WHERE trigger = 'scheduled' AND instance_id = 'a'")).isEqualTo(1);
        // Scheduled runs are not administrative actions: nothing in the audit trail.
        assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'check.run'")).isZero();
    }

    @Test
    void twoInstancesWithAShortIntervalRunSuitesThatNeverOverlap() throws Exception {
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        MutableClock clock = new MutableClock(Instant.now());
        ManualScheduler aScheduler = new ManualScheduler(clock);
        ManualScheduler bScheduler = new ManualScheduler(clock);
        IntegrityChecks a = instance("a", Duration.ofSeconds(1), List.of(slow(concurrent, maxConcurrent)), clock);
        IntegrityChecks b = instance("b", Duration.ofSeconds(1), List.of(slow(concurrent, maxConcurrent)), clock);
        a.startSchedule(aScheduler);
        b.startSchedule(bScheduler);
        // 6.5 s in steps of 0.5 s. Both first suites come due within the first second, so at every whole second both
        // instances have a suite due and run it at the same moment, each on a thread of its own: the lock decides.
        ExecutorService instances = Executors.newFixedThreadPool(2);
        try {
            for (int step = 0; step < 13; step++) {
                clock.advance(Duration.ofMillis(500));
                CompletableFuture.allOf(CompletableFuture.runAsync(aScheduler::runDue, instances),
                        CompletableFuture.runAsync(bScheduler::runDue, instances)).join();
            }
        } finally {
            instances.shutdownNow();
        }
        a.close();
        b.close();
        aScheduler.close();
        bScheduler.close();

        List<Instant[]> runs = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT started_at, finished_at, status FROM integrity_check_runs WHERE trigger = 'scheduled' ORDER BY started_at")) {
            while (rs.next()) {
                if (rs.getTimestamp(2) != null) {
                    runs.add(new Instant[] {rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant()});
                    assertThat(rs.getString(3)).isEqualTo("passed");
                }
            }
        }
        assertThat(runs.size()).as("scheduled runs in 6.5 s at a 1 s interval").isBetween(3, 8);
        for (int i = 1; i < runs.size(); i++) {
            assertThat(runs.get(i)[0]).as("run %d starts after run %d finished", i, i - 1).isAfterOrEqualTo(runs.get(i - 1)[1]);
        }
        assertThat(maxConcurrent.get()).isEqualTo(1);
        assertThat(count("SELECT count(DISTINCT check_name) FROM integrity_check_results")).isEqualTo(1);
    }

    @Test
    void theEnginesScheduleIsOffWhenTheIntervalIsOff() throws Exception {
        engineScheduler.advance(Duration.ofMillis(1_500));
        assertThat(engineScheduler.tasks()).doesNotContain("checks");
        assertThat(engine.checks().settings().interval()).isEmpty();
        assertThat(count("SELECT count(*) FROM integrity_check_runs")).isZero();
    }

    @Test
    void anEngineWithAShortIntervalRunsScheduledSuites() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        ManualScheduler scheduler = new ManualScheduler(clock);
        try (IntegrityEngine scheduled = IntegrityEngine.start(db.config(Map.of(ConfigKey.CHECKS_INTERVAL, "1s",
                ConfigKey.CACHE_SAMPLE_INTERVAL, "1h")), clock, ProgressListener.NONE, IntegrityEngine.Mode.SERVICE, scheduler)) {
            for (int second = 0; second < 10
                    && count("SELECT count(*) FROM integrity_check_runs WHERE trigger = 'scheduled' AND finished_at IS NOT NULL") < 2; second++) {
                scheduler.advance(Duration.ofSeconds(1));
            }
            assertThat(scheduled.checks().history(TestActors.OPERATOR, Optional.empty(), 10)).filteredOn(r -> r.trigger().equals("scheduled"))
                    .hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(r -> assertThat(r.checks()).hasSize(BuiltInChecks.NAMES.size()));
        }
    }
}
