package org.nstcg.integrity.engine.audit;

import org.nstcg.integrity.engine.lookup.AuditReader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.audit.AuditVerification;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;

/** The audit trail against real PostgreSQL: the chain, tampering found, appends refused, concurrent appends. */
@IntegrityTest(perTest = true)
class AuditTrailIT {

    private TestDatabase db;
    private IntegrityEngine engine;
    private AuditTrail trail;
    private AuditReader audit;
    private final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void start(TestDatabase slice, IntegrityEngine started) {
        db = slice;
        engine = started;
        trail = engine.auditTrail();
        audit = engine.audit();
    }

    private void record(int n) {
        for (int i = 0; i < n; i++) {
            trail.record(AuditEvent.of("alice", "user.merge").target("user", Integer.toString(i))
                    .states(json.createObjectNode().put("points", i), json.createObjectNode().put("points", i + 10)).details("entry " + i));
        }
    }

    private void asOwner(String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE audit_log DISABLE TRIGGER USER");
            st.execute(sql);
            st.execute("ALTER TABLE audit_log ENABLE TRIGGER USER");
        }
    }

    @Test
    void entriesFormOneChainFromGenesisAndReadBackNewestFirst() throws Exception {
        record(3);

        List<AuditEntry> entries = audit.list(TestActors.OPERATOR, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 10);
        assertThat(entries).extracting(AuditEntry::details).containsExactly(Optional.of("entry 2"), Optional.of("entry 1"), Optional.of("entry 0"));
        assertThat(entries.get(2).prevHash()).isEqualTo(AuditTrail.GENESIS);
        assertThat(entries.get(1).prevHash()).isEqualTo(entries.get(2).hash());
        assertThat(entries.get(0).prevHash()).isEqualTo(entries.get(1).hash());
        assertThat(entries.get(0).before().orElseThrow().path("points").asInt()).isEqualTo(2);
        assertThat(entries.get(0).after().orElseThrow().path("points").asInt()).isEqualTo(12);
        AuditVerification v = audit.verify(TestActors.OPERATOR);
        assertThat(v.intact()).isTrue();
        assertThat(v.entries()).isEqualTo(3);
        assertThat(v.headHash()).contains(entries.get(0).hash());
        assertThat(audit.list(TestActors.OPERATOR, Optional.of("bob"), Optional.empty(), Optional.empty(), Optional.empty(), 10)).isEmpty();
        assertThat(audit.list(TestActors.OPERATOR, Optional.empty(), Optional.of("user.*"), Optional.of("1"), Optional.empty(), 10)).hasSize(1);
    }

    @Test
    void theDatabaseRefusesToChangeRemoveOrTruncateEntries() {
        record(1);
        for (String sql : List.of("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log", "TRUNCATE audit_log")) {
            assertThatThrownBy(() -> {
                try (Connection c = db.connect(); Statement st = c.createStatement()) {
                    st.execute(sql);
                }
            }).as(sql).isInstanceOf(SQLException.class).hasMessageContaining("append-only");
        }
    }

    @Test
    void anEntryChangedBehindTheEnginesBackIsFoundAsTheFirstBadOne() throws Exception {
        record(5);
        long third = audit.list(TestActors.OPERATOR, Optional.empty(), Optional.empty(), Optional.of("2"), Optional.empty(), 1).get(0).id();

        asOwner("UPDATE audit_log SET after_state = '{\"points\": 9999}' WHERE id = " + third);

        AuditVerification v = audit.verify(TestActors.OPERATOR);
        assertThat(v.intact()).isFalse();
        assertThat(v.firstBadId()).contains(third);
        assertThat(v.problem().orElseThrow()).contains("changed after it was written");
    }

    @Test
    void aRemovedEntryIsFoundAtTheEntryAfterIt() throws Exception {
        record(5);
        long second = audit.list(TestActors.OPERATOR, Optional.empty(), Optional.empty(), Optional.of("1"), Optional.empty(), 1).get(0).id();
        long third = audit.list(TestActors.OPERATOR, Optional.empty(), Optional.empty(), Optional.of("2"), Optional.empty(), 1).get(0).id();

        asOwner("DELETE FROM audit_log WHERE id = " + second);

        AuditVerification v = audit.verify(TestActors.OPERATOR);
        assertThat(v.firstBadId()).contains(third);
        assertThat(v.problem().orElseThrow()).contains("does not link to the entry before it");
    }

    @Test
    void anEntryRecordedInARolledBackTransactionLeavesNoTrace() throws Exception {
        assertThatThrownBy(() -> engine.database().jdbc().transact("merge", tx -> {
            trail.record(tx, AuditEvent.of("alice", "user.merge").target("user", "7"));
            throw new IllegalStateException("the merge failed after its audit entry");
        })).hasMessage("the merge failed after its audit entry");
        record(1);
        assertThat(audit.verify(TestActors.OPERATOR).entries()).isEqualTo(1);
        assertThat(audit.verify(TestActors.OPERATOR).intact()).isTrue();
    }

    @Test
    void concurrentAppendsFromTwoInstancesFormOneUnbrokenChain() throws Exception {
        try (IntegrityEngine other = db.startEngine()) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                AuditTrail trail = t % 2 == 0 ? this.trail : other.auditTrail();
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        trail.record(AuditEvent.of("t" + thread, "test.append").target("n", Integer.toString(i)));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
        }
        AuditVerification v = audit.verify(TestActors.OPERATOR);
        assertThat(v.entries()).isEqualTo(200);
        assertThat(v.intact()).isTrue();
    }

    @Test
    void aSagaResolvedByAnOperatorIsAuditedWithWhoWhyAndTheStatusChange() throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO sagas (id, saga_type, business_key,"
                + " status, current_step, step_count, owner_instance, lease_expires_at) VALUES (?, 'registration', 'x@example.org',"
                + " 'FAILED_NEEDS_ATTENTION', 1, 5, 'gone', now())")) {
            ps.setObject(1, id);
            ps.executeUpdate();
        }

        engine.sagas().resolve(id, Actor.operator("olivia"), "refunded by hand");

        AuditEntry e = audit.list(TestActors.OPERATOR, Optional.empty(), Optional.of("saga.resolve"), Optional.of(id.toString()), Optional.empty(), 1).get(0);
        assertThat(e.actor()).isEqualTo("olivia");
        assertThat(e.details()).contains("refunded by hand");
        assertThat(e.before().orElseThrow().path("status").asText()).isEqualTo("FAILED_NEEDS_ATTENTION");
        assertThat(e.after().orElseThrow().path("status").asText()).isEqualTo("RESOLVED");
        assertThat(audit.verify(TestActors.OPERATOR).intact()).isTrue();
    }
}
