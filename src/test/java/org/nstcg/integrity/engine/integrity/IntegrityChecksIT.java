package org.nstcg.integrity.engine.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.audit.AuditEntry;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;

/**
 * Every check against real PostgreSQL and Redis: a clean platform (made by real registrations) gives no findings;
 * for each check the corruption it names is planted behind the engine's back (dropping the constraint, index or
 * trigger that guards it, as the schema's owner) and the check finds exactly the planted ids. Runs are stored with
 * their results and findings, capped, and manual runs are audited.
 *
 * <p>The engine has no schedule, no background cache rounds and no saga recovery after the first pass: the test plants by hand.
 */
@IntegrityTest(perTest = true, settings = {"checks.interval=off", "cache.sample-interval=1h", "saga.recovery-interval=1h"})
class IntegrityChecksIT {

    private TestDatabase db;
    private IntegrityEngine engine;
    private int seq;

    @BeforeEach
    void start(TestDatabase slice, IntegrityEngine started) {
        db = slice;
        engine = started;
    }

    // Helpers ------------------------------------------------------------------------------------------------------

    private RegistrationOutcome.Registered register(String referralCode) {
        int n = ++seq;
        RegistrationOutcome outcome = engine.registration().register(new RegistrationRequest("person" + n + "@example.org",
                "Person", "Number" + n, referralCode));
        assertThat(outcome).isInstanceOf(RegistrationOutcome.Registered.class);
        return (RegistrationOutcome.Registered) outcome;
    }

    private long register() {
        return register(null).userId();
    }

