package org.nstcg.integrity.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;
import org.postgresql.ds.PGSimpleDataSource;

/** The engine's one way to run SQL: transactions commit or roll back whole, failures keep their SQL state and read as sentences. */
@IntegrityTest(engine = IntegrityTest.Engine.ONE_SHOT)
class JdbcIT {

    private static TestDatabase db;
    private static IntegrityEngine engine;
    private static Jdbc jdbc;

    @BeforeAll
    static void start(TestDatabase slice, IntegrityEngine started) {
        db = slice;
        engine = started;
        jdbc = engine.database().jdbc();
        jdbc.transact("create the test table", tx -> tx.update(
                "CREATE TABLE jdbc_probe (id bigint PRIMARY KEY, name text CONSTRAINT jdbc_probe_name_uk UNIQUE, at timestamptz,"
                        + " tags text[], ids bigint[], doc jsonb, ref uuid)"));
    }

    @BeforeEach
    void empty() {
        jdbc.transact("empty the test table", tx -> tx.update("DELETE FROM jdbc_probe"));
    }

    private static long rows() {
        return jdbc.read("count rows", tx -> tx.singleLong("SELECT count(*) FROM jdbc_probe"));
    }

    @Test
    void aTransactionCommitsWhenItsWorkReturnsAndLeavesNothingWhenItThrows() {
        jdbc.transact("insert", tx -> {
            tx.update("INSERT INTO jdbc_probe (id, name) VALUES (?, ?)", 1L, "a");
            tx.update("INSERT INTO jdbc_probe (id, name) VALUES (?, ?)", 2L, "b");
        });
        assertThat(rows()).isEqualTo(2);

        assertThatThrownBy(() -> jdbc.transact("insert", tx -> {
            tx.update("INSERT INTO jdbc_probe (id, name) VALUES (?, ?)", 3L, "c");
            throw new IllegalStateException("the work failed half-way");
        })).isInstanceOf(IllegalStateException.class).hasMessage("the work failed half-way");
        assertThat(rows()).as("the first insert of the failed transaction was rolled back").isEqualTo(2);
    }

    @Test
    void aUniqueViolationKeepsItsStateAndConstraintAndReadsAsWhatWasBeingDone() {
        jdbc.transact("insert", tx -> tx.update("INSERT INTO jdbc_probe (id, name) VALUES (1, 'taken')"));
        assertThatThrownBy(() -> jdbc.transact("add a probe row", tx -> {
            tx.update("INSERT INTO jdbc_probe (id, name) VALUES (2, 'other')");
            tx.update("INSERT INTO jdbc_probe (id, name) VALUES (3, 'taken')");
        })).isInstanceOfSatisfying(StoreException.class, e -> {
            assertThat(e.isUniqueViolation()).isTrue();
            assertThat(e.violated("jdbc_probe_name_uk")).isTrue();
            assertThat(e.violated("some_other_index")).isFalse();
            assertThat(e.constraint()).contains("jdbc_probe_name_uk");
            assertThat(e.isRetryable()).isFalse();
            assertThat(e.getMessage()).startsWith("Cannot add a probe row in PostgreSQL (").endsWith(").")
                    .contains("jdbc_probe_name_uk");
        });
        assertThat(rows()).isEqualTo(1);
    }

    @Test
    void aSavepointUndoesOnlyItsOwnStatementsAndTheTransactionGoesOn() {
        jdbc.transact("insert", tx -> {
            tx.update("INSERT INTO jdbc_probe (id, name) VALUES (1, 'kept')");
            try {
                tx.savepoint(inner -> inner.update("INSERT INTO jdbc_probe (id, name) VALUES (2, 'kept')"));
            } catch (StoreException e) {
                assertThat(e.isUniqueViolation()).isTrue();
            }
            tx.update("INSERT INTO jdbc_probe (id, name) VALUES (3, 'after')");
        });
        List<Long> ids = jdbc.read("list", tx -> tx.list("SELECT id FROM jdbc_probe ORDER BY id", r -> r.getLong(1)));
        assertThat(ids).containsExactly(1L, 3L);
    }

