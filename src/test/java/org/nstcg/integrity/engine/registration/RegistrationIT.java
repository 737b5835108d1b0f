package org.nstcg.integrity.engine.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.registration.RegistrationOutcome.AlreadyRegistered;
import org.nstcg.integrity.engine.registration.RegistrationOutcome.InProgress;
import org.nstcg.integrity.engine.registration.RegistrationOutcome.Invalid;
import org.nstcg.integrity.engine.registration.RegistrationOutcome.Referral;
import org.nstcg.integrity.engine.registration.RegistrationOutcome.Registered;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;
import redis.clients.jedis.RedisClient;

/** Registration against real PostgreSQL and Redis: every outcome, every effect, and nothing written on bad input. */
@IntegrityTest
class RegistrationIT {

    private static TestDatabase db;
    private static IntegrityEngine engine;

    @BeforeAll
    static void start(TestDatabase slice, IntegrityEngine started) {
        db = slice;
        engine = started;
    }

    private static RegistrationOutcome register(String email, String first, String referral) {
        return engine.registration().register(new RegistrationRequest(email, first, null, referral));
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long rows() throws SQLException {
        return count("SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM gamification_profiles)"
                + " + (SELECT count(*) FROM points_ledger) + (SELECT count(*) FROM outbox_events)");
    }

    private static int points(long userId) throws SQLException {
        return (int) count("SELECT points FROM gamification_profiles WHERE user_id = " + userId);
    }

    @Test
    void aRegistrationWritesUserProfileLedgerAndOutboxEventTogether() throws Exception {
        RegistrationOutcome outcome = engine.registration().register(
                new RegistrationRequest("  Grace.Hopper+news@Gmail.com ", " Grace ", "Hopper", ""));

        assertThat(outcome).isInstanceOf(Registered.class);
        Registered r = (Registered) outcome;
        assertThat(r.referralCode()).matches("GRAC-[0-9A-HJKMNP-TV-Z]{9}");
        assertThat(r.referral()).isEqualTo(Referral.NONE);
        assertThat(count("SELECT count(*) FROM users WHERE id = " + r.userId() + " AND email = 'Grace.Hopper+news@Gmail.com'"
                + " AND email_normalized = 'gracehopper@gmail.com' AND first_name = 'Grace' AND last_name = 'Hopper'")).isEqualTo(1);
        assertThat(points(r.userId())).isEqualTo(RegistrationService.SIGNUP_POINTS);
        assertThat(count("SELECT sum(delta) FROM points_ledger WHERE user_id = " + r.userId())).isEqualTo(10);
        assertThat(count("SELECT count(*) FROM outbox_events WHERE event_type = 'user.registered' AND aggregate_id = '" + r.userId() + "'"))
                .isEqualTo(1);
        assertThat(engine.referralCodes().check(r.referralCode().toLowerCase()))
                .isInstanceOfSatisfying(org.nstcg.integrity.engine.referral.ReferralCheck.Known.class,
                        k -> assertThat(k.owner().userId()).isEqualTo(r.userId()));
    }

    @Test
    void anotherSpellingOfTheSameMailboxIsAlreadyRegisteredAndWritesNothing() throws Exception {
        assertThat(register("ada.lovelace@gmail.com", "Ada", null)).isInstanceOf(Registered.class);
        long before = rows();

        RegistrationOutcome again = register("AdaLovelace+second@googlemail.com", "Ada", null);

        assertThat(again).isEqualTo(new AlreadyRegistered("adalovelace@gmail.com"));
        assertThat(rows()).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "empty email||Ada|email|is empty",
            "no at|ada.example.org|Ada|email|has no @",
            "empty first name|x1@example.org| |firstName|is empty",
            "control character in name|x2@example.org|A\u0007da|firstName|control character",
            "huge name|x3@example.org|HUGE|firstName|longer than 100",
            "replacement character in name|x4@example.org|Andr\uFFFD|firstName|U+FFFD, the replacement character",
            "replacement character in address|m\uFFFDller@example.org|Ada|email|U+FFFD, the replacement character"})
    void badInputIsInvalidAndWritesNothing(String name, String email, String first, String field, String reason) throws Exception {
        long before = rows();
        String firstName = "HUGE".equals(first) ? "A".repeat(101) : first;

        RegistrationOutcome outcome = register(email, firstName, null);

        assertThat(outcome).isInstanceOfSatisfying(Invalid.class, i -> {
            assertThat(i.field()).isEqualTo(field);
            assertThat(i.reason()).contains(reason);
        });
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void aReferralCodeLongerThanAnyCodeIsRefusedAndWritesNothing() throws Exception {
        long before = rows();
        assertThat(register("long-code@example.org", "Lou", "L".repeat(100_000)))
                .isInstanceOfSatisfying(Invalid.class, i -> {
                    assertThat(i.field()).isEqualTo("referralCode");
                    assertThat(i.reason()).isEqualTo("is longer than 32 characters, longer than any referral code");
                });
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void aMistypedReferralCodeIsRefusedSoThePersonCanFixIt() throws Exception {
        Registered referrer = (Registered) register("typo-referrer@example.org", "Ann", null);
        String code = referrer.referralCode();
        char last = code.charAt(code.length() - 1);
        String typo = code.substring(0, code.length() - 1) + (last == 'A' ? 'B' : 'A');
        long before = rows();

        assertThat(register("typo-referred@example.org", "Bob", typo))
                .isInstanceOfSatisfying(Invalid.class, i -> assertThat(i.field()).isEqualTo("referralCode"));
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void aReferralToAReferrerWhoseProfileAnotherTransactionHoldsDoesNotWaitForItAndCountsInFull() throws Exception {
        Registered referrer = (Registered) register("held.referrer@example.org", "Hedda", null);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (Connection holder = db.connect()) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                // What a concurrent sign-up naming the same code does until it commits.
                st.executeQuery("SELECT 1 FROM gamification_profiles WHERE user_id = " + referrer.userId() + " FOR NO KEY UPDATE").close();
            }
            java.util.concurrent.Future<RegistrationOutcome> friend = pool.submit(() -> register("held.friend@example.org", "Hal",
                    referrer.referralCode()));

            assertThat(friend.get(30, java.util.concurrent.TimeUnit.SECONDS)).as("registered while the row was held")
                    .isInstanceOfSatisfying(Registered.class, r -> assertThat(r.referral()).isEqualTo(Referral.CREDITED));
            holder.rollback();
        } finally {
            pool.shutdownNow();
        }

        assertThat(points(referrer.userId())).as("the row alone").isEqualTo(10);
        assertThat(count("SELECT points FROM profile_totals WHERE user_id = " + referrer.userId())).isEqualTo(10 + 25);
        assertThat(count("SELECT referral_count FROM profile_totals WHERE user_id = " + referrer.userId())).isEqualTo(1);
        assertThat(engine.users().details(TestActors.OPERATOR, referrer.userId()).orElseThrow().profile().points()).isEqualTo(35);
        var run = engine.checks().run(Actor.operator("tester"), java.util.List.of(org.nstcg.integrity.engine.integrity.BuiltInChecks.POINTS_LEDGER,
                org.nstcg.integrity.engine.integrity.BuiltInChecks.REFERRAL_COUNT), ProgressListener.NONE);
        assertThat(run.results()).allSatisfy(r -> assertThat(r.findings()).as(r.toString()).isEmpty());
    }

    @Test
    void aReferralCreditsTheReferrerOnceEvenIfTheMailboxRegistersAgain() throws Exception {
        Registered referrer = (Registered) register("referrer@example.org", "Rita", null);
        String typed = "xxxx-" + referrer.referralCode().substring(5).replace('0', 'o').replace('1', 'l').toLowerCase();

        RegistrationOutcome first = register("friend@example.org", "Fred", typed);

        assertThat(first).isInstanceOfSatisfying(Registered.class, r -> {
            assertThat(r.referral()).isEqualTo(Referral.CREDITED);
            assertThat(r.referrerId()).contains(referrer.userId());
            assertThat(r.notice()).isEmpty();
        });
        assertThat(points(referrer.userId())).isEqualTo(10 + 25);
        assertThat(count("SELECT referral_count FROM gamification_profiles WHERE user_id = " + referrer.userId())).isEqualTo(1);

        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE users SET status = 'archived' WHERE email_normalized = 'friend@example.org'");
        }
        try (RedisClient r = RedisClient.create(TestServers.redisUri())) {
            r.del(db.redisPrefix() + "known:email:friend@example.org");
        }
        RegistrationOutcome second = register("Friend@Example.org", "Fred", referrer.referralCode());

        assertThat(second).isInstanceOfSatisfying(Registered.class, r -> {
            assertThat(r.referral()).isEqualTo(Referral.ALREADY_CREDITED);
            assertThat(r.notice()).hasValueSatisfying(n -> assertThat(n).contains("not paid again"));
        });
        assertThat(points(referrer.userId())).as("bonus not paid twice").isEqualTo(35);
        assertThat(count("SELECT referral_count FROM gamification_profiles WHERE user_id = " + referrer.userId())).isEqualTo(2);
    }

