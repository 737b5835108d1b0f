package org.nstcg.integrity.engine.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.integrity.BuiltInChecks;
import org.nstcg.integrity.engine.integrity.CheckResult;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;

/**
 * Regression (issue 15 §2): every check passed with 0 findings while the referral-codes repair previewed "Would
 * apply 1 change" (a legacy row held for a taken code). The rule, for each repair kind and the check it answers
 * ({@link RepairService#forCheck}): a crafted state is a finding of the check if and only if the repair previews work
 * for it, and after applying it the check passes. The engine is one-shot, so no background recovery or sampling
 * changes the state between the check and the preview.
 */
@IntegrityTest(engine = IntegrityTest.Engine.NONE, perTest = true)
class RepairsMatchTheirChecksIT {

    private static final Actor OPERATOR = Actor.operator("rhea");

    private TestDatabase db;
    private IntegrityEngine engine;
    private List<Long> ids;

    @BeforeEach
    void start(TestDatabase slice) {
        db = slice;
        engine = db.startOneShotEngine();
        ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            RegistrationOutcome o = engine.registration().register(
                    new RegistrationRequest("m" + UUID.randomUUID().toString().substring(0, 8) + "@match.example.org", "Mira", null, null));
            ids.add(((RegistrationOutcome.Registered) o).userId());
        }
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    // The equivalence ----------------------------------------------------------------------------------------------

    private CheckResult check(String name) {
        return engine.checks().run(OPERATOR, List.of(name), ProgressListener.NONE).result(name).orElseThrow();
    }

    private Repair repairFor(String check) {
        return engine.repairs().forCheck(check).orElseThrow();
    }

    /** The check and its repair agree on the data now; returns how many findings (= work) there are. */
    private long agree(String checkName) {
        CheckResult found = check(checkName);
        assertThat(found.status()).as(checkName + " ran").isNotEqualTo(CheckResult.Status.ERROR);
        RepairPlan preview = repairFor(checkName).preview(OPERATOR);
        assertThat(preview.total() > 0).as(checkName + " finds " + found.totalFindings() + " ⇔ " + preview.kind() + " previews "
                + preview.total() + ": " + found.findings() + " / " + preview.changes()).isEqualTo(found.totalFindings() > 0);
        return found.totalFindings();
    }

    /** The planted damage is found, previewed, repaired, and then neither check nor repair has anything left. */
    private void findRepairPass(String checkName) {
        assertThat(agree(checkName)).as(checkName + " finds the planted damage").isPositive();
        RepairPlan applied = repairFor(checkName).apply(OPERATOR, "planted for " + checkName);
        assertThat(applied.total()).isPositive();
        assertThat(check(checkName).status()).as(checkName + " after its repair").isEqualTo(CheckResult.Status.PASSED);
        assertThat(repairFor(checkName).preview(OPERATOR).nothingToDo()).isTrue();
    }

    /** Neither the check nor its repair sees anything in the crafted state. */
    private void neither(String checkName) {
        assertThat(agree(checkName)).as(checkName + " and its repair both leave it alone").isZero();
    }

    // referral-code-uniqueness ⇔ referral-codes --------------------------------------------------------------------

    @Test
    void aUserSharingACodeIsFoundAndRepaired() throws Exception {
        String code = text("SELECT referral_code FROM users WHERE id = " + ids.get(0));
        sql("ALTER TABLE users DROP CONSTRAINT users_referral_code_uk",
                "ALTER TABLE users DISABLE TRIGGER users_register_referral_code",
                "UPDATE users SET referral_code = '" + code + "' WHERE id = " + ids.get(3),
                "ALTER TABLE users ENABLE TRIGGER users_register_referral_code");
        findRepairPass(BuiltInChecks.REFERRAL_CODE_UNIQUENESS);
    }