    @Test
    void parametersBindByTheirJavaTypeAndReadBackTheSame() {
        Instant at = Instant.parse("2026-12-03T08:30:00.123456Z");
        UUID ref = UUID.randomUUID();
        jdbc.transact("insert", tx -> tx.update(
                "INSERT INTO jdbc_probe (id, name, at, tags, ids, doc, ref) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?)",
                1L, Optional.of("full"), at, Tx.texts(List.of("x", "y")), Tx.bigints(7L, 8L),
                new ObjectMapper().createObjectNode().put("k", 1), ref));
        jdbc.transact("insert", tx -> tx.update("INSERT INTO jdbc_probe (id, name, at) VALUES (?, ?, ?)",
                2L, Optional.empty(), Tx.nullOf(Tx.SqlType.TIMESTAMP)));

        record Probe(String name, Instant at, List<String> tags, List<Long> ids, String doc, UUID ref) {
        }
        List<Probe> read = jdbc.read("read", tx -> tx.list("SELECT name, at, tags, ids, doc, ref FROM jdbc_probe ORDER BY id",
                r -> new Probe(r.getString("name"), r.getInstant("at"), r.getStrings("tags"), r.getLongs("ids"),
                        r.getString("doc"), r.getUuid("ref"))));
        assertThat(read.get(0)).isEqualTo(new Probe("full", at, List.of("x", "y"), List.of(7L, 8L), "{\"k\": 1}", ref));
        assertThat(read.get(1)).isEqualTo(new Probe(null, null, List.of(), List.of(), null, null));
        Optional<Long> none = jdbc.read("read", tx -> tx.first("SELECT id FROM jdbc_probe WHERE id = ?", r -> r.getLong(1), 99L));
        assertThat(none).isEmpty();
        Long max = jdbc.read("read", tx -> tx.single("SELECT max(id) FROM jdbc_probe WHERE id > ?", r -> r.getLongOrNull(1), 99L));
        assertThat(max).isNull();
    }

    @Test
    void aBatchRunsOneStatementPerRowAndStreamingVisitsEveryRow() {
        jdbc.transact("insert", tx -> tx.batch("INSERT INTO jdbc_probe (id, name) VALUES (?, ?)",
                List.of(List.of(1L, "a"), List.of(2L, "b"), List.of(3L, "c"))));
        AtomicInteger seen = new AtomicInteger();
        jdbc.inTransaction("stream", tx -> {
            tx.each("SELECT id FROM jdbc_probe", 2, r -> seen.addAndGet((int) r.getLong(1)));
            return null;
        });
        assertThat(seen).hasValue(6);
    }

    @Test
    void retryingRunsTheWorkAgainAfterASerializationFailureAndOnlyThen() {
        AtomicInteger attempts = new AtomicInteger();
        long result = jdbc.retrying("insert after a conflict", 3, tx -> {
            tx.update("INSERT INTO jdbc_probe (id, name) VALUES (?, ?)", (long) attempts.incrementAndGet(), "n" + attempts.get());
            if (attempts.get() < 3) {
                tx.update("DO $$ BEGIN RAISE EXCEPTION 'simulated conflict' USING ERRCODE = '40001'; END $$");
            }
            return tx.singleLong("SELECT count(*) FROM jdbc_probe");
        });
        assertThat(attempts).hasValue(3);
        assertThat(result).as("the two failed attempts left nothing behind").isEqualTo(1);

        AtomicInteger once = new AtomicInteger();
        assertThatThrownBy(() -> jdbc.retrying("insert", 3, tx -> {
            once.incrementAndGet();
            return tx.update("INSERT INTO jdbc_probe (id, name) VALUES (3, 'n3')");
        })).isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.isUniqueViolation()).isTrue());
        assertThat(once).as("a unique violation is not retried").hasValue(1);
    }

    @Test
    void aSnapshotSeesOneStateAndRefusesWrites() {
        assertThatThrownBy(() -> jdbc.snapshot("read figures", tx -> tx.update("INSERT INTO jdbc_probe (id) VALUES (1)")))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.sqlState()).isEqualTo("25006"));
        assertThat(rows()).isZero();
        // the connection went back to the pool writable and READ COMMITTED
        jdbc.transact("insert", tx -> tx.update("INSERT INTO jdbc_probe (id) VALUES (1)"));
        String isolation = jdbc.read("isolation", tx -> tx.single("SELECT current_setting('transaction_isolation')", r -> r.getString(1)));
        assertThat(isolation).isEqualTo("read committed");
    }

    @Test
    void aTransactionInsideASessionCommitsWhileTheSessionKeepsItsAdvisoryLock() {
        long key = 0x4a444243L;
        jdbc.read("hold a lock", session -> {
            boolean locked = session.single("SELECT pg_try_advisory_lock(?)", r -> r.getBoolean(1), key);
            assertThat(locked).isTrue();
            session.transaction(tx -> tx.update("INSERT INTO jdbc_probe (id) VALUES (1)"));
            assertThat(rows()).as("committed, seen from another connection").isEqualTo(1);
            boolean elsewhere = jdbc.read("try the lock elsewhere", other -> other.single("SELECT pg_try_advisory_lock(?)", r -> r.getBoolean(1), key));
            assertThat(elsewhere).as("the session still holds the lock").isFalse();
            return session.single("SELECT pg_advisory_unlock(?)", r -> r.getBoolean(1), key);
        });
    }

    @Test
    void anUnreachableServerReadsAsWhatWasBeingDoneAndWhy() {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setURL("jdbc:postgresql://127.0.0.1:1/test");
        nowhere.setConnectTimeout(1);
        assertThatThrownBy(() -> new Jdbc(nowhere).read("search users", tx -> tx.singleLong("SELECT 1")))
                .isInstanceOfSatisfying(StoreException.class, e -> {
                    assertThat(e.isConnectionFailure()).isTrue();
                    assertThat(e.getMessage()).isEqualTo("Cannot search users in PostgreSQL (connection refused).");
                });
    }
}
