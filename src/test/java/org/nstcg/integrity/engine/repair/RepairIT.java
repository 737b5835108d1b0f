package org.nstcg.integrity.engine.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.AccessDeniedException;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.engine.audit.AuditEntry;
import org.nstcg.integrity.engine.cache.CacheKeys;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.engine.saga.SagaStatus;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestAccounts;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;

/**
 * Each repair against planted corruption in a real database: the preview lists exactly the planted damage and writes
 * nothing, applying fixes it and is audited, and afterwards there is nothing left to repair.
 */
@IntegrityTest(engine = IntegrityTest.Engine.NONE, perTest = true)
class RepairIT {

    private TestDatabase db;
    private IntegrityEngine engine;

    @BeforeEach
    void start(TestDatabase slice) {
        db = slice;
        engine = db.startEngine();
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    private List<Long> users(int n) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RegistrationOutcome o = engine.registration().register(
                    new RegistrationRequest("r" + UUID.randomUUID().toString().substring(0, 8) + "@repair.example.org", "Rita", null, null));
            ids.add(((RegistrationOutcome.Registered) o).userId());
        }
        return ids;
    }

    private void sql(String... statements) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private long number(String query) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Repair repair(String kind) {
        return engine.repairs().find(kind).orElseThrow();
    }

    private List<String> targets(RepairPlan plan) {
        return plan.changes().stream().map(PlannedChange::targetId).toList();
    }

    private AuditEntry lastAudit(String action) throws SQLException {
        return engine.audit().list(TestActors.OPERATOR, Optional.empty(), Optional.of(action), Optional.empty(), Optional.empty(), 1).get(0);
    }

    @Test
    void everyCheckWithARepairNamesOneThatExists() {
        for (String check : org.nstcg.integrity.engine.integrity.BuiltInChecks.NAMES) {
            Optional<Repair> r = engine.repairs().forCheck(check);
            if (!check.equals("outbox-backlog")) {
                assertThat(r).as("repair for " + check).isPresent();
            }
        }
        assertThat(engine.repairs().forCheck("points-ledger").orElseThrow().kind()).isEqualTo("points");
        assertThat(engine.repairs().forCheck("outbox-backlog")).isEmpty();
    }

    @Test
    void activeUsersSharingAMailboxAreMergedIntoTheEarliestKeepingEveryPoint() throws Exception {
        List<Long> ids = users(3);
        String mailbox = shareMailbox(ids.get(0), ids.get(2));
        long pointsBefore = number("SELECT sum(points) FROM gamification_profiles");

        RepairPlan preview = repair("duplicate-emails").preview(TestActors.OPERATOR);
        assertThat(targets(preview)).containsExactly(ids.get(2).toString());
        assertThat(preview.changes().get(0).summary()).contains("would be merged into user " + ids.get(0)).containsPattern("\\d+ points? moved");
        assertThat(number("SELECT count(*) FROM users WHERE status = 'merged'")).isZero();

        repair("duplicate-emails").apply(Actor.operator("sam"), "same person");

        assertThat(number("SELECT merged_into FROM users WHERE id = " + ids.get(2) + " AND status = 'merged'")).isEqualTo(ids.get(0));
        assertThat(number("SELECT count(*) FROM users WHERE status = 'active' AND email_normalized = '" + mailbox + "'")).isEqualTo(1);
        assertThat(number("SELECT sum(points) FROM gamification_profiles")).isEqualTo(pointsBefore);
        assertThat(number("SELECT points FROM gamification_profiles WHERE user_id = " + ids.get(0))).isEqualTo(20);
        assertThat(repair("duplicate-emails").preview(TestActors.OPERATOR).nothingToDo()).isTrue();
    }

    /**
     * Permissions are the engine's: an operator may apply the duplicate-email repair, which merges on its behalf,
     * but may not merge users directly; support may merge but not apply repairs. Refusals change nothing.
     */
    @Test
    void theDuplicateEmailRepairMergesOnBehalfOfAnOperatorWhoMayNotMergeDirectly() throws Exception {
        List<Long> ids = users(2);
        shareMailbox(ids.get(0), ids.get(1));
        Actor operator = Actor.of(TestAccounts.signIn(engine, Role.OPERATOR));
        Actor support = Actor.of(TestAccounts.signIn(engine, Role.SUPPORT));

        assertThatThrownBy(() -> engine.dedup().merges().merge(ids.get(0), ids.get(1), operator, "same person"))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> repair("duplicate-emails").apply(support, "same person")).isInstanceOf(AccessDeniedException.class);
        assertThat(number("SELECT count(*) FROM users WHERE status = 'merged'")).isZero();

        repair("duplicate-emails").apply(operator, "same person");

        assertThat(number("SELECT merged_into FROM users WHERE id = " + ids.get(1) + " AND status = 'merged'")).isEqualTo(ids.get(0));
        assertThat(lastAudit("user.merge").actor()).isEqualTo(TestAccounts.username(Role.OPERATOR));
    }

    @Test
    void aLegacyRowHeldForATakenMailboxIsFoldedIntoItsUserWithItsPointsAndCode() throws Exception {
        List<Long> ids = users(1);
        String email;
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            email = text(st, "SELECT email FROM users WHERE id = " + ids.get(0));
        }
        String csv = "email,first_name,last_name,referral_code,points,referred_by_code,created_at\n"
                + email.toUpperCase() + ",Rita,Old,LEGACY01,30,,2020-01-02T03:04:05Z\n"
                + "someone.else@repair.example.org,Sam,New,LEGACY02,5,,2020-01-02T03:04:05Z\n";
        var result = engine.dedup().importer().importCsv(new java.io.StringReader(csv), "legacy.csv", Actor.operator("sam"), 2,
                org.nstcg.integrity.engine.support.ProgressListener.NONE);
        assertThat(result.held()).isEqualTo(1);
        assertThat(result.imported()).isEqualTo(1);

        RepairPlan preview = repair("duplicate-emails").preview(TestActors.OPERATOR);
        assertThat(preview.total()).isEqualTo(1);
        assertThat(preview.changes().get(0).summary()).contains("would be folded into user " + ids.get(0)).contains("+30 points");

        repair("duplicate-emails").apply(Actor.operator("sam"), "legacy duplicate");

        assertThat(number("SELECT points FROM gamification_profiles WHERE user_id = " + ids.get(0))).isEqualTo(40);
        assertThat(number("SELECT count(*) FROM points_ledger WHERE user_id = " + ids.get(0) + " AND reason = 'legacy.merge' AND delta = 30"))
                .isEqualTo(1);
        assertThat(number("SELECT user_id FROM referral_codes WHERE code = 'LEGACY01' AND kind = 'alias'")).isEqualTo(ids.get(0));
        assertThat(number("SELECT count(*) FROM legacy_users WHERE status = 'held'")).isZero();
        assertThat(repair("duplicate-emails").preview(TestActors.OPERATOR).nothingToDo()).isTrue();
        assertThat(lastAudit("repair.duplicate-emails").actor()).isEqualTo("sam");
    }

    @Test
    void aLegacyRowHeldForATakenReferralCodeIsImportedWithANewCodeAndTheUserIsNotified() throws Exception {
        List<Long> ids = users(1);
        String taken = engine.cache().user(ids.get(0)).orElseThrow().value().referralCode();
        String csv = "email,first_name,last_name,referral_code,points,referred_by_code,created_at\n"
                + "lena.legacy@example.org,Lena,Old," + taken + ",25,,2020-01-02T03:04:05Z\n";
        var result = engine.dedup().importer().importCsv(new java.io.StringReader(csv), "codes.csv", Actor.operator("sam"), 1,
                org.nstcg.integrity.engine.support.ProgressListener.NONE);
        assertThat(result.held()).isEqualTo(1);

        RepairPlan preview = repair("referral-codes").preview(TestActors.OPERATOR);
        assertThat(preview.total()).isEqualTo(1);
        assertThat(preview.changes().get(0).summary()).contains("lena.legacy@example.org").contains("would be imported")
                .contains("instead of the taken code " + taken);
        assertThat(number("SELECT count(*) FROM users WHERE email_normalized = 'lena.legacy@example.org'")).isZero();

        repair("referral-codes").apply(Actor.operator("sam"), "legacy code conflicts");

        long lena = number("SELECT id FROM users WHERE email_normalized = 'lena.legacy@example.org' AND status = 'active'");
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            String code = text(st, "SELECT referral_code FROM users WHERE id = " + lena);
            assertThat(code).isNotEqualTo(taken).matches("LENA-[0-9A-HJKMNP-TV-Z]{9}");
            assertThat(text(st, "SELECT payload->>'oldCode' || ' ' || (payload->>'newCode') FROM outbox_events"
                    + " WHERE event_type = 'referral.code_changed' AND aggregate_id = '" + lena + "'")).isEqualTo(taken + " " + code);
            assertThat(text(st, "SELECT user_id::text FROM referral_codes WHERE code = '" + taken + "'")).isEqualTo(ids.get(0).toString());
        }
        assertThat(number("SELECT points FROM gamification_profiles WHERE user_id = " + lena)).isEqualTo(25);
        assertThat(number("SELECT count(*) FROM legacy_users WHERE status = 'imported' AND user_id = " + lena)).isEqualTo(1);
        assertThat(repair("referral-codes").preview(TestActors.OPERATOR).nothingToDo()).isTrue();
    }

    @Test
    void pointsThatDriftedFromTheLedgerAreSetBackToItsSum() throws Exception {
        List<Long> ids = users(4);
        sql("ALTER TABLE gamification_profiles DISABLE TRIGGER USER",
                "UPDATE gamification_profiles SET points = points + 7 WHERE user_id IN (" + ids.get(1) + ", " + ids.get(3) + ")",
                "ALTER TABLE gamification_profiles ENABLE TRIGGER USER");

        RepairPlan preview = repair("points").preview(TestActors.OPERATOR);
        assertThat(preview.applied()).isFalse();
        assertThat(targets(preview)).containsExactly(ids.get(1).toString(), ids.get(3).toString());
        assertThat(preview.changes().get(0).summary()).contains("points 17 → 10");
        assertThat(number("SELECT points FROM gamification_profiles WHERE user_id = " + ids.get(1))).as("dry run wrote nothing").isEqualTo(17);

        RepairPlan applied = repair("points").apply(Actor.operator("olga"), "points drifted");
        assertThat(applied.total()).isEqualTo(2);
        assertThat(number("SELECT count(*) FROM gamification_profiles p WHERE points <> (SELECT sum(delta) FROM points_ledger l"
                + " WHERE l.user_id = p.user_id)")).isZero();
        assertThat(repair("points").preview(TestActors.OPERATOR).nothingToDo()).isTrue();
        AuditEntry audit = lastAudit("repair.points");
        assertThat(audit.actor()).isEqualTo("olga");
        assertThat(audit.after().orElseThrow().path("changes").asLong()).isEqualTo(2);
        assertThat(engine.audit().verify(TestActors.OPERATOR).intact()).isTrue();
    }

    @Test
    void pointsAndReferralCountsAreJudgedAndRepairedAsRowPlusStripes() throws Exception {
        List<Long> ids = users(3);
        long drifted = ids.get(0);
        long striped = ids.get(1);
        sql("ALTER TABLE profile_credit_stripes DISABLE TRIGGER USER",
                "ALTER TABLE points_ledger DISABLE TRIGGER points_ledger_applies_inserts",
                // drifted: 30 striped points and 2 striped referrals that nothing explains
                "INSERT INTO profile_credit_stripes (user_id, stripe, points, referral_count) VALUES (" + drifted + ", 3, 30, 2)",
                // striped: 5 points in a stripe with the ledger entry that brought them, as the ledger trigger leaves it
                "INSERT INTO profile_credit_stripes (user_id, stripe, points) VALUES (" + striped + ", 4, 5)",
                "INSERT INTO points_ledger (user_id, delta, reason, idempotency_key) VALUES (" + striped + ", 5, 'test.award', 'striped-" + striped + "')",
                "ALTER TABLE points_ledger ENABLE TRIGGER points_ledger_applies_inserts",
                "ALTER TABLE profile_credit_stripes ENABLE TRIGGER USER");

        RepairPlan points = repair("points").preview(TestActors.OPERATOR);
        assertThat(targets(points)).containsExactly(Long.toString(drifted));
        assertThat(points.changes().get(0).summary()).contains("points 40 → 10");
        RepairPlan referrals = repair("referral-count").preview(TestActors.OPERATOR);
        assertThat(targets(referrals)).containsExactly(Long.toString(drifted));
        assertThat(referrals.changes().get(0).summary()).contains("referral count 2 → 0");

        repair("points").apply(Actor.operator("olga"), "stripes drifted");
        repair("referral-count").apply(Actor.operator("olga"), "stripes drifted");

        assertThat(number("SELECT points FROM profile_totals WHERE user_id = " + drifted)).isEqualTo(10);
        assertThat(number("SELECT referral_count FROM profile_totals WHERE user_id = " + drifted)).isZero();
        assertThat(number("SELECT coalesce(sum(points + referral_count), 0) FROM profile_credit_stripes WHERE user_id = " + drifted))
                .as("its stripes cleared, the row holds the figures").isZero();
        assertThat(number("SELECT points FROM gamification_profiles WHERE user_id = " + drifted)).isEqualTo(10);
        assertThat(number("SELECT points FROM profile_totals WHERE user_id = " + striped)).isEqualTo(15);
        assertThat(number("SELECT points FROM profile_credit_stripes WHERE user_id = " + striped)).as("left alone").isEqualTo(5);
        assertThat(repair("points").preview(TestActors.OPERATOR).nothingToDo()).isTrue();
        assertThat(repair("referral-count").preview(TestActors.OPERATOR).nothingToDo()).isTrue();
    }

    @Test
    void aMissingProfileIsRecreatedFromTheLedger() throws Exception {
        List<Long> ids = users(3);
        sql("DELETE FROM gamification_profiles WHERE user_id = " + ids.get(2));

        assertThat(targets(repair("missing-profile").preview(TestActors.OPERATOR))).containsExactly(ids.get(2).toString());
        repair("missing-profile").apply(Actor.operator("olga"), "profile lost");

        assertThat(number("SELECT points FROM gamification_profiles WHERE user_id = " + ids.get(2))).isEqualTo(10);
        assertThat(repair("missing-profile").preview(TestActors.OPERATOR).nothingToDo()).isTrue();
    }

    @Test
    void aWrongReferralCountIsSetToTheNumberOfUsersReferred() throws Exception {
        List<Long> ids = users(2);
        String code = engine.cache().user(ids.get(0)).orElseThrow().value().referralCode();
        engine.registration().register(new RegistrationRequest("friend1@repair.example.org", "Fred", null, code));
        sql("UPDATE gamification_profiles SET referral_count = 5 WHERE user_id = " + ids.get(0),
                "UPDATE gamification_profiles SET referral_count = 2 WHERE user_id = " + ids.get(1));

        RepairPlan preview = repair("referral-count").preview(TestActors.OPERATOR);
        assertThat(targets(preview)).containsExactly(ids.get(0).toString(), ids.get(1).toString());
        repair("referral-count").apply(Actor.operator("olga"), "counts drifted");

        assertThat(number("SELECT referral_count FROM gamification_profiles WHERE user_id = " + ids.get(0))).isEqualTo(1);
        assertThat(number("SELECT referral_count FROM gamification_profiles WHERE user_id = " + ids.get(1))).isZero();
    }

    @Test
    void aSharedReferralCodeStaysWithItsRegisteredOwnerAndTheOtherUserGetsANewOneAndIsNotified() throws Exception {
        List<Long> ids = users(2);
        long owner = ids.get(0);
        long intruder = ids.get(1);
        String ownerCode;
        String intruderOld;
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            ownerCode = text(st, "SELECT referral_code FROM users WHERE id = " + owner);
            intruderOld = text(st, "SELECT referral_code FROM users WHERE id = " + intruder);
        }
        sql("ALTER TABLE users DROP CONSTRAINT users_referral_code_uk",
                "ALTER TABLE users DISABLE TRIGGER users_register_referral_code",
                "UPDATE users SET referral_code = '" + ownerCode + "' WHERE id = " + intruder,
                "ALTER TABLE users ENABLE TRIGGER users_register_referral_code");

        RepairPlan preview = repair("referral-codes").preview(TestActors.OPERATOR);
        assertThat(targets(preview)).containsExactly(Long.toString(intruder));
        repair("referral-codes").apply(Actor.operator("olga"), "legacy code conflict");

        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            String intruderNew = text(st, "SELECT referral_code FROM users WHERE id = " + intruder);
            assertThat(intruderNew).isNotIn(ownerCode, intruderOld).matches("RITA-[0-9A-HJKMNP-TV-Z]{9}");
            assertThat(text(st, "SELECT referral_code FROM users WHERE id = " + owner)).isEqualTo(ownerCode);
            assertThat(text(st, "SELECT user_id || ' ' || kind FROM referral_codes WHERE code = '" + ownerCode + "'"))
                    .isEqualTo(owner + " primary");
            assertThat(text(st, "SELECT user_id || ' ' || kind FROM referral_codes WHERE code = '" + intruderNew + "'"))
                    .isEqualTo(intruder + " primary");
            assertThat(text(st, "SELECT user_id || ' ' || kind FROM referral_codes WHERE code = '" + intruderOld + "'"))
                    .as("the intruder's own earlier code stays theirs, as an alias").isEqualTo(intruder + " alias");
            assertThat(text(st, "SELECT payload->>'oldCode' || ' ' || (payload->>'newCode') FROM outbox_events"
                    + " WHERE event_type = 'referral.code_changed' AND aggregate_id = '" + intruder + "'"))
                    .isEqualTo(ownerCode + " " + intruderNew);
        }
        assertThat(repair("referral-codes").preview(TestActors.OPERATOR).nothingToDo()).isTrue();
    }

    /** Gives {@code other} the mailbox of {@code first}, as legacy data did before the unique index; returns the mailbox. */
    private String shareMailbox(long first, long other) throws SQLException {
        String mailbox;
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            mailbox = text(st, "SELECT email_normalized FROM users WHERE id = " + first);
        }
        sql("DROP INDEX users_email_normalized_active_uk",
                "UPDATE users SET email_normalized = '" + mailbox + "' WHERE id = " + other);
        return mailbox;
    }

    private static String text(Statement st, String query) throws SQLException {
        try (ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void aSagaWhoseInstanceStoppedIsFinishedByTheSagaRepair() throws Exception {
        // An engine without background recovery, whose first pass could otherwise take the stuck saga before the repair.
        engine.close();
        engine = db.startOneShotEngine();
        UUID id = UUID.randomUUID();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO sagas (id, saga_type, business_key,"
                + " status, current_step, step_count, owner_instance, lease_expires_at, data) VALUES (?, 'registration', 'gone@example.org',"
                + " 'RUNNING', 0, 5, 'gone', now() - interval '1 minute', ?::jsonb)")) {
            ps.setObject(1, id);
            ps.setString(2, "{\"email\":\"gone@example.org\",\"mailbox\":\"gone@example.org\",\"firstName\":\"Gone\","
                    + "\"lastName\":null,\"referrerId\":null,\"referralGiven\":false,\"referralShown\":null}");
            ps.executeUpdate();
        }

        RepairPlan preview = repair("sagas").preview(TestActors.OPERATOR);
        assertThat(targets(preview)).contains(id.toString());
        assertThat(engine.sagas().show(TestActors.OPERATOR, id).orElseThrow().status()).isEqualTo(SagaStatus.RUNNING);

        repair("sagas").apply(Actor.operator("oscar"), "instance lost");

        assertThat(engine.sagas().show(TestActors.OPERATOR, id).orElseThrow().status()).isIn(SagaStatus.COMPENSATED, SagaStatus.COMPLETED);
        assertThat(lastAudit("repair.sagas").actor()).isEqualTo("oscar");
    }

    @Test
    void theCacheRepairRebuildsEveryPatternAndLeavesNoDivergence() throws Exception {
        List<Long> ids = users(5);
        for (long id : ids) {
            engine.cache().user(id);
        }
        sql("UPDATE gamification_profiles SET referral_count = referral_count WHERE user_id = " + ids.get(0)); // version moves, no invalidation

        RepairPlan preview = repair("cache").preview(TestActors.OPERATOR);
        assertThat(targets(preview)).containsExactlyElementsOf(CacheKeys.PATTERNS);
        assertThat(preview.changes().get(0).summary()).contains("1 of 5 sampled entries diverge");

        RepairPlan applied = repair("cache").apply(Actor.operator("oscar"), "divergence alert");
        assertThat(applied.changes().get(0).after().path("written").asLong()).isGreaterThanOrEqualTo(5);
        assertThat(engine.cacheDivergence().sampleNow().pattern(CacheKeys.USER_PATTERN).orElseThrow().divergent()).isZero();
    }
}