    @Test
    void aLegacyRowHeldForATakenReferralCodeIsAFindingOfReferralCodeUniqueness() throws Exception {
        String taken = text("SELECT referral_code FROM users WHERE id = " + ids.get(0));
        importCsv("lena.legacy@example.org,Lena,Old," + taken + ",25,,2020-01-02T03:04:05Z\n");

        CheckResult found = check(BuiltInChecks.REFERRAL_CODE_UNIQUENESS);
        assertThat(found.findings()).singleElement().satisfies(f -> {
            assertThat(f.message()).contains("lena.legacy@example.org").contains(taken).contains("already issued");
            assertThat(f.details().path("kind").asText()).isEqualTo("legacy.held-for-code");
            assertThat(f.affectedIds()).containsExactly(ids.get(0));
        });
        findRepairPass(BuiltInChecks.REFERRAL_CODE_UNIQUENESS);
    }

    // email-uniqueness ⇔ duplicate-emails --------------------------------------------------------------------------

    @Test
    void activeUsersSharingAMailboxAreFoundAndRepaired() throws Exception {
        String mailbox = text("SELECT email_normalized FROM users WHERE id = " + ids.get(0));
        sql("DROP INDEX users_email_normalized_active_uk",
                "UPDATE users SET email_normalized = '" + mailbox + "' WHERE id = " + ids.get(1));
        findRepairPass(BuiltInChecks.EMAIL_UNIQUENESS);
    }

    @Test
    void aLegacyRowHeldForAnActiveUsersMailboxIsAFindingOfEmailUniqueness() throws Exception {
        String email = text("SELECT email FROM users WHERE id = " + ids.get(0));
        importCsv(email.toUpperCase() + ",Rita,Old,LEGACY01,30,,2020-01-02T03:04:05Z\n");

        CheckResult found = check(BuiltInChecks.EMAIL_UNIQUENESS);
        assertThat(found.findings()).singleElement().satisfies(f -> {
            assertThat(f.message()).contains("belongs to active user " + ids.get(0));
            assertThat(f.details().path("kind").asText()).isEqualTo("legacy.held-for-mailbox");
            assertThat(f.affectedIds()).containsExactly(ids.get(0));
        });
        findRepairPass(BuiltInChecks.EMAIL_UNIQUENESS);
    }

    // orphans ⇔ missing-profile ------------------------------------------------------------------------------------

    @Test
    void aUserWithoutAProfileIsFoundAndRepaired() throws Exception {
        sql("DELETE FROM gamification_profiles WHERE user_id = " + ids.get(2));
        findRepairPass(BuiltInChecks.ORPHANS);
    }

    @Test
    void aUserWhoseRegistrationIsStillRunningIsLeftToItsSagaByBoth() throws Exception {
        UUID saga = runningSaga("inflight@match.example.org");
        sql("UPDATE users SET created_by_saga = '" + saga + "' WHERE id = " + ids.get(2),
                "DELETE FROM gamification_profiles WHERE user_id = " + ids.get(2));
        neither(BuiltInChecks.ORPHANS);
    }

    // points-ledger ⇔ points ---------------------------------------------------------------------------------------

    @Test
    void pointsThatDriftedFromTheLedgerAreFoundAndRepaired() throws Exception {
        neither(BuiltInChecks.POINTS_LEDGER);
        sql("ALTER TABLE gamification_profiles DISABLE TRIGGER USER",
                "UPDATE gamification_profiles SET points = points + 3 WHERE user_id = " + ids.get(1),
                "ALTER TABLE gamification_profiles ENABLE TRIGGER USER");
        findRepairPass(BuiltInChecks.POINTS_LEDGER);
    }

    // referral-count ⇔ referral-count ------------------------------------------------------------------------------

    @Test
    void aWrongReferralCountIsFoundAndRepaired() throws Exception {
        sql("UPDATE gamification_profiles SET referral_count = 4 WHERE user_id = " + ids.get(0));
        findRepairPass(BuiltInChecks.REFERRAL_COUNT);
    }

    @Test
    void theFrozenCountOfAnArchivedUserIsLeftAloneByBoth() throws Exception {
        sql("UPDATE gamification_profiles SET referral_count = 4 WHERE user_id = " + ids.get(0),
                "UPDATE users SET status = 'archived' WHERE id = " + ids.get(0));
        neither(BuiltInChecks.REFERRAL_COUNT);
    }