    @Test
    void anUnknownReferralCodeRegistersWithoutBonusAndSaysSo() throws Exception {
        RegistrationOutcome outcome = register("unknown-ref@example.org", "Uma", "NOT-A-REAL-CODE");

        assertThat(outcome).isInstanceOfSatisfying(Registered.class, r -> {
            assertThat(r.referral()).isEqualTo(Referral.UNKNOWN_CODE);
            assertThat(r.referrerId()).isEmpty();
            assertThat(r.notice()).hasValueSatisfying(n -> assertThat(n).contains("NOT-A-REAL-CODE").contains("no referral bonus"));
        });
        assertThat(count("SELECT count(*) FROM points_ledger WHERE reason = 'referral_bonus'"
                + " AND idempotency_key = 'referral-bonus:unknown-ref@example.org'")).isZero();
    }

    @Test
    void aMailboxKnownToRedisIsAnsweredWithoutAWriteButOnlyWhilePostgresqlAgrees() throws Exception {
        assertThat(register("fast-path@example.org", "Fay", null)).isInstanceOf(Registered.class);
        long sagas = count("SELECT count(*) FROM sagas");

        assertThat(register("fast-path@example.org", "Fay", null)).isInstanceOf(AlreadyRegistered.class);
        assertThat(count("SELECT count(*) FROM sagas")).as("refused by the hint: no saga, no insert").isEqualTo(sagas);

        // Archive behind the engine's back: the known-email key is only a hint (issue 14, decision record 0009), and
        // PostgreSQL now accepts the mailbox again. Before 0009 the hint refused it for up to 120 s (record 0003).
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE users SET status = 'archived' WHERE email_normalized = 'fast-path@example.org'");
        }
        assertThat(register("fast-path@example.org", "Fay", null)).isInstanceOf(Registered.class);
    }

    @Test
    void aMailboxReservedByAnotherInstanceIsInProgress() throws Exception {
        // What another instance's registration looks like from here: its reservation (with an expiry, as every
        // engine sets it) and its running saga, which confirms the reservation (decision record 0009).
        String saga = java.util.UUID.randomUUID().toString();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO sagas (id, saga_type, business_key, status, owner_instance, lease_expires_at, step_count)"
                    + " VALUES ('" + saga + "', 'registration', 'busy@example.org', 'RUNNING', 'another-instance', now() + interval '1 hour', 5)");
        }
        try (RedisClient r = RedisClient.create(TestServers.redisUri())) {
            r.set(db.redisPrefix() + "reserve:email:busy@example.org", saga + ":ReserveEmail", redis.clients.jedis.params.SetParams.setParams().px(20_000));
        }
        long before = rows();

        try {
            assertThat(register("busy@example.org", "Bea", null)).isEqualTo(new InProgress("busy@example.org"));
            assertThat(rows()).isEqualTo(before);
        } finally {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.executeUpdate("DELETE FROM sagas WHERE id = '" + saga + "'");
            }
        }
    }

    @Test
    void withRedisUnreachableRegistrationsStillWorkOnPostgresAlone() throws Exception {
        var config = db.config(Map.of(ConfigKey.REDIS_URL, "redis://127.0.0.1:" + TestServers.freePort(), ConfigKey.REDIS_TIMEOUT, "200ms"));
        try (IntegrityEngine noRedis = IntegrityEngine.start(config, ProgressListener.NONE)) {
            RegistrationOutcome first = noRedis.registration().register(new RegistrationRequest("no-redis@example.org", "Nia", null, null));
            RegistrationOutcome second = noRedis.registration().register(new RegistrationRequest("No-Redis@Example.org", "Nia", null, null));

            assertThat(first).isInstanceOf(Registered.class);
            assertThat(second).isInstanceOf(AlreadyRegistered.class);
        }
        assertThat(count("SELECT count(*) FROM users WHERE email_normalized = 'no-redis@example.org'")).isEqualTo(1);
    }
}
