package org.nstcg.integrity.engine.saga;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.engine.registration.RegistrationSagaData;
import org.nstcg.integrity.engine.store.StepStatement;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;

/**
 * Consecutive database steps declared as one transaction commit together: the registration's CreateUser,
 * CreateGamificationProfile and ProcessReferralBonus are one statement, so a crash between them leaves none.
 */
@IntegrityTest
class SagaTransactionIT {

    private static TestDatabase db;
    private static IntegrityEngine engine;
    private static long referrerId;

    @BeforeAll
    static void start(TestDatabase slice, IntegrityEngine started) {
        db = slice;
        engine = started;
        RegistrationOutcome referrer = engine.registration().register(new RegistrationRequest("txn-referrer@example.org", "Rhea", null, null));
        referrerId = ((RegistrationOutcome.Registered) referrer).userId();
    }

    @Test
    void theRegistrationDefinitionGroupsItsThreeDatabaseStepsAroundThePivot() {
        SagaDefinition<RegistrationSagaData> def = engine.registration().saga().definition();
        List<String> names = def.steps().stream().map(SagaStep::name).toList();
        assertThat(names).containsExactly("ReserveEmail", "CreateUser", "CreateGamificationProfile", "ProcessReferralBonus", "UpdateCache");
        assertThat(def.transactionStart(3)).isEqualTo(1);
        assertThat(def.transactionEnd(1)).isEqualTo(3);
        assertThat(def.transactionEnd(0)).isZero();
        assertThat(def.transactionStart(4)).isEqualTo(4);
        assertThat(def.pivot()).isEqualTo(3);
    }

    @Test
    void aCompletedRegistrationStillLogsEveryStepByName() throws Exception {
        RegistrationOutcome o = engine.registration().register(new RegistrationRequest("txn-logged@example.org", "Lee", null, null));
        assertThat(o).isInstanceOf(RegistrationOutcome.Registered.class);
        engine.sagas().orchestrator().flushCompletions();
        SagaRecord r = engine.sagas().list(TestActors.OPERATOR, java.util.Optional.empty(), java.util.Optional.of("registration"), java.util.Optional.empty(), 50)
                .stream().filter(s -> s.businessKey().equals("txn-logged@example.org")).findFirst().orElseThrow();
        SagaRecord full = engine.sagas().show(TestActors.OPERATOR, r.id()).orElseThrow();
        assertThat(full.status()).isEqualTo(SagaStatus.COMPLETED);
        assertThat(full.events().stream().filter(e -> e.type() == SagaEvent.Type.STEP_COMPLETED).map(e -> e.step().orElseThrow()))
                .containsExactly("ReserveEmail", "CreateUser", "CreateGamificationProfile", "ProcessReferralBonus", "UpdateCache");
        assertThat(full.events().get(0).type()).isEqualTo(SagaEvent.Type.STARTED);
        assertThat(full.events().get(full.events().size() - 1).type()).isEqualTo(SagaEvent.Type.COMPLETED);
    }

