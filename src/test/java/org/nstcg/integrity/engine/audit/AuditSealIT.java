package org.nstcg.integrity.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;

/**
 * The audit trail is tamper-evident against the database's own users (issue 14, §2): the three tamperings the
 * security review reproduced — a forged entry hashed with {@code audit_entry_hash}, a tail deleted with triggers off
 * ({@code session_replication_role = replica}), an old entry rewritten with the chain recomputed — each make
 * {@code verify} fail, where the hash chain alone said "intact". Each test does as the attacker did, as the database's
 * superuser, behind the engine's back.
 */
@IntegrityTest(engine = IntegrityTest.Engine.NONE, perTest = true)
class AuditSealIT {

    private final ObjectMapper json = new ObjectMapper();

    private static IntegrityEngine engine(TestDatabase db) {
        return IntegrityEngine.start(db.config(Map.of(ConfigKey.AUDIT_ANCHOR_INTERVAL, "off")), ProgressListener.NONE);
    }

    private void record(IntegrityEngine engine, int n) {
        for (int i = 0; i < n; i++) {
            engine.auditTrail().record(AuditEvent.of("alice", "user.merge").target("user", Integer.toString(i))
                    .states(json.createObjectNode().put("points", i), json.createObjectNode().put("points", i + 10)).details("entry " + i));
        }
    }