    @Test
    void aReferralWhoseSagaHasNotRecordedItsCompletionYetIsCountedByBoth() throws Exception {
        UUID saga = runningSaga("referred@match.example.org");
        // The user row and the referrer's count commit in one statement; the saga reads RUNNING until its completion
        // record is written a few milliseconds later. Neither may take the count back in that window.
        sql("UPDATE users SET referred_by = " + ids.get(0) + ", created_by_saga = '" + saga + "' WHERE id = " + ids.get(1),
                "UPDATE gamification_profiles SET referral_count = referral_count + 1 WHERE user_id = " + ids.get(0));
        neither(BuiltInChecks.REFERRAL_COUNT);
    }

    // stuck-sagas ⇔ sagas ------------------------------------------------------------------------------------------

    @Test
    void aSagaWhoseOwnerLostItsLeaseLongAgoIsFoundAndRepaired() throws Exception {
        insertSaga("lost@match.example.org", "now() - interval '1 hour'");
        findRepairPass(BuiltInChecks.STUCK_SAGAS);
    }

    @Test
    void aSagaWhoseLeaseHasJustExpiredIsRecoverysNotAFindingNorARepair() throws Exception {
        // saga.recovery-interval is 10 s: a lease expired 2 s ago is recovery's to take over, not stuck yet.
        insertSaga("late@match.example.org", "now() - interval '2 seconds'");
        neither(BuiltInChecks.STUCK_SAGAS);
    }

    // cache-consistency ⇔ cache ------------------------------------------------------------------------------------

    @Test
    void aSoundCacheOffersNoRebuildAndALostInvalidationIsFoundAndRepaired() throws Exception {
        for (long id : ids) {
            engine.cache().user(id);
        }
        neither(BuiltInChecks.CACHE_CONSISTENCY);

        sql("UPDATE gamification_profiles SET referral_count = referral_count WHERE user_id = " + ids.get(0)); // version moves, no invalidation
        findRepairPass(BuiltInChecks.CACHE_CONSISTENCY);
    }

    @Test
    void withRedisDownTheCheckCannotRunAndTheRepairOffersNoWork() {
        engine.close();
        engine = IntegrityEngine.start(db.config(Map.of(ConfigKey.REDIS_URL, "redis://127.0.0.1:" + TestServers.freePort(),
                ConfigKey.REDIS_TIMEOUT, "200ms")), Clock.systemUTC(), ProgressListener.NONE, IntegrityEngine.Mode.ONE_SHOT);

        assertThat(engine.checks().run(OPERATOR, List.of(BuiltInChecks.CACHE_CONSISTENCY), ProgressListener.NONE)
                .result(BuiltInChecks.CACHE_CONSISTENCY)).hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(CheckResult.Status.ERROR));
        assertThatThrownBy(() -> repairFor(BuiltInChecks.CACHE_CONSISTENCY).preview(OPERATOR))
                .isInstanceOf(EngineException.class).hasMessageContaining("Redis did not answer");
    }

    // Crafting -----------------------------------------------------------------------------------------------------

    private void importCsv(String rows) throws Exception {
        String csv = "email,first_name,last_name,referral_code,points,referred_by_code,created_at\n" + rows;
        var result = engine.dedup().importer().importCsv(new StringReader(csv), "legacy.csv", Actor.operator("sam"), 1, ProgressListener.NONE);
        assertThat(result.held()).isEqualTo(1);
    }

    /** A registration saga still running on a live instance (its lease far ahead): not stuck, not to be repaired. */
    private UUID runningSaga(String mailbox) throws SQLException {
        return insertSaga(mailbox, "now() + interval '1 hour'");
    }

    private UUID insertSaga(String mailbox, String leaseExpiresAt) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO sagas (id, saga_type, business_key,"
                + " status, current_step, step_count, owner_instance, lease_expires_at, data) VALUES (?, 'registration', ?,"
                + " 'RUNNING', 0, 5, 'elsewhere', " + leaseExpiresAt + ", ?::jsonb)")) {
            ps.setObject(1, id);
            ps.setString(2, mailbox);
            ps.setString(3, "{\"email\":\"" + mailbox + "\",\"mailbox\":\"" + mailbox + "\",\"firstName\":\"Mira\","
                    + "\"lastName\":null,\"referrerId\":null,\"referralGiven\":false,\"referralShown\":null}");
            ps.executeUpdate();
        }
        return id;
    }

    private void sql(String... statements) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private String text(String query) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
