package org.nstcg.integrity.engine.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;

/** The legacy import against real PostgreSQL: bad rows reported by line, collisions held (not lost), the rest promoted. */
@IntegrityTest(perTest = true)
class LegacyImportIT {

    static final String HEADER = "email,first_name,last_name,referral_code,points,referred_by_code,created_at\n";
    static final String FILE = HEADER
            + "ada@example.org,Ada,Lovelace,ada-0001,100,,2020-01-02\n"                          // 2 imported
            + "not-an-email,Bob,,,,,\n"                                                         // 3 bad email
            + "grace@example.org,Grace,Hopper,grace-7,50,ADA-0001,2020-02-03T10:00:00Z\n"         // 4 imported, referred by line 2
            + "ADA@Example.org,Ada,L,,10,,\n"                                                  // 5 held: mailbox of line 2
            + "tab@example.org,\"Bad\tName\",,,,,\n"                                           // 6 bad name
            + "pts@example.org,Pat,,,abc,,\n"                                                  // 7 bad points
            + "date@example.org,Dee,,,,,2020-13-45\n"                                          // 8 bad date
            + "dup@example.org,Dup,,GRACE-7,5,,\n"                                             // 9 held: code of line 4
            + "\"multi\nline@example.org\",X,,,,,\n"                                           // 10-11 bad email
            + "code@example.org,Cody,,bad code!,7,bad code!,\n"                                // 12 imported, fresh code
            + "existing@example.org,Ex,,,3,,\n"                                                // 13 held: registered user
            + ",NoMail,,,,,\n"                                                                 // 14 bad: empty email
            + "long@example.org," + "x".repeat(101) + ",,,,,\n"                                 // 15 bad: oversized name
            + "few@example.org,Few\n";                                                         // 16 bad: 2 fields

    private TestDatabase db;
    private IntegrityEngine engine;

    @BeforeEach
    void start(TestDatabase slice, IntegrityEngine started) {
        db = slice;
        engine = started;
    }

    private ImportResult importText(String text) throws Exception {
        List<Long> progress = new ArrayList<>();
        ImportResult r = engine.dedup().importer().importCsv(new StringReader(text), "legacy.csv", Actor.operator("alice"), -1,
                (m, done, total) -> progress.add(done));
        assertThat(progress).isNotEmpty();
        return r;
    }