    /**
     * The session running the transaction dies after the user row was inserted (CreateUser's CTE has run: the
     * profile step reads it) and before the statement ends, as when the engine's host dies: nothing of the three
     * steps is left, not the user, its code, its profile, its ledger entries, the referrer's bonus, the outbox event
     * nor a saga row that would claim the user exists.
     */
    @Test
    void aCrashBetweenTheGroupedDatabaseStepsLeavesNoneOfThem() throws Exception {
        String mailbox = "txn-crash@example.org";
        long referrerPointsBefore = scalar("SELECT points FROM gamification_profiles WHERE user_id = ?", referrerId);
        SagaDefinition<RegistrationSagaData> original = engine.registration().saga().definition();
        SagaDefinition<RegistrationSagaData> stalled = stallingAfterCreateUser(original);

        CompletableFuture<SagaOutcome> running = CompletableFuture.supplyAsync(() -> engine.sagas().orchestrator().run(stalled, mailbox,
                new RegistrationSagaData(mailbox, mailbox, "Cy", null, referrerId, true, "REF")));
        long pid = awaitStalledBackend(Duration.ofSeconds(20));
        // The user row exists inside the dying transaction: CreateUser ran, the rest of the statement has not finished.
        assertThat(scalar("SELECT count(*) FROM users WHERE email_normalized = ?", mailbox)).as("not visible before commit").isZero();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?::int)")) {
            ps.setLong(1, pid);
            ps.executeQuery().close();
        }
        SagaOutcome outcome = running.get(30, TimeUnit.SECONDS);

        assertThat(outcome).isNotInstanceOf(SagaOutcome.Completed.class);
        assertThat(scalar("SELECT count(*) FROM users WHERE email_normalized = ?", mailbox)).isZero();
        String saga = outcome.sagaId().toString();
        assertThat(scalar("SELECT count(*) FROM users WHERE created_by_saga = ?::uuid", saga)).isZero();
        assertThat(scalar("SELECT count(*) FROM gamification_profiles WHERE created_by_saga = ?::uuid", saga)).isZero();
        assertThat(scalar("SELECT count(*) FROM points_ledger WHERE saga_id = ?::uuid", saga)).isZero();
        assertThat(scalar("SELECT count(*) FROM points_ledger WHERE idempotency_key = ?", "referral-bonus:" + mailbox)).isZero();
        assertThat(scalar("SELECT count(*) FROM outbox_events WHERE saga_id = ?::uuid", saga)).isZero();
        assertThat(scalar("SELECT points FROM gamification_profiles WHERE user_id = ?", referrerId)).isEqualTo(referrerPointsBefore);
        assertThat(scalar("SELECT count(*) FROM sagas WHERE id = ?::uuid AND current_step > 1", saga))
                .as("no saga row records the grouped steps as done").isZero();
        // The mailbox registers normally afterwards.
        assertThat(engine.registration().register(new RegistrationRequest(mailbox, "Cy", null, null)))
                .isInstanceOf(RegistrationOutcome.Registered.class);
    }

    /**
     * PostgreSQL resolves a deadlock by rolling one transaction back (concurrent credits to one hot referrer can meet
     * one): the grouped steps ran and left nothing, so the orchestrator runs the transaction again instead of
     * undoing the registration, and the log records each step once.
     */
    @Test
    void aTransactionRolledBackByADeadlockRunsAgainAndCompletes() throws Exception {
        String mailbox = "txn-deadlock@example.org";
        try (Connection c = db.connect(); java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE SEQUENCE txn_deadlock_tries");
            st.execute("CREATE FUNCTION txn_deadlock_once() RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN"
                    + " IF nextval('txn_deadlock_tries') = 1 THEN"
                    + " RAISE EXCEPTION 'deadlock detected (injected)' USING ERRCODE = 'deadlock_detected'; END IF;"
                    + " RETURN true; END $$");
        }
        long referrerPointsBefore = scalar("SELECT points FROM profile_totals WHERE user_id = ?", referrerId);
        SagaDefinition<RegistrationSagaData> deadlockingOnce = FaultInjection.rewriting(engine.registration().saga().definition(),
                "registration-deadlocking", Duration.ofSeconds(60), "ProcessReferralBonus",
                st -> new StepStatement(st.ctes(), "SELECT x.r FROM (" + st.resultQuery() + ") x(r) WHERE txn_deadlock_once()", st.params()));

        SagaOutcome outcome = engine.sagas().orchestrator().run(deadlockingOnce, mailbox,
                new RegistrationSagaData(mailbox, mailbox, "Dee", null, referrerId, true, "REF"));

        assertThat(outcome).isInstanceOf(SagaOutcome.Completed.class);
        assertThat(scalar("SELECT last_value FROM txn_deadlock_tries")).as("the transaction ran twice").isEqualTo(2);
        assertThat(scalar("SELECT count(*) FROM users WHERE email_normalized = ?", mailbox)).isEqualTo(1);
        assertThat(scalar("SELECT count(*) FROM points_ledger WHERE idempotency_key = ?", "referral-bonus:" + mailbox)).isEqualTo(1);
        assertThat(scalar("SELECT points FROM profile_totals WHERE user_id = ?", referrerId)).isEqualTo(referrerPointsBefore + 25);
        engine.sagas().orchestrator().flushCompletions();
        SagaRecord full = engine.sagas().show(TestActors.OPERATOR, outcome.sagaId()).orElseThrow();
        assertThat(full.status()).isEqualTo(SagaStatus.COMPLETED);
        assertThat(full.events()).noneMatch(e -> e.type() == SagaEvent.Type.STEP_FAILED);
        assertThat(full.events().stream().filter(e -> e.type() == SagaEvent.Type.STEP_COMPLETED).map(e -> e.step().orElseThrow()))
                .containsExactly("ReserveEmail", "CreateUser", "CreateGamificationProfile", "ProcessReferralBonus", "UpdateCache");
    }

    /** The registration definition, its profile step waiting (pg_sleep) after reading the user row CreateUser inserted. */
    private static SagaDefinition<RegistrationSagaData> stallingAfterCreateUser(SagaDefinition<RegistrationSagaData> original) {
        return FaultInjection.rewriting(original, "registration-stalled", Duration.ofSeconds(60), "CreateGamificationProfile",
                st -> new StepStatement(st.ctes(), "SELECT x.r FROM (" + st.resultQuery() + ") x(r), u"
                        + " WHERE pg_sleep(30) IS NOT NULL AND u.id > 0", st.params()));
    }

    private static long awaitStalledBackend(Duration timeout) throws Exception {
        Instant end = Instant.now().plus(timeout);
        while (Instant.now().isBefore(end)) {
            try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT pid FROM pg_stat_activity"
                    + " WHERE wait_event = 'PgSleep' AND query LIKE 'WITH u AS (INSERT INTO users%'")) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return rs.getLong(1);
                    }
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("the stalled registration statement never showed in pg_stat_activity");
    }

    private static long scalar(String sql, Object... params) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
