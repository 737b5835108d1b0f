package org.nstcg.integrity.engine.repair;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.integrity.CheckResult;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;

/**
 * The loop an operator runs: planted corruption of each kind is found by its check, fixed by the repair offered for
 * that check, and the check is clean afterwards.
 */
@IntegrityTest(perTest = true)
class FindAndRepairIT {

    private TestDatabase db;
    private IntegrityEngine engine;
    private List<Long> ids;

    @BeforeEach
    void start(TestDatabase slice, IntegrityEngine started) {
        db = slice;
        engine = started;
        ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            RegistrationOutcome o = engine.registration().register(
                    new RegistrationRequest("f" + UUID.randomUUID().toString().substring(0, 8) + "@find.example.org", "Finn", null, null));
            ids.add(((RegistrationOutcome.Registered) o).userId());
        }
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private String text(String query) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private CheckResult check(String name) {
        return engine.checks().run(Actor.operator("finn"), List.of(name), ProgressListener.NONE).results().stream()
                .filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    private void findFixFind(String checkName) {
        CheckResult before = check(checkName);
        assertThat(before.totalFindings()).as(checkName + " finds the planted damage").isPositive();
        Repair repair = engine.repairs().forCheck(checkName).orElseThrow();
        RepairPlan applied = repair.apply(Actor.operator("finn"), "planted " + checkName);
        assertThat(applied.total()).as(repair.kind() + " changed something").isPositive();
        CheckResult after = check(checkName);
        assertThat(after.status()).as(checkName + " after " + repair.kind()).isEqualTo(CheckResult.Status.PASSED);
        assertThat(after.totalFindings()).isZero();
    }

    @Test
    void pointsLedger() throws Exception {
        sql("ALTER TABLE gamification_profiles DISABLE TRIGGER USER",
                "UPDATE gamification_profiles SET points = points + 3 WHERE user_id = " + ids.get(1),
                "ALTER TABLE gamification_profiles ENABLE TRIGGER USER");
        findFixFind("points-ledger");
    }

    @Test
    void orphans() throws Exception {
        sql("DELETE FROM gamification_profiles WHERE user_id = " + ids.get(2));
        findFixFind("orphans");
    }

    @Test
    void referralCount() throws Exception {
        sql("UPDATE gamification_profiles SET referral_count = 4 WHERE user_id = " + ids.get(0));
        findFixFind("referral-count");
    }

    @Test
    void referralCodeUniqueness() throws Exception {
        String code = text("SELECT referral_code FROM users WHERE id = " + ids.get(0));
        sql("ALTER TABLE users DROP CONSTRAINT users_referral_code_uk",
                "ALTER TABLE users DISABLE TRIGGER users_register_referral_code",
                "UPDATE users SET referral_code = '" + code + "' WHERE id = " + ids.get(3),
                "ALTER TABLE users ENABLE TRIGGER users_register_referral_code");
        findFixFind("referral-code-uniqueness");
    }

    @Test
    void emailUniqueness() throws Exception {
        String mailbox = text("SELECT email_normalized FROM users WHERE id = " + ids.get(0));
        sql("DROP INDEX users_email_normalized_active_uk",
                "UPDATE users SET email_normalized = '" + mailbox + "' WHERE id = " + ids.get(1));
        findFixFind("email-uniqueness");
    }

    @Test
    void stuckSagas() throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO sagas (id, saga_type, business_key,"
                + " status, current_step, step_count, owner_instance, lease_expires_at, data) VALUES (?, 'registration', 'lost@example.org',"
                + " 'RUNNING', 0, 5, 'gone', now() - interval '1 hour', ?::jsonb)")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setString(2, "{\"email\":\"lost@example.org\",\"mailbox\":\"lost@example.org\",\"firstName\":\"Lost\","
                    + "\"lastName\":null,\"referrerId\":null,\"referralGiven\":false,\"referralShown\":null}");
            ps.executeUpdate();
        }
        findFixFind("stuck-sagas");
    }

    @Test
    void cacheConsistency() throws Exception {
        for (long id : ids) {
            engine.cache().user(id);
        }
        sql("UPDATE gamification_profiles SET referral_count = referral_count WHERE user_id IN (" + ids.get(0) + ", " + ids.get(1) + ")");
        findFixFind("cache-consistency");
    }
}