    @Test
    void badRowsAreReportedByLineCollisionsAreHeldAndTheRestIsImported() throws Exception {
        assertThat(engine.registration().register(new RegistrationRequest("existing@example.org", "Ex", null, null)))
                .isInstanceOf(RegistrationOutcome.Registered.class);

        ImportResult r = importText(FILE);

        assertThat(r.rows()).isEqualTo(14);
        assertThat(r.badRows()).extracting(ImportResult.BadRow::line).containsExactly(3, 6, 7, 8, 10, 14, 15, 16);
        assertThat(r.badRows().get(0).reason()).startsWith("email ");
        assertThat(r.badRows().get(1).reason()).contains("first_name contains an invisible or control character");
        assertThat(r.badRows().get(2).reason()).contains("points 'abc'");
        assertThat(r.badRows().get(3).reason()).contains("created_at '2020-13-45'");
        assertThat(r.badRows().get(6).reason()).contains("longer than 100");
        assertThat(r.badRows().get(7).reason()).contains("2 fields where the header has 7");
        assertThat(r.imported()).isEqualTo(3);
        assertThat(r.held()).isEqualTo(3);
        assertThat(r.invalid()).isEqualTo(8);
        assertThat(r.codesReissued()).isEqualTo(1);
        assertThat(r.heldRows()).extracting(ImportResult.HeldRow::line).containsExactly(5, 9, 13);
        assertThat(r.heldRows().get(0).reason()).contains("also on line 2");
        assertThat(r.heldRows().get(1).reason()).contains("GRACE-7 is also on line 4");
        assertThat(r.heldRows().get(2).reason()).contains("belongs to active user");

        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            long ada = scalar(st, "SELECT id FROM users WHERE email_normalized = 'ada@example.org'");
            long grace = scalar(st, "SELECT id FROM users WHERE email_normalized = 'grace@example.org'");
            assertThat(scalar(st, "SELECT count(*) FROM users WHERE referral_code = 'ADA-0001' AND id = " + ada)).isEqualTo(1);
            assertThat(scalar(st, "SELECT count(*) FROM referral_codes WHERE code = 'GRACE-7' AND user_id = " + grace + " AND kind = 'primary'")).isEqualTo(1);
            assertThat(scalar(st, "SELECT referred_by FROM users WHERE id = " + grace)).isEqualTo(ada);
            assertThat(scalar(st, "SELECT referral_count FROM gamification_profiles WHERE user_id = " + ada)).isEqualTo(1);
            assertThat(scalar(st, "SELECT points FROM gamification_profiles WHERE user_id = " + ada)).isEqualTo(100);
            assertThat(scalar(st, "SELECT sum(delta) FROM points_ledger WHERE user_id = " + ada + " AND reason = 'import'")).isEqualTo(100);
            assertThat(scalar(st, "SELECT extract(year FROM created_at)::int FROM users WHERE id = " + grace)).isEqualTo(2020);
            // the fresh code: a generated one; the legacy text kept in staging; referred_by_code resolved via the legacy text (itself)
            assertThat(scalar(st, "SELECT count(*) FROM users u JOIN legacy_users l ON l.user_id = u.id WHERE l.legacy_code = 'bad code!'"
                    + " AND l.code_reissued AND u.referral_code ~ '^[A-Z]{4}-' AND u.referred_by IS NULL")).isEqualTo(1);
            // held rows keep what the file said, with whom they collide
            long existing = scalar(st, "SELECT id FROM users WHERE email_normalized = 'existing@example.org'");
            assertThat(scalar(st, "SELECT collides_with FROM legacy_users WHERE status = 'held' AND line_no = 13")).isEqualTo(existing);
            assertThat(scalar(st, "SELECT collides_with FROM legacy_users WHERE status = 'held' AND line_no = 5")).isEqualTo(ada);
            assertThat(scalar(st, "SELECT collides_with FROM legacy_users WHERE status = 'held' AND line_no = 9")).isEqualTo(grace);
            assertThat(scalar(st, "SELECT points FROM legacy_users WHERE line_no = 9")).isEqualTo(5);
            assertThat(scalar(st, "SELECT count(*) FROM legacy_users")).isEqualTo(14);
            assertThat(scalar(st, "SELECT count(*) FROM audit_log WHERE action = 'user.import' AND actor = 'alice'")).isEqualTo(1);
            assertThat(scalar(st, "SELECT imported * 100 + held * 10 + invalid FROM legacy_imports")).isEqualTo(3 * 100 + 3 * 10 + 8);
        }
        assertThat(engine.audit().verify(TestActors.OPERATOR).intact()).isTrue();
    }

    @Test
    void aSecondImportOfTheSameFileHoldsEveryRowAgainstTheFirst() throws Exception {
        importText(FILE);
        ImportResult again = importText(FILE);
        assertThat(again.imported()).isZero();
        assertThat(again.held()).isEqualTo(6);
        assertThat(again.invalid()).isEqualTo(8);
    }

    @Test
    void aWrongHeaderImportsNothingAndNamesTheColumn() throws Exception {
        assertThatThrownBy(() -> importText("email,first_name,phone\na@example.org,A,1\n"))
                .isInstanceOf(LegacyImportException.class).hasMessageContaining("unknown column 'phone'");
        assertThatThrownBy(() -> importText("email,last_name\na@example.org,A\n"))
                .isInstanceOf(LegacyImportException.class).hasMessageContaining("no 'first_name' column");
        assertThatThrownBy(() -> engine.dedup().importer().importCsv(new StringReader(""), "empty.csv", Actor.operator("alice"), -1, ProgressListener.NONE))
                .isInstanceOf(LegacyImportException.class).hasMessageContaining("is empty");
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            assertThat(scalar(st, "SELECT count(*) FROM legacy_imports")).isZero();
        }
    }

    @Test
    void aFailingPromotionLeavesNothingBehind() throws Exception {
        // A trigger that fails the ledger insert makes promotion fail after the COPY and the user inserts.
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE FUNCTION fail_import() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " IF NEW.reason = 'import' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$");
            st.execute("CREATE TRIGGER fail_import BEFORE INSERT ON points_ledger FOR EACH ROW EXECUTE FUNCTION fail_import()");
        }
        assertThatThrownBy(() -> importText(FILE)).hasMessageContaining("nothing was imported");
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            assertThat(scalar(st, "SELECT count(*) FROM users")).isZero();
            assertThat(scalar(st, "SELECT count(*) FROM legacy_users")).isZero();
            assertThat(scalar(st, "SELECT count(*) FROM referral_codes")).isZero();
            assertThat(scalar(st, "SELECT count(*) FROM audit_log")).isZero();
        }
    }

    @Test
    void anOversizedFieldRefusesTheWholeFileNamingItsLineAndImportsNothing() throws Exception {
        String file = HEADER + "ok@example.org,Ok,,,1,,\n" + "big@example.org,Big," + "x".repeat(5000) + ",,,,\n";
        assertThatThrownBy(() -> importText(file)).isInstanceOf(LegacyImportException.class)
                .hasMessageStartingWith("Line 3: field 3 is longer than 4096 characters");
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            assertThat(scalar(st, "SELECT count(*) FROM users")).isZero();
            assertThat(scalar(st, "SELECT count(*) FROM legacy_users")).isZero();
            assertThat(scalar(st, "SELECT count(*) FROM legacy_imports")).isZero();
            assertThat(scalar(st, "SELECT count(*) FROM audit_log")).isZero();
        }
    }

    @Test
    void importingDevZeroEndsAtOnceWithASentence() {
        java.nio.file.Path zero = java.nio.file.Path.of("/dev/zero");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(zero));
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () ->
                assertThatThrownBy(() -> engine.dedup().importer().importFile(zero, Actor.operator("alice"), ProgressListener.NONE))
                        .isInstanceOf(LegacyImportException.class).hasMessageStartingWith("Line 1 contains a NUL character"));
    }

    @Test
    void aDateBeyondWhatPostgresqlStoresIsABadRowNotAFailedImport() throws Exception {
        ImportResult r = importText(HEADER + "ok@example.org,Ok,,,1,,2021-01-01\n" + "far@example.org,Far,,,1,,+300000-01-01\n"
                + "old@example.org,Old,,,1,,1970-01-01\n");
        assertThat(r.imported()).isEqualTo(1);
        assertThat(r.badRows()).extracting(ImportResult.BadRow::line).containsExactly(3, 4);
        assertThat(r.badRows().get(0).reason()).contains("in the future");
        assertThat(r.badRows().get(1).reason()).contains("before 2000-01-01");
    }

    static long scalar(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void codesThatNeedMoreSequenceValuesThanABlockHoldsAreStillIssued() throws Exception {
        // A blocklist that refuses most codes: each code skips several sequence values, so codes keep straddling the
        // importer's blocks of 1,000 values (it used to throw "sequence block exhausted" there).
        var generator = new org.nstcg.integrity.engine.referral.ReferralCodeGenerator(
                new org.nstcg.integrity.engine.referral.FeistelPermutation(
                        org.nstcg.integrity.engine.store.EngineSecrets.getOrCreate(engine.database().jdbc(), "referral-key")),
                org.nstcg.integrity.engine.referral.Blocklist.of(List.of("A", "E", "K", "M", "R", "T")), true);
        LegacyImporter importer = new LegacyImporter(engine.database().jdbc(), engine.emails(), generator, engine.auditTrail(),
                engine.cache().coordinator(), new com.fasterxml.jackson.databind.ObjectMapper(), java.time.Clock.systemUTC());
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 0; i < 400; i++) {
            csv.append("fresh").append(i).append("@codes.example.org,Zoe,,,0,,\n");
        }
        ImportResult r = importer.importCsv(new StringReader(csv.toString()), "fresh.csv", Actor.operator("alice"), 400, ProgressListener.NONE);

        assertThat(r.imported()).isEqualTo(400);
        assertThat(r.codesReissued()).isEqualTo(400);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            assertThat(scalar(st, "SELECT last_value FROM referral_code_seq")).as("several blocks were drawn").isGreaterThan(2000);
            assertThat(scalar(st, "SELECT count(DISTINCT referral_code) FROM users")).isEqualTo(400);
        }
    }
}