    private static long idOf(TestDatabase db, int nth) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM audit_log ORDER BY id OFFSET " + (nth - 1) + " LIMIT 1")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Runs {@code sql} as the superuser with every trigger off, as the review's attacker did. */
    private static void behindTheEnginesBack(TestDatabase db, String... sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("SET session_replication_role = replica");
            for (String s : sql) {
                st.execute(s);
            }
            st.execute("SET session_replication_role = DEFAULT");
        }
    }

    @Test
    void aForgedEntryHashedLikeTheDatabaseDoesIsFoundForItHasNoSeal(TestDatabase db) throws Exception {
        try (IntegrityEngine engine = engine(db)) {
            record(engine, 3);
            try (Connection c = db.connect(); Statement st = c.createStatement()) { // an INSERT the append-only triggers allow
                st.execute("INSERT INTO audit_log (occurred_at, actor, action, target_type, target_id, details, prev_hash, hash)"
                        + " SELECT t, 'admin1', 'account.create', 'account', 'rogue', 'forged', h,"
                        + "        audit_entry_hash(h, t, 'admin1', 'account.create', 'account', 'rogue', NULL, NULL, 'forged')"
                        + " FROM (SELECT hash AS h, date_trunc('microseconds', clock_timestamp()) AS t FROM audit_log ORDER BY id DESC LIMIT 1) p");
            }
            long forged = idOf(db, 4);

            AuditVerification v = engine.audit().verify(TestActors.OPERATOR);

            assertThat(v.intact()).isFalse();
            assertThat(v.firstBadId()).contains(forged);
            assertThat(v.problem().orElseThrow()).contains("no seal").contains("inserted behind the engine's back");
            assertThat(v.sealedEntries()).isEqualTo(3);
        }
    }

    @Test
    void aTailDeletedWithTriggersOffIsFoundByItsAnchorEvenWithItsSealsGone(TestDatabase db) throws Exception {
        try (IntegrityEngine engine = engine(db)) {
            record(engine, 5);
            AuditAnchor anchor = engine.audit().anchor(TestActors.OPERATOR).orElseThrow();
            long fourth = idOf(db, 4);
            assertThat(anchor.id()).isEqualTo(idOf(db, 5));
            assertThat(engine.audit().verify(TestActors.OPERATOR).intact()).isTrue();

            behindTheEnginesBack(db, "DELETE FROM audit_log WHERE id >= " + fourth, "DELETE FROM audit_seals WHERE entry_id >= " + fourth);

            AuditVerification v = engine.audit().verify(TestActors.OPERATOR); // reads the anchor file the engine wrote
            assertThat(v.intact()).isFalse();
            assertThat(v.firstBadId()).contains(anchor.id());
            assertThat(v.problem().orElseThrow()).contains("cut from its end").contains("now ends at entry " + (fourth - 1));
            // and by an anchor kept elsewhere, given by hand
            Path elsewhere = Files.createTempFile("anchors", ".log");
            Files.copy(engine.audit().anchorFile().file(), elsewhere, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.delete(engine.audit().anchorFile().file());
            assertThat(engine.audit().verify(TestActors.OPERATOR).intact()).as("without any anchor the cut does not show").isTrue();
            assertThat(engine.audit().verify(TestActors.OPERATOR, engine.audit().anchorsIn(elsewhere)).firstBadId()).contains(anchor.id());
            assertThat(engine.audit().verify(TestActors.OPERATOR, List.of(AuditAnchor.parse(anchor.text(), "--expect"))).intact()).isFalse();
            Files.delete(elsewhere);
        }
    }

    @Test
    void aTailDeletedWithItsSealsLeftBehindIsFoundWithoutAnyAnchor(TestDatabase db) throws Exception {
        try (IntegrityEngine engine = engine(db)) {
            record(engine, 5);
            long fourth = idOf(db, 4);

            behindTheEnginesBack(db, "DELETE FROM audit_log WHERE id >= " + fourth);

            AuditVerification v = engine.audit().verify(TestActors.OPERATOR);
            assertThat(v.firstBadId()).contains(fourth);
            assertThat(v.problem().orElseThrow()).contains("its seal remains");
        }
    }

    @Test
    void anOldEntryRewrittenWithTheChainRecomputedIsFoundByItsSeal(TestDatabase db) throws Exception {
        try (IntegrityEngine engine = engine(db)) {
            record(engine, 5);
            long second = idOf(db, 2);

            behindTheEnginesBack(db, """
                    DO $$
                    DECLARE e RECORD; prev TEXT;
                    BEGIN
                        SELECT hash INTO prev FROM audit_log WHERE id < %d ORDER BY id DESC LIMIT 1;
                        UPDATE audit_log SET after_state = '{"points": 999999}' WHERE id = %d;
                        FOR e IN SELECT * FROM audit_log WHERE id >= %d ORDER BY id LOOP
                            UPDATE audit_log SET prev_hash = prev, hash = audit_entry_hash(prev, e.occurred_at, e.actor, e.action,
                                   e.target_type, e.target_id, e.before_state, e.after_state, e.details) WHERE id = e.id
                            RETURNING hash INTO prev;
                        END LOOP;
                    END $$""".formatted(second, second, second));

            AuditVerification v = engine.audit().verify(TestActors.OPERATOR);
            assertThat(v.problem().orElse("")).doesNotContain("link").doesNotContain("content no longer matches");
            assertThat(v.firstBadId()).contains(second);
            assertThat(v.problem().orElseThrow()).contains("seal does not match").contains("rewritten");
        }
    }

    @Test
    void theFirstInstanceRegistersItsKeyAndSealsTheEntriesAlreadyThere(TestDatabase db) throws Exception {
        try (IntegrityEngine migrate = IntegrityEngine.start(db.config(), Clock.systemUTC(), ProgressListener.NONE,
                IntegrityEngine.Mode.ONE_SHOT)) {
            assertThat(migrate.audit().verify(TestActors.OPERATOR).sealing()).isFalse();
        }
        try (Connection c = db.connect(); Statement st = c.createStatement()) { // a trail from before seals (V21)
            for (int i = 0; i < 3; i++) {
                st.execute("SELECT audit_append('ops', 'cache.rebuild', NULL, NULL, NULL, NULL, 'before seals')");
            }
        }
        Path key = db.dataDir().resolve("audit.key");
        Files.deleteIfExists(key);

        try (IntegrityEngine engine = engine(db)) {
            assertThat(key).exists();
            assertThat(Files.getPosixFilePermissions(key)).containsExactlyInAnyOrder(
                    java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
            record(engine, 2);
            AuditVerification v = engine.audit().verify(TestActors.OPERATOR);
            assertThat(v.intact()).isTrue();
            assertThat(v.sealing()).isTrue();
            assertThat(v.sealedEntries()).isEqualTo(5);
        }
    }

    @Test
    void anInstanceWithAnotherKeyCannotAuditAndSaysWhichKeyItNeeds(TestDatabase db) throws Exception {
        try (IntegrityEngine engine = engine(db)) {
            record(engine, 1);
        }
        Path otherKey = db.dataDir().resolve("other/audit.key");
        AuditKey.readOrCreate(otherKey);
        try (IntegrityEngine other = IntegrityEngine.start(db.config(Map.of(ConfigKey.AUDIT_KEY_FILE, otherKey.toString(),
                ConfigKey.AUDIT_ANCHOR_INTERVAL, "off")), ProgressListener.NONE)) {
            assertThatThrownBy(() -> record(other, 1)).isInstanceOf(EngineException.class)
                    .hasMessageContaining(otherKey.toString()).hasMessageContaining("is not this deployment's");
            AuditVerification v = other.audit().verify(TestActors.OPERATOR);
            assertThat(v.intact()).isFalse();
            assertThat(v.problem().orElseThrow()).contains("cannot be checked here");
        }
        Path missing = db.dataDir().resolve("nowhere/audit.key");
        try (IntegrityEngine noKey = IntegrityEngine.start(db.config(Map.of(ConfigKey.AUDIT_KEY_FILE, missing.toString(),
                ConfigKey.AUDIT_ANCHOR_INTERVAL, "off")), ProgressListener.NONE)) {
            assertThatThrownBy(() -> record(noKey, 1)).isInstanceOf(EngineException.class)
                    .hasMessageContaining("is not at " + missing).hasMessageContaining("Copy that file");
            assertThat(missing).doesNotExist();
        }
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM audit_log")) {
            rs.next();
            assertThat(rs.getLong(1)).as("no unsealed entry was left by the refused actions").isEqualTo(1);
        }
    }

    @Test
    void anAnchorGivenByHandThatNoLongerHoldsIsNamed(TestDatabase db) throws Exception {
        try (IntegrityEngine engine = engine(db)) {
            record(engine, 2);
            long first = idOf(db, 1);
            assertThat(engine.audit().verify(TestActors.OPERATOR, List.of(AuditAnchor.parse(first + ":" + "a".repeat(64), "--expect")))
                    .problem().orElseThrow()).contains("not the one anchored").contains("rewritten");
            assertThat(engine.audit().verify(TestActors.OPERATOR, List.of(AuditAnchor.parse((first + 9) + ":" + "a".repeat(64), "--expect")))
                    .problem().orElseThrow()).contains("cut from its end");
        }
    }
}
