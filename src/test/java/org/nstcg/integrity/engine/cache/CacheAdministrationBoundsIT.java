package org.nstcg.integrity.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.store.StoreException;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;

/**
 * Bounded and audited (issue 14, section 7): a cache invalidation whose audit entry cannot be written touches no key —
 * a pattern too long for {@code audit_log.target_id} is refused first, and an audit chain locked by another session
 * makes it fail within {@code db.lock-timeout} with a sentence, instead of hanging or deleting keys unaudited; a
 * runaway statement is cut off at {@code db.statement-timeout}.
 */
@IntegrityTest(settings = {"db.lock-timeout=1s", "db.statement-timeout=3s"})
class CacheAdministrationBoundsIT {

    private static final Actor OSCAR = Actor.operator("oscar");

    private static TestDatabase db;
    private static IntegrityEngine engine;

    @BeforeAll
    static void start(TestDatabase slice, IntegrityEngine started) {
        db = slice;
        engine = started;
    }

    @Test
    void aPatternTooLongForTheAuditTrailIsRefusedBeforeAnyKeyIsDeleted() throws Exception {
        String pattern = "count:" + "p".repeat(143) + "*"; // 150 characters: a key pattern, but audit_log.target_id takes 100
        String key = engine.redis().key(pattern.substring(0, pattern.length() - 1) + "1");
        engine.redis().client().set(key, "7");
        long before = audited();

        assertThatThrownBy(() -> engine.cacheAdministration().invalidate(OSCAR, pattern))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 100 characters");

        assertThat(engine.redis().client().get(key)).as("the key is still there").isEqualTo("7");
        assertThat(audited()).isEqualTo(before);
    }

    @Test
    void aLockedAuditTrailFailsTheInvalidationWithinTheLockTimeoutAndLeavesTheKeys() throws Exception {
        String key = engine.redis().key("count:users");
        engine.redis().client().set(key, "41");
        long before = audited();
        try (Connection holder = db.connect(); Statement st = holder.createStatement()) {
            holder.setAutoCommit(false);
            st.execute("SELECT pg_advisory_xact_lock(hashtext('integrity.audit_log.' || current_schema()))");

            long t0 = System.nanoTime();
            EngineException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                try {
                    engine.cacheAdministration().invalidate(OSCAR, "count:*");
                    throw new AssertionError("the invalidation succeeded while the audit trail was locked");
                } catch (EngineException failed) {
                    return failed;
                }
            }, "cache invalidate hung while another session held the audit lock");
            long millis = (System.nanoTime() - t0) / 1_000_000;

            assertThat(engine.redis().client().get(key)).as("no key was deleted unaudited").isEqualTo("41");
            assertThat(millis).as("failed within the lock timeout (1 s) and some slack").isLessThan(8_000);
            assertThat(e).isInstanceOf(StoreException.class);
            assertThat(((StoreException) e).sqlState()).isEqualTo("55P03");
            assertThat(e.getMessage()).startsWith("Cannot invalidate the cache pattern count:* with its audit entry in PostgreSQL (")
                    .contains("another session held a lock it needed for longer than db.lock-timeout allows");
            holder.rollback();
        }
        assertThat(audited()).isEqualTo(before);

        // the lock released, the same action goes through, audited once
        assertThat(engine.cacheAdministration().invalidate(OSCAR, "count:*")).contains(1L);
        assertThat(engine.redis().client().get(key)).isNull();
        assertThat(audited()).isEqualTo(before + 1);
    }

    @Test
    void aRunawayStatementIsCutOffAtTheStatementTimeoutWithASentence() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> engine.database().jdbc().read("sleep", tx -> tx.single("SELECT pg_sleep(30)", r -> true)))
                .isInstanceOf(StoreException.class)
                .hasMessage("Cannot sleep in PostgreSQL (the statement ran for longer than db.statement-timeout allows).");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(15_000);
    }

    private static long audited() throws Exception {
        return engine.audit().list(TestActors.OPERATOR, Optional.of("oscar"), Optional.of("cache.invalidate"), Optional.empty(),
                Optional.empty(), 100).size();
    }
}
