package org.nstcg.integrity.engine.saga;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.engine.registration.RegistrationSagaData;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;
import redis.clients.jedis.RedisClient;

/**
 * The registration saga with each step failing in turn: the steps before it are compensated and the database
 * (users, codes, profiles, ledger, outbox, the referrer's points) equals its state before the saga; the saga log
 * tells the story. After the pivot, a failing step is retried forward instead.
 */
@IntegrityTest
class RegistrationSagaCompensationIT {

    private static TestDatabase db;
    private static IntegrityEngine engine;
    private static long referrerId;
    private static final AtomicInteger MAILBOX = new AtomicInteger();

    @BeforeAll
    static void start(TestDatabase slice, IntegrityEngine started) {
        db = slice;
        engine = started;
        RegistrationOutcome referrer = engine.registration().register(new RegistrationRequest("referrer@example.org", "Rhea", null, null));
        referrerId = ((RegistrationOutcome.Registered) referrer).userId();
    }

    /** Every business row, as text, in a stable order. */
    private static List<String> snapshot() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (String q : List.of(
                    "SELECT 'user', id, email_normalized, referral_code, status FROM users ORDER BY id",
                    "SELECT 'code', code, user_id, kind FROM referral_codes ORDER BY code",
                    "SELECT 'profile', user_id, points, referral_count FROM gamification_profiles ORDER BY user_id",
                    "SELECT 'ledger', id, user_id, delta, reason, idempotency_key FROM points_ledger ORDER BY id",
                    "SELECT 'outbox', id, event_type, aggregate_id FROM outbox_events ORDER BY id")) {
                try (ResultSet rs = st.executeQuery(q)) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        StringBuilder sb = new StringBuilder();
                        for (int i = 1; i <= n; i++) {
                            sb.append(rs.getString(i)).append('|');
                        }
                        rows.add(sb.toString());
                    }
                }
            }
        }
        return rows;
    }

    private static RegistrationSagaData data(String mailbox) {
        return new RegistrationSagaData(mailbox, mailbox, "Fay", null, referrerId, true, "REF");
    }

    private static boolean reservationExists(String mailbox) {
        try (RedisClient r = RedisClient.create(TestServers.redisUri())) {
            return r.exists(db.redisPrefix() + "reserve:email:" + mailbox);
        }
    }

    private static SagaRecord record(java.util.UUID id) throws Exception {
        return engine.sagas().show(TestActors.OPERATOR, id).orElseThrow();
    }

    @ParameterizedTest(name = "step {0} fails {1}")
    @CsvSource({"0, after its work", "1, before its work", "1, after its work", "2, after its work", "3, before its work",
            "3, after its work"})
    void aStepUpToThePivotFailingUndoesEverythingBeforeIt(int failing, String when) throws Exception {
        String mailbox = "fail" + MAILBOX.incrementAndGet() + "@example.org";
        List<String> before = snapshot();
        var definition = FaultInjection.failing(engine.registration().saga().definition(), failing, when.startsWith("after"),
                new AtomicInteger(1), true, "registration-fault-" + failing + "-" + when.charAt(0));

        SagaOutcome outcome = engine.sagas().orchestrator().run(definition, mailbox, data(mailbox));

        assertThat(outcome).isInstanceOf(SagaOutcome.Compensated.class);
        assertThat(snapshot()).as("database equals its state before the saga").isEqualTo(before);
        assertThat(reservationExists(mailbox)).as("reservation released").isFalse();
        SagaRecord r = record(outcome.sagaId());
        assertThat(r.status()).isEqualTo(SagaStatus.COMPENSATED);
        List<String> compensated = r.events().stream().filter(e -> e.type() == SagaEvent.Type.STEP_COMPENSATED)
                .map(e -> e.step().orElseThrow()).toList();
        List<String> expected = new ArrayList<>();
        // Everything that committed before the failure: a failing database step takes the rest of its transaction
        // with it (nothing of it committed, nothing of it to undo); a failing remote step may have acted.
        int upTo = definition.steps().get(failing).local() ? definition.transactionStart(failing) : failing + 1;
        for (int i = upTo - 1; i >= 0; i--) {
            expected.add(definition.steps().get(i).name());
        }
        assertThat(compensated).as("compensated in reverse order").containsExactlyElementsOf(expected);
        assertThat(r.events().get(0).type()).isEqualTo(SagaEvent.Type.STARTED);
        assertThat(r.events()).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(SagaEvent.Type.STEP_FAILED);
            assertThat(e.error()).hasValueSatisfying(m -> assertThat(m).containsAnyOf("injected fault", "division by zero"));
        });
    }

    @Test
    void aDuplicateRefusedByTheDatabaseIsLoggedButIsNotARollback() throws Exception {
        assertThat(engine.registration().register(new RegistrationRequest("twice@example.org", "Tia", null, null)))
                .isInstanceOf(RegistrationOutcome.Registered.class);
        try (RedisClient r = RedisClient.create(TestServers.redisUri())) {
            r.del(db.redisPrefix() + "known:email:twice@example.org"); // only PostgreSQL can tell now
        }
        engine.sagas().orchestrator().flushCompletions();
        SagaMetrics.RollbackRate before = engine.sagas().metrics(TestActors.OPERATOR).rollbackRates().get(2);

        RegistrationOutcome again = engine.registration().register(new RegistrationRequest("Twice@Example.org", "Tia", null, null));

        assertThat(again).isInstanceOf(RegistrationOutcome.AlreadyRegistered.class);
        SagaRecord refused = engine.sagas().list(TestActors.OPERATOR, java.util.Optional.of(SagaStatus.COMPENSATED), java.util.Optional.of("registration"),
                java.util.Optional.empty(), 100).stream().filter(r -> r.businessKey().equals("twice@example.org")).findFirst().orElseThrow();
        assertThat(refused.lastError()).hasValueSatisfying(e -> assertThat(e).startsWith("rejected: already_registered"));
        SagaMetrics.RollbackRate after = engine.sagas().metrics(TestActors.OPERATOR).rollbackRates().get(2);
        assertThat(after.compensated()).as("a refusal is not a rollback").isEqualTo(before.compensated());
        assertThat(after.finished()).isEqualTo(before.finished());
    }

    @Test
    void withoutAPivotEvenTheBonusStepIsUndoneAndTheReferrerKeepsHisPoints() throws Exception {
        String mailbox = "nopivot@example.org";
        List<String> before = snapshot();
        var definition = FaultInjection.failing(engine.registration().saga().definition(), 4, true, new AtomicInteger(1),
                false, "registration-no-pivot");

        SagaOutcome outcome = engine.sagas().orchestrator().run(definition, mailbox, data(mailbox));

        assertThat(outcome).isInstanceOf(SagaOutcome.Compensated.class);
        assertThat(snapshot()).isEqualTo(before);
    }

    @Test
    void afterThePivotAFailingStepIsRetriedForwardAndTheSagaCompletes() throws Exception {
        String mailbox = "forward@example.org";
        var definition = FaultInjection.failing(engine.registration().saga().definition(), 4, false, new AtomicInteger(2),
                true, "registration-forward");

        SagaOutcome outcome = engine.sagas().orchestrator().run(definition, mailbox, data(mailbox));

        assertThat(outcome).isInstanceOf(SagaOutcome.Completed.class);
        engine.sagas().orchestrator().flushCompletions();
        assertThat(record(outcome.sagaId()).status()).isEqualTo(SagaStatus.COMPLETED);
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM users WHERE email_normalized = '" + mailbox + "'")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1);
        }
        assertThat(reservationExists(mailbox)).isFalse();
    }
}
