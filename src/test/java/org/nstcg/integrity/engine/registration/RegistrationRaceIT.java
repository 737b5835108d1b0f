package org.nstcg.integrity.engine.registration;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;
import redis.embedded.RedisServer;

/**
 * Two engine instances (own connection pools, own Redis clients) racing to register one mailbox under many
 * spellings: exactly one user, everyone else told AlreadyRegistered or InProgress. And the same with Redis
 * stopped in the middle of the run.
 */
@IntegrityTest(engine = IntegrityTest.Engine.NONE)
class RegistrationRaceIT {

    private static final int THREADS = 64;
    private static final int ROUNDS = 20;

    private static TestDatabase db;
    private static IntegrityEngine a;
    private static IntegrityEngine b;
    private static ExecutorService pool;

    @BeforeAll
    static void start(TestDatabase slice) {
        db = slice;
        a = IntegrityEngine.start(db.config(Map.of(ConfigKey.DB_POOL_SIZE, "16")), ProgressListener.NONE);
        b = IntegrityEngine.start(db.config(Map.of(ConfigKey.DB_POOL_SIZE, "16")), ProgressListener.NONE);
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
        a.close();
        b.close();
    }

    /** 16 spellings of one Gmail mailbox: case, dots, +tags and the googlemail alias. */
    static List<String> spellings(String name) {
        List<String> s = new ArrayList<>();
        String dotted = name.charAt(0) + "." + name.substring(1);
        for (String local : List.of(name, name.toUpperCase(), dotted, dotted.toUpperCase())) {
            for (String domain : List.of("gmail.com", "GoogleMail.com")) {
                s.add(local + "@" + domain);
                s.add(local + "+race" + s.size() + "@" + domain);
            }
        }
        return s;
    }

    private static List<RegistrationOutcome> race(List<String> spellings, IntegrityEngine... engines) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<RegistrationOutcome>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            IntegrityEngine engine = engines[t % engines.length];
            String email = spellings.get(t % spellings.size());
            Callable<RegistrationOutcome> call = () -> {
                go.await();
                return engine.registration().register(new RegistrationRequest(email, "Racer", null, null));
            };
            futures.add(pool.submit(call));
        }
        go.countDown();
        List<RegistrationOutcome> outcomes = new ArrayList<>();
        for (Future<RegistrationOutcome> f : futures) {
            outcomes.add(f.get(60, TimeUnit.SECONDS));
        }
        return outcomes;
    }

    private static long activeUsers(String mailbox) throws Exception {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM users WHERE email_normalized = ? AND status = 'active'")) {
            ps.setString(1, mailbox);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void sixtyFourThreadsOnTwoInstancesRegisterOneMailboxExactlyOnceTwentyTimesOver() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            String name = "racer" + round + "x";
            List<String> spellings = spellings(name);
            assertThat(spellings).hasSize(16);

            List<RegistrationOutcome> outcomes = race(spellings, a, b);

            assertThat(outcomes.stream().filter(o -> o instanceof RegistrationOutcome.Registered).count())
                    .as("round %d: registered", round).isEqualTo(1);
            assertThat(outcomes).as("round %d", round).allMatch(o -> o instanceof RegistrationOutcome.Registered
                    || o instanceof RegistrationOutcome.AlreadyRegistered || o instanceof RegistrationOutcome.InProgress);
            assertThat(activeUsers(name + "@gmail.com")).as("round %d: users in PostgreSQL", round).isEqualTo(1);
        }
    }

    @Test
    void redisStoppedMidRunChangesNothingAboutCorrectness() throws Exception {
        int port = TestServers.freePort();
        RedisServer redis = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").build();
        redis.start();
        Map<ConfigKey, String> own = Map.of(ConfigKey.REDIS_URL, "redis://127.0.0.1:" + port, ConfigKey.REDIS_TIMEOUT, "300ms",
                ConfigKey.DB_POOL_SIZE, "16");
        try (IntegrityEngine x = IntegrityEngine.start(db.config(own), ProgressListener.NONE);
             IntegrityEngine y = IntegrityEngine.start(db.config(own), ProgressListener.NONE)) {
            for (int round = 0; round < 8; round++) {
                if (round == 3) {
                    redis.stop(); // from here on every instance runs on PostgreSQL alone
                }
                String name = "outage" + round + "y";
                List<RegistrationOutcome> outcomes = race(spellings(name), x, y);

                assertThat(outcomes.stream().filter(o -> o instanceof RegistrationOutcome.Registered).count())
                        .as("round %d (Redis %s)", round, round < 3 ? "up" : "down").isEqualTo(1);
                assertThat(activeUsers(name + "@gmail.com")).isEqualTo(1);
            }
            assertThat(x.health().redis().up()).isFalse();
        } finally {
            if (redis.isActive()) {
                redis.stop();
            }
        }
    }
}