    private void sql(String... statements) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private long insertUser(String emailNormalized, String code, String extraColumns, String extraValues) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "INSERT INTO users (email, email_normalized, referral_code, first_name" + extraColumns + ") VALUES ('"
                        + emailNormalized + "', '" + emailNormalized + "', '" + code + "', 'Planted'" + extraValues + ") RETURNING id")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private UUID insertSaga(String status, String leaseExpiresIn) throws SQLException {
        UUID id = UUID.randomUUID();
        boolean finished = status.equals("COMPLETED") || status.equals("COMPENSATED");
        sql("INSERT INTO sagas (id, saga_type, business_key, status, current_step, step_count, owner_instance, lease_expires_at,"
                + " last_error, finished_at) VALUES ('" + id + "', 'registration', 'planted-" + id + "', '" + status + "', 1, 5,"
                + " 'dead@1', now() + interval '" + leaseExpiresIn + "', " + (status.equals("FAILED_NEEDS_ATTENTION") ? "'boom'" : "NULL")
                + ", " + (finished ? "now()" : "NULL") + ")");
        return id;
    }

    private CheckResult only(String check) {
        CheckRun run = engine.checks().run(Actor.operator("tester"), List.of(check), ProgressListener.NONE);
        assertThat(run.results()).hasSize(1);
        return run.results().get(0);
    }

    private static Set<Long> ids(CheckResult r) {
        return r.findings().stream().flatMap(f -> f.affectedIds().stream()).collect(Collectors.toSet());
    }

    private String codeOf(long userId) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT referral_code FROM users WHERE id = " + userId)) {
            rs.next();
            return rs.getString(1);
        }
    }

    // Clean --------------------------------------------------------------------------------------------------------

    @Test
    void aCleanPlatformHasNoFindingsAndTheRunIsStoredAndAudited() throws Exception {
        long referrer = register();
        register(codeOf(referrer));
        register(codeOf(referrer));
        long other = register();
        engine.cache().user(referrer);
        engine.cache().user(other);

        CheckRun run = engine.checks().run(Actor.operator("alice"), List.of(), ProgressListener.NONE);

        assertThat(run.results()).extracting(CheckResult::name).containsExactlyElementsOf(BuiltInChecks.NAMES);
        assertThat(run.results()).allSatisfy(r -> {
            assertThat(r.status()).as(r.name() + " " + r.error()).isEqualTo(CheckResult.Status.PASSED);
            assertThat(r.totalFindings()).isZero();
        });
        assertThat(run.status()).isEqualTo(CheckRun.Status.PASSED);
        assertThat(run.trigger()).isEqualTo(CheckTrigger.MANUAL);

        List<RunSummary> history = engine.checks().history(TestActors.OPERATOR, Optional.empty(), 10);
        assertThat(history).hasSize(1);
        RunSummary stored = history.get(0);
        assertThat(stored.id()).isEqualTo(run.id());
        assertThat(stored.status()).isEqualTo("passed");
        assertThat(stored.trigger()).isEqualTo("manual");
        assertThat(stored.actor()).contains("alice");
        assertThat(stored.finishedAt()).isPresent();
        assertThat(stored.checks().keySet()).containsExactlyInAnyOrderElementsOf(BuiltInChecks.NAMES);
        assertThat(stored.totalFindings()).isZero();

        List<AuditEntry> audited = engine.audit().list(TestActors.OPERATOR, Optional.of("alice"), Optional.of("check.run"), Optional.empty(), Optional.empty(), 10);
        assertThat(audited).hasSize(1);
        assertThat(audited.get(0).targetId()).contains(Long.toString(run.id()));
        assertThat(audited.get(0).after().orElseThrow().path("status").asText()).isEqualTo("passed");
        assertThat(audited.get(0).details().orElseThrow()).contains("8 checks, 0 findings");
    }

    @Test
    void anUnknownCheckIsRefusedNamingTheKnownOnes() {
        assertThatThrownBy(() -> engine.checks().run(Actor.operator("alice"), List.of("nope"), ProgressListener.NONE))
                .isInstanceOf(EngineException.class).hasMessageContaining("'nope'").hasMessageContaining("points-ledger");
    }

    // One test per check -------------------------------------------------------------------------------------------

    @Test
    void referralCodeUniquenessFindsSharedCodesAndSharedIdentities() throws Exception {
        long a = register();
        long b = register();
        long c = register();
        long d = register();
        long clean = register();
        String codeA = codeOf(a);
        String codeC = codeOf(c);
        sql("ALTER TABLE users DROP CONSTRAINT users_referral_code_uk",
                "ALTER TABLE users DISABLE TRIGGER USER",
                "UPDATE users SET referral_code = '" + codeA + "' WHERE id = " + b,
                "ALTER TABLE users ENABLE TRIGGER USER",
                "DROP INDEX referral_codes_identity_uk",
                "INSERT INTO referral_codes (code, user_id, kind) VALUES ('ZZZZ-" + codeC.substring(codeC.length() - 9) + "', " + d + ", 'alias')");

        CheckResult r = only(BuiltInChecks.REFERRAL_CODE_UNIQUENESS);

        assertThat(r.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(r.totalFindings()).isEqualTo(2);
        assertThat(r.findings().get(0).affectedIds()).containsExactly(Math.min(a, b), Math.max(a, b));
        assertThat(r.findings().get(0).details().path("kind").asText()).isEqualTo("users.referral_code");
        assertThat(r.findings().get(0).details().path("code").asText()).isEqualTo(codeA);
        assertThat(r.findings().get(1).affectedIds()).containsExactly(c, d);
        assertThat(r.findings().get(1).details().path("kind").asText()).isEqualTo("referral_codes.identity");
        assertThat(ids(r)).doesNotContain(clean);
    }

    @Test
    void emailUniquenessFindsActiveUsersSharingAMailboxOnly() throws Exception {
        long a = register();
        register();
        sql("DROP INDEX users_email_normalized_active_uk");
        long twin = insertUser("person1@example.org", "TWIN-1", "", "");
        insertUser("person2@example.org", "ARCH-1", ", status", ", 'archived'");

        CheckResult r = only(BuiltInChecks.EMAIL_UNIQUENESS);

        assertThat(r.totalFindings()).isEqualTo(1);
        assertThat(r.findings().get(0).affectedIds()).containsExactly(a, twin);
        assertThat(r.findings().get(0).details().path("emailNormalized").asText()).isEqualTo("person1@example.org");
    }

    @Test
    void orphansFindsProfilesWithoutUsersAndUsersWithoutProfilesButNotRegistrationsInFlight() throws Exception {
        register();
        sql("ALTER TABLE gamification_profiles DROP CONSTRAINT gamification_profiles_user_id_fkey",
                "INSERT INTO gamification_profiles (user_id, points, referral_count) VALUES (987654, 0, 0)");
        long bare = insertUser("bare@example.org", "BARE-1", "", "");
        UUID inFlight = insertSaga("RUNNING", "1 minute");
        insertUser("flight@example.org", "FLIG-1", ", created_by_saga", ", '" + inFlight + "'");

        CheckResult r = only(BuiltInChecks.ORPHANS);

        assertThat(r.totalFindings()).isEqualTo(2);
        assertThat(ids(r)).containsExactlyInAnyOrder(987654L, bare);
        assertThat(r.findings()).extracting(f -> f.details().path("kind").asText())
                .containsExactly("profile-without-user", "user-without-profile");
    }

    @Test
    void pointsLedgerFindsProfilesWhosePointsDifferFromTheirLedger() throws Exception {
        long a = register();
        long b = register();
        register();
        sql("ALTER TABLE gamification_profiles DISABLE TRIGGER USER",
                "UPDATE gamification_profiles SET points = points + 7 WHERE user_id = " + a,
                "UPDATE gamification_profiles SET points = 0 WHERE user_id = " + b,
                "ALTER TABLE gamification_profiles ENABLE TRIGGER USER");

        CheckResult r = only(BuiltInChecks.POINTS_LEDGER);

        assertThat(r.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(ids(r)).containsExactlyInAnyOrder(a, b);
        assertThat(r.findings().get(0).details().path("difference").asInt()).isEqualTo(7);
        assertThat(r.findings().get(1).details().path("points").asInt()).isZero();
        assertThat(r.findings().get(1).details().path("ledgerSum").asInt()).isEqualTo(10);
    }

    @Test
    void referralCountFindsWrongCountsCountingReferredUsersWhateverTheirStatus() throws Exception {
        long referrer = register();
        long referred = register(codeOf(referrer)).userId();
        long wrong = register();
        // An archived referred user still counts: the bonus step counted it, and nothing takes that back.
        sql("UPDATE users SET status = 'archived' WHERE id = " + referred,
                "UPDATE gamification_profiles SET referral_count = 5 WHERE user_id = " + wrong);
        // One more referral of referrer written behind the engine's back (not counted).
        insertUser("sneaky@example.org", "SNEA-1", ", referred_by", ", " + referrer);

        CheckResult r = only(BuiltInChecks.REFERRAL_COUNT);

        assertThat(ids(r)).containsExactlyInAnyOrder(referrer, wrong);
        assertThat(r.findings()).filteredOn(f -> f.affectedIds().contains(referrer)).singleElement()
                .satisfies(f -> {
                    assertThat(f.details().path("referralCount").asInt()).isEqualTo(1);
                    assertThat(f.details().path("referred").asInt()).isEqualTo(2);
                });
    }

    @Test
    void referralCountCountsAReferralWhoseSagaHasNotRecordedItsCompletionYet() throws Exception {
        long referrer = register();
        long referred = register(codeOf(referrer)).userId();
        // The window CI met: the user row and the referrer's count have committed, the saga's COMPLETED record
        // (written in groups a few milliseconds later) has not.
        sql("UPDATE sagas SET status = 'RUNNING', finished_at = NULL WHERE id = (SELECT created_by_saga FROM users WHERE id = "
                + referred + ")");

        assertThat(only(BuiltInChecks.REFERRAL_COUNT).findings()).isEmpty();

        sql("UPDATE gamification_profiles SET referral_count = 0 WHERE user_id = " + referrer);
        assertThat(ids(only(BuiltInChecks.REFERRAL_COUNT))).containsExactly(referrer);
    }

    @Test
    void stuckSagasFindsExpiredLeasesPastTheGraceAndSagasNeedingAttention() throws Exception {
        UUID running = insertSaga("RUNNING", "-2 days");
        UUID compensating = insertSaga("COMPENSATING", "-2 days");
        UUID attention = insertSaga("FAILED_NEEDS_ATTENTION", "-1 minute");
        insertSaga("RUNNING", "5 minutes");
        insertSaga("RUNNING", "-1 minute"); // recovery's job for one more interval (1h here), not yet stuck
        insertSaga("COMPLETED", "-2 days");
        long user = insertUser("stuck@example.org", "STUC-1", ", created_by_saga", ", '" + running + "'");

        CheckResult r = only(BuiltInChecks.STUCK_SAGAS);

        assertThat(r.findings()).extracting(f -> UUID.fromString(f.details().path("sagaId").asText()))
                .containsExactlyInAnyOrder(running, compensating, attention);
        assertThat(r.findings()).filteredOn(f -> f.details().path("sagaId").asText().equals(running.toString())).singleElement()
                .satisfies(f -> assertThat(f.affectedIds()).containsExactly(user));
    }

    @Test
    void outboxBacklogFindsEventsWaitingLongerThanTheMaximumAge() throws Exception {
        register();
        register();
        register();
        long old;
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("UPDATE outbox_events SET created_at = now() - interval '1 hour'"
                     + " WHERE id = (SELECT min(id) FROM outbox_events) RETURNING id")) {
            rs.next();
            old = rs.getLong(1);
        }

        CheckResult r = only(BuiltInChecks.OUTBOX_BACKLOG);

        assertThat(r.totalFindings()).isEqualTo(1);
        assertThat(r.findings().get(0).affectedIds()).containsExactly(old);
        assertThat(r.findings().get(0).details().path("unpublished").asInt()).isEqualTo(3);
        assertThat(r.findings().get(0).details().path("oldestAgeSeconds").asLong()).isGreaterThanOrEqualTo(3600);
    }

    @Test
    void cacheConsistencyCountsCachedEntriesOlderThanTheirRows() throws Exception {
        List<Long> users = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            users.add(register());
        }
        for (long id : users) {
            engine.cache().user(id);
        }
        sql("UPDATE users SET last_name = 'Changed' WHERE id IN (" + users.get(3) + ", " + users.get(7) + ")");

        CheckResult r = only(BuiltInChecks.CACHE_CONSISTENCY);

        assertThat(r.totalFindings()).isEqualTo(1);
        assertThat(r.findings().get(0).details().path("pattern").asText()).isEqualTo("user:*");
        assertThat(r.findings().get(0).details().path("divergent").asInt()).isEqualTo(2);
        assertThat(r.findings().get(0).details().path("sampled").asInt()).isEqualTo(25);
    }

    // Cap and storage ----------------------------------------------------------------------------------------------

    @Test
    void aCorruptLargeTableKeepsAThousandFindingsAndCountsThemAll(@IntegrityTest.OwnSlice TestDatabase big) throws Exception {
        try (IntegrityEngine e = IntegrityEngine.start(big.config(Map.of(
                ConfigKey.CHECKS_INTERVAL, "off", ConfigKey.CACHE_SAMPLE_INTERVAL, "1h")), ProgressListener.NONE)) {
            SuiteTiming.createUsers(e.database().jdbc(), 3000);
            CheckRun clean = e.checks().run(Actor.operator("alice"), List.of(), ProgressListener.NONE);
            assertThat(clean.results()).allSatisfy(r -> assertThat(r.totalFindings()).as(r.name()).isZero());

            try (Connection c = big.connect(); Statement st = c.createStatement()) {
                st.execute("ALTER TABLE gamification_profiles DISABLE TRIGGER USER");
                st.execute("UPDATE gamification_profiles SET points = points + 1 WHERE user_id <= 1500");
                st.execute("ALTER TABLE gamification_profiles ENABLE TRIGGER USER");
            }
            CheckRun run = e.checks().run(Actor.operator("alice"), List.of(BuiltInChecks.POINTS_LEDGER), ProgressListener.NONE);

            CheckResult r = run.results().get(0);
            assertThat(r.totalFindings()).isEqualTo(1500);
            assertThat(r.findings()).hasSize(IntegrityChecks.FINDINGS_KEPT);
            assertThat(r.findings().get(0).affectedIds()).containsExactly(1L);
            assertThat(run.status()).isEqualTo(CheckRun.Status.FAILED);
            assertThat(e.checks().findings(TestActors.OPERATOR, run.id(), Optional.empty(), 5000)).hasSize(IntegrityChecks.FINDINGS_KEPT);
            try (Connection c = big.connect(); PreparedStatement ps = c.prepareStatement(
                    "SELECT findings_total, findings_stored, status FROM integrity_check_results WHERE run_id = ?")) {
                ps.setLong(1, run.id());
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(1500);
                    assertThat(rs.getInt(2)).isEqualTo(IntegrityChecks.FINDINGS_KEPT);
                    assertThat(rs.getString(3)).isEqualTo("failed");
                }
            }
            assertThat(e.checks().history(TestActors.OPERATOR, Optional.empty(), 10).get(0).checks().get(BuiltInChecks.POINTS_LEDGER).findings()).isEqualTo(1500);
        }
    }

    @Test
    void aCheckThatCannotRunIsAnErrorAndTheOthersStillRun() throws Exception {
        register();
        sql("ALTER TABLE outbox_events RENAME TO outbox_events_gone");
        try {
            CheckRun run = engine.checks().run(Actor.operator("alice"), List.of(BuiltInChecks.OUTBOX_BACKLOG, BuiltInChecks.POINTS_LEDGER),
                    ProgressListener.NONE);
            assertThat(run.status()).isEqualTo(CheckRun.Status.ERROR);
            assertThat(run.result(BuiltInChecks.OUTBOX_BACKLOG).orElseThrow().status()).isEqualTo(CheckResult.Status.ERROR);
            assertThat(run.result(BuiltInChecks.OUTBOX_BACKLOG).orElseThrow().error()).hasValueSatisfying(m -> assertThat(m).contains("outbox_events"));
            assertThat(run.result(BuiltInChecks.POINTS_LEDGER).orElseThrow().status()).isEqualTo(CheckResult.Status.PASSED);
            assertThat(engine.checks().history(TestActors.OPERATOR, Optional.empty(), 1).get(0).status()).isEqualTo("error");
        } finally {
            sql("ALTER TABLE outbox_events_gone RENAME TO outbox_events");
        }
    }
}
