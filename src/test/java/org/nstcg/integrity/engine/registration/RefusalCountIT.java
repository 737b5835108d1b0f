package org.nstcg.integrity.engine.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.integrity.BuiltInChecks;
import org.nstcg.integrity.engine.integrity.OverviewReader;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;
import redis.clients.jedis.RedisClient;

/**
 * Regression (issue 12): sign-ups refused on the Redis fast path wrote nothing, so the overview's "sign-ups blocked"
 * tile and the blocked-registrations alert undercounted them. Every refusal is now counted, whichever path refused it,
 * and another instance's tile and alert see it.
 */
@IntegrityTest(engine = IntegrityTest.Engine.NONE, perTest = true)
class RefusalCountIT {

    private TestDatabase db;
    private IntegrityEngine console;
    private IntegrityEngine signups;

    @BeforeEach
    void start(TestDatabase slice) {
        db = slice;
        Map<ConfigKey, String> settings = new EnumMap<>(ConfigKey.class);
        settings.put(ConfigKey.CHECKS_INTERVAL, "off");
        settings.put(ConfigKey.CACHE_SAMPLE_INTERVAL, "1h");
        settings.put(ConfigKey.SAGA_RECOVERY_INTERVAL, "1h");
        settings.put(ConfigKey.ALERTS_BLOCKED_REGISTRATIONS, "1");
        console = IntegrityEngine.start(db.config(settings), ProgressListener.NONE);
        signups = IntegrityEngine.start(db.config(settings), ProgressListener.NONE);
    }

    @AfterEach
    void stop() {
        signups.close();
        console.close();
    }

    @Test
    void refusalsOnEitherPathOfAnotherInstanceReachTheTileAndTheAlert() throws Exception {
        assertThat(signups.registration().register(new RegistrationRequest("twice@example.org", "Tia", null, null)))
                .isInstanceOf(RegistrationOutcome.Registered.class);
        // Refused by the Redis fast path: the mailbox was registered moments ago; nothing is written.
        assertThat(signups.registration().register(new RegistrationRequest("Twice@example.org", "Tia", null, null)))
                .isInstanceOf(RegistrationOutcome.AlreadyRegistered.class);
        assertThat(count("SELECT count(*) FROM sagas WHERE business_key = 'twice@example.org'")).as("no saga for the fast refusal").isEqualTo(1);
        // Refused by the unique index: without the fast path's marker only PostgreSQL can tell.
        try (RedisClient r = RedisClient.create(TestServers.redisUri())) {
            r.del(db.redisPrefix() + "known:email:twice@example.org");
        }
        assertThat(signups.registration().register(new RegistrationRequest("twice@example.org", "Tia", null, null)))
                .isInstanceOf(RegistrationOutcome.AlreadyRegistered.class);
        signups.registration().refusals().flush(); // (its background flusher may have written some already)

        assertThat(signups.registration().refusals().pending()).isZero();
        assertThat(count("SELECT sum(refusals) FROM signup_refusals")).as("both refusals written").isEqualTo(2);
        OverviewReader overview = new OverviewReader(console.database().jdbc(), console::figures, List::of, 0.05, Clock.systemUTC());
        assertThat(overview.read(TestActors.OPERATOR).blockedLastDay()).as("the other instance's tile counts both refusals").isEqualTo(2);

        console.checks().run(Actor.operator("ops"), List.of(BuiltInChecks.ORPHANS), ProgressListener.NONE);
        assertThat(console.alerts().recent()).filteredOn(a -> a.source().equals("integrity.blocked-registrations")).singleElement()
                .satisfies(a -> assertThat(a.message()).startsWith("2 registrations were refused in the last hour"));
    }

    @Test
    void aFlushThatCannotReachTheDatabaseKeepsItsCounts() throws Exception {
        org.postgresql.ds.PGSimpleDataSource down = new org.postgresql.ds.PGSimpleDataSource();
        down.setURL("jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2"); // nothing listens on port 1
        RefusalCounter counter = new RefusalCounter(new org.nstcg.integrity.engine.store.Jdbc(down), "test", Clock.systemUTC());
        counter.record(RegistrationSaga.Refusal.ALREADY_REGISTERED);
        counter.record(RegistrationSaga.Refusal.IN_PROGRESS);

        org.assertj.core.api.Assertions.assertThatThrownBy(counter::flush).isInstanceOf(org.nstcg.integrity.engine.store.StoreException.class)
                .hasCauseInstanceOf(java.sql.SQLException.class);

        assertThat(counter.pending()).isEqualTo(2);
    }

    private long count(String sql) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
