package org.nstcg.integrity.engine.saga;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.support.ChildJvm;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.RegistrationLoadChild;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;

/**
 * The crash test: a child JVM registers users (half of them referred) from four threads and is killed with
 * SIGKILL at a random moment, 50 times. After each kill, recovery runs and the database must hold no partial
 * registration: every saga COMPLETED or COMPENSATED, no user without profile, no bonus without its referred user,
 * every profile's points equal to its ledger, every referral count equal to the users it referred.
 */
@IntegrityTest(settings = {"saga.lease=500ms", "saga.recovery-interval=1h"})
class RegistrationCrashIT {

    private static final int KILLS = 50;
    private static final Duration LEASE = Duration.ofMillis(500);

    private static TestDatabase db;
    private static IntegrityEngine recoverer;

    @BeforeAll
    static void start(TestDatabase slice, IntegrityEngine engine) {
        db = slice;
        recoverer = engine;
    }

    private static List<String> childArgs(int run) {
        return List.of("db.url=" + TestServers.jdbcUrl(), "db.user=" + TestServers.dbUser(), "db.password=" + TestServers.dbPassword(),
                "db.schema=" + db.schema(), "redis.url=" + TestServers.redisUrl(), "redis.key-prefix=" + db.redisPrefix(),
                "db.pool.size=6", "saga.lease=500ms", "saga.recovery-interval=1h", "run=" + run);
    }

    private static Process spawn(int run) throws Exception {
        List<String> args = new ArrayList<>(childArgs(run));
        args.add("await-go=true");
        return ChildJvm.builder(RegistrationLoadChild.class, args.toArray(String[]::new)).redirectErrorStream(true).start();
    }

    private static long count(String sql) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Invariants that no crash may break, each with the query that counts its violations. */
    private static final Map<String, String> INVARIANTS = new LinkedHashMap<>();

    static {
        INVARIANTS.put("saga neither completed nor compensated",
                "SELECT count(*) FROM sagas WHERE status NOT IN ('COMPLETED', 'COMPENSATED')");
        INVARIANTS.put("user without profile",
                "SELECT count(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM gamification_profiles p WHERE p.user_id = u.id)");
        INVARIANTS.put("user of a saga that did not complete",
                "SELECT count(*) FROM users u JOIN sagas s ON s.id = u.created_by_saga WHERE s.status <> 'COMPLETED'");
        INVARIANTS.put("user without its registered event",
                "SELECT count(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM outbox_events o WHERE o.aggregate_id = u.id::text)");
        INVARIANTS.put("bonus without referred user",
                "SELECT count(*) FROM points_ledger l WHERE l.reason = 'referral_bonus' AND NOT EXISTS (SELECT 1 FROM users u"
                        + " WHERE u.email_normalized = substring(l.idempotency_key FROM 16) AND u.referred_by = l.user_id)");
        INVARIANTS.put("points not equal to ledger sum",
                "SELECT count(*) FROM profile_totals p WHERE p.points <> (SELECT coalesce(sum(delta), 0) FROM points_ledger l"
                        + " WHERE l.user_id = p.user_id)");
        INVARIANTS.put("referral count not equal to referred users",
                "SELECT count(*) FROM profile_totals p WHERE p.referral_count <> (SELECT count(*) FROM users u"
                        + " WHERE u.referred_by = p.user_id)");
    }

    @Test
    void fiftyKillsAtRandomMomentsLeaveNoPartialRegistration() throws Exception {
        Random random = new Random(20261125L);
        long interrupted = 0;
        // Each child's JVM starts while the last kill is recovered (it waits for "GO" before starting its engine, whose
        // first recovery pass would otherwise race the recoverer's): the test waits for leases, not for JVMs.
        Process next = spawn(1);
        try {
            for (int kill = 1; kill <= KILLS; kill++) {
                Process child = next;
                try {
                    ChildJvm.awaitLine(child, "WAITING", Duration.ofSeconds(120));
                    child.getOutputStream().write("GO\n".getBytes(StandardCharsets.UTF_8));
                    child.getOutputStream().flush();
                    ChildJvm.awaitLine(child, "READY", Duration.ofSeconds(120));
                    Thread.sleep(50 + random.nextInt(600));
                } finally {
                    child.destroyForcibly(); // SIGKILL, mid-registration
                    child.waitFor();
                }
                next = kill < KILLS ? spawn(kill + 1) : null;
                // The dead child's leases expire; a statement its backend was still running when it died may commit a
                // little later (on a loaded machine) and extend a lease, so recovery runs again until nothing is left,
                // for at most 20 leases.
                List<SagaOutcome> recovered = new ArrayList<>();
                for (int round = 0; round < 20; round++) {
                    Thread.sleep(LEASE.toMillis() + 100);
                    recovered.addAll(recoverer.sagas().recoverExpired());
                    if (count("SELECT count(*) FROM sagas WHERE status IN ('RUNNING', 'COMPENSATING')") == 0) {
                        break;
                    }
                }
                interrupted += recovered.size();
                assertThat(recovered).as("kill %d: recovery finished every saga it took", kill)
                        .allMatch(o -> o instanceof SagaOutcome.Completed || o instanceof SagaOutcome.Compensated);
                for (Map.Entry<String, String> invariant : INVARIANTS.entrySet()) {
                    assertThat(count(invariant.getValue())).as("kill %d: %s", kill, invariant.getKey()).isZero();
                }
            }
        } finally {
            if (next != null) {
                next.destroyForcibly();
            }
        }
        assertThat(count("SELECT count(*) FROM users")).as("the children did register users").isGreaterThan(KILLS);
        assertThat(count("SELECT count(*) FROM users WHERE referred_by IS NOT NULL")).isPositive();
        assertThat(interrupted).as("some kills hit a saga mid-way, and recovery finished it").isPositive();
    }
}
