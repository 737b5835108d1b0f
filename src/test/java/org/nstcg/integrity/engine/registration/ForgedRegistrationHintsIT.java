package org.nstcg.integrity.engine.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.registration.RegistrationOutcome.AlreadyRegistered;
import org.nstcg.integrity.engine.registration.RegistrationOutcome.Registered;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestServers;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * Redis is untrusted input (issue 14, §5): a forged "known email" or reservation key made a new user hear "already
 * registered" or "in progress". Both keys are hints now: a refusal they suggest is confirmed against PostgreSQL, a
 * hint PostgreSQL contradicts is deleted and counted, and a key without an expiry (or with one no engine sets) is no
 * hint at all.
 */
@IntegrityTest
class ForgedRegistrationHintsIT {

    private static IntegrityEngine engine;
    private static RedisClient raw;

    @BeforeAll
    static void start(IntegrityEngine started) {
        engine = started;
        raw = RedisClient.create(TestServers.redisUri());
    }

    @AfterAll
    static void stop() {
        raw.close();
    }

    private static String mailbox() {
        return "hint" + UUID.randomUUID().toString().substring(0, 10) + "@example.org";
    }

    private static RegistrationOutcome register(String email) {
        return engine.registration().register(new RegistrationRequest(email, "Hilda", null, null));
    }

    private static String known(String mailbox) {
        return engine.redis().key("known:email:" + mailbox);
    }

    private static String reservation(String mailbox) {
        return engine.redis().key("reserve:email:" + mailbox);
    }

    @Test
    void aForgedKnownEmailKeyDoesNotStopANewUser() {
        String mailbox = mailbox();
        raw.set(known(mailbox), "1", SetParams.setParams().px(60_000));

        assertThat(register(mailbox)).isInstanceOf(Registered.class);
        assertThat(engine.registration().hintsOverruled()).isPositive();
    }

    @Test
    void aForgedReservationDoesNotStopANewUser() {
        String mailbox = mailbox();
        raw.set(reservation(mailbox), "someone-else", SetParams.setParams().px(20_000));

        assertThat(register(mailbox)).isInstanceOf(Registered.class);
        assertThat(raw.get(reservation(mailbox))).as("the forged reservation is gone").isNull();
    }

    @Test
    void keysWithoutAnExpiryOrWithALongerOneThanTheEngineSetsAreNoHints() {
        String first = mailbox();
        String second = mailbox();
        String third = mailbox();
        raw.set(known(first), "1");
        raw.set(reservation(second), "someone-else");
        raw.set(known(third), "1", SetParams.setParams().px(3_600_000));
        long before = engine.registration().hintsOverruled();

        assertThat(register(first)).isInstanceOf(Registered.class);
        assertThat(register(second)).isInstanceOf(Registered.class);
        assertThat(register(third)).isInstanceOf(Registered.class);
        assertThat(engine.registration().hintsOverruled()).isEqualTo(before + 3);
    }

    @Test
    void aRealDuplicateIsStillRefusedByTheKnownEmailHintAndAReservationOfARegisteredMailboxToo() {
        String mailbox = mailbox();
        assertThat(register(mailbox)).isInstanceOf(Registered.class);
        assertThat(raw.pttl(known(mailbox))).as("remembered with an expiry").isPositive();
        long before = engine.registration().hintsOverruled();

        assertThat(register(mailbox)).isEqualTo(new AlreadyRegistered(mailbox));

        String other = mailbox();
        assertThat(register(other)).isInstanceOf(Registered.class);
        raw.del(known(other));
        raw.set(reservation(other), "someone-else", SetParams.setParams().px(20_000));
        assertThat(register(other)).as("PostgreSQL knows better than \"in progress\"").isEqualTo(new AlreadyRegistered(other));
        assertThat(engine.registration().hintsOverruled()).isEqualTo(before);
    }
}
