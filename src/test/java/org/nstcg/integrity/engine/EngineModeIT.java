package org.nstcg.integrity.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.engine.support.EngineScheduler;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;

/**
 * What an engine runs besides the calls made to it: a one-shot engine (a CLI command) starts none of the background
 * work a service engine (console, server) runs, and still leaves nothing unwritten when it closes.
 */
@IntegrityTest(engine = IntegrityTest.Engine.NONE, perTest = true)
class EngineModeIT {

    /** The tasks of the engine's background work, by name; each runs on a thread named {@code integrity-<task>}. */
    private static final Set<String> BACKGROUND = Set.of("saga-recovery", "cache-divergence-sampler", "checks",
            "cache-invalidations", "cache-maintenance", "signup-refusals");

    private TestDatabase db;

    @BeforeEach
    void create(TestDatabase slice) {
        db = slice;
    }

    @Test
    void aServiceEngineRunsItsBackgroundWork() throws Exception {
        try (IntegrityEngine engine = db.startEngine()) {
            assertThat(engine.scheduler().tasks()).containsAll(BACKGROUND);
            assertThat(backgroundThreads()).contains(EngineScheduler.THREAD_PREFIX + "cache-invalidations");
        }
    }

    @Test
    void aOneShotEngineStartsNoBackgroundThreadAndWritesEverythingOnClose() throws Exception {
        try (IntegrityEngine engine = db.startOneShotEngine()) {
            assertThat(engine.scheduler().tasks()).as("tasks scheduled by a one-shot engine").isEmpty();
            // The connection pool's housekeeper (HikariCP, named after the pool "integrity-db") is the pool's, not engine work.
            assertThat(backgroundThreads()).as("threads of the engine's background work")
                    .noneMatch(name -> name.startsWith(EngineScheduler.THREAD_PREFIX) && !name.startsWith("integrity-db:"));
            assertThat(engine.registration().register(new RegistrationRequest("one-shot@example.org", "Ona", null, null)))
                    .isInstanceOf(RegistrationOutcome.Registered.class);
            assertThat(engine.registration().register(new RegistrationRequest("One-Shot@Example.org", "Ona", null, null)))
                    .isInstanceOf(RegistrationOutcome.AlreadyRegistered.class);
            assertThat(engine.scheduler().tasks()).isEmpty();
            assertThat(backgroundThreads()).doesNotContainAnyElementsOf(BACKGROUND.stream().map(t -> EngineScheduler.THREAD_PREFIX + t).toList());
        }
        // Closed: the refusal is counted and the saga's completion recorded, with no flusher having run meanwhile.
        assertThat(scalar("SELECT coalesce(sum(refusals), 0) FROM signup_refusals")).isEqualTo(1);
        assertThat(scalar("SELECT count(*) FROM sagas WHERE status = 'COMPLETED'")).isEqualTo(1);
        assertThat(scalar("SELECT count(*) FROM sagas WHERE status <> 'COMPLETED'")).isZero();
    }

    private static List<String> backgroundThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName).toList();
    }

    private long scalar(String sql) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
