package org.nstcg.integrity.engine.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.cache.DivergenceSampler;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.engine.support.Alert;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;

/**
 * The PRD's alerts through the engine's {@link AlertHub}: each fires when its figure goes above its configured
 * threshold and not at or below it — duplicate referral codes, registrations refused as already registered, saga
 * rollback rate, cache inconsistency — and reaches the recent list, the listeners and the webhook as JSON.
 */
@IntegrityTest(engine = IntegrityTest.Engine.NONE, perTest = true)
class CheckAlertsIT {

    private TestDatabase db;
    private IntegrityEngine engine;
    private HttpServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final List<Alert> heard = new CopyOnWriteArrayList<>();
    private int seq;

    @BeforeEach
    void start(TestDatabase slice) throws IOException {
        db = slice;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
        server.stop(0);
    }

    private void startEngine(Map<ConfigKey, String> overrides) {
        Map<ConfigKey, String> all = new EnumMap<>(ConfigKey.class);
        all.put(ConfigKey.CHECKS_INTERVAL, "off");
        all.put(ConfigKey.CACHE_SAMPLE_INTERVAL, "1h");
        all.put(ConfigKey.SAGA_RECOVERY_INTERVAL, "1h");
        all.put(ConfigKey.ALERTS_WEBHOOK_URL, "http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
        all.putAll(overrides);
        engine = IntegrityEngine.start(db.config(all), ProgressListener.NONE);
        engine.alerts().subscribe(heard::add);
    }

    private long register() {
        int n = ++seq;
        RegistrationOutcome o = engine.registration().register(new RegistrationRequest("alerted" + n + "@example.org", "Alert", "Number" + n, null));
        return ((RegistrationOutcome.Registered) o).userId();
    }

    private void sql(String... statements) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private List<Alert> alertsFrom(String source) {
        return engine.alerts().recent().stream().filter(a -> a.source().equals(source)).toList();
    }

    private void plantSharedCode(long a, long b) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE users DROP CONSTRAINT IF EXISTS users_referral_code_uk");
            st.execute("ALTER TABLE users DISABLE TRIGGER USER");
            st.execute("UPDATE users SET referral_code = (SELECT referral_code FROM users WHERE id = " + a + ") WHERE id = " + b);
            st.execute("ALTER TABLE users ENABLE TRIGGER USER");
        }
    }

    private void awaitWebhook(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (received.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    @Test
    void aDuplicateReferralCodeRaisesACriticalAlertThatReachesTheListenerAndTheWebhookAsJson() throws Exception {
        startEngine(Map.of());
        long a = register();
        long b = register();
        engine.checks().run(Actor.operator("alice"));
        assertThat(alertsFrom(CheckAlerts.DUPLICATE_REFERRAL_CODES)).isEmpty();

        plantSharedCode(a, b);
        CheckRun run = engine.checks().run(Actor.operator("alice"));

        List<Alert> raised = alertsFrom(CheckAlerts.DUPLICATE_REFERRAL_CODES);
        assertThat(raised).singleElement().satisfies(alert -> {
            assertThat(alert.severity()).isEqualTo("critical");
            assertThat(alert.message()).contains("1 duplicate referral code").contains("run " + run.id());
        });
        assertThat(heard).contains(raised.get(0));
        awaitWebhook(1);
        JsonNode body = received.stream().map(this::parse).filter(j -> j.path("source").asText().equals(CheckAlerts.DUPLICATE_REFERRAL_CODES))
                .findFirst().orElseThrow();
        assertThat(body.path("severity").asText()).isEqualTo("critical");
        assertThat(body.path("subject").asText()).isEqualTo("run " + run.id());
        assertThat(body.path("message").asText()).isEqualTo(raised.get(0).message());
        assertThat(body.path("at").asText()).isEqualTo(raised.get(0).at().toString());
        WebhookAlertSink webhook = engine.alerts().webhook().orElseThrow();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (webhook.delivered() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(webhook.delivered()).isGreaterThanOrEqualTo(1);
        assertThat(webhook.givenUp()).isZero();

        // Once per crossing: the same duplicate on the next run does not alert again.
        engine.checks().run(Actor.operator("alice"));
        assertThat(alertsFrom(CheckAlerts.DUPLICATE_REFERRAL_CODES)).hasSize(1);
    }

    @Test
    void duplicateReferralCodesAtTheConfiguredThresholdDoNotAlert() throws Exception {
        startEngine(Map.of(ConfigKey.ALERTS_DUPLICATE_REFERRAL_CODES, "1"));
        long a = register();
        long b = register();
        plantSharedCode(a, b);

        CheckRun run = engine.checks().run(Actor.operator("alice"));

        assertThat(run.result(BuiltInChecks.REFERRAL_CODE_UNIQUENESS).orElseThrow().totalFindings()).isEqualTo(1);
        assertThat(alertsFrom(CheckAlerts.DUPLICATE_REFERRAL_CODES)).isEmpty();
    }

    /** {@code n} refusals as already registered, counted by another instance this minute (RefusalCounter's rows). */
    private void refusedRegistrations(int n) throws SQLException {
        sql("INSERT INTO signup_refusals (minute, instance, reason, refusals) VALUES (date_trunc('minute', now()), 'other"
                + (++seq) + "', 'already_registered', " + n + ")");
    }

    @Test
    void blockedRegistrationsAlertAboveTheConfiguredCountInTheLastHour() throws Exception {
        startEngine(Map.of(ConfigKey.ALERTS_BLOCKED_REGISTRATIONS, "3"));
        refusedRegistrations(3);
        // Refusals older than an hour, refusals of another kind and compensations for faults do not count.
        sql("INSERT INTO signup_refusals (minute, instance, reason, refusals) VALUES"
                + " (date_trunc('minute', now() - interval '2 hours'), 'old', 'already_registered', 5),"
                + " (date_trunc('minute', now()), 'racing', 'in_progress', 5)",
                "INSERT INTO sagas (id, saga_type, business_key, status, current_step, step_count, last_error, finished_at)"
                + " VALUES (gen_random_uuid(), 'registration', 'fault@example.org', 'COMPENSATED', 0, 5, 'connection reset', now())");
        engine.checks().run(Actor.operator("alice"), List.of(BuiltInChecks.ORPHANS), ProgressListener.NONE);
        assertThat(alertsFrom(CheckAlerts.BLOCKED_REGISTRATIONS)).isEmpty();

        refusedRegistrations(1);
        engine.checks().run(Actor.operator("alice"), List.of(BuiltInChecks.ORPHANS), ProgressListener.NONE);

        assertThat(alertsFrom(CheckAlerts.BLOCKED_REGISTRATIONS)).singleElement()
                .satisfies(alert -> assertThat(alert.message()).startsWith("4 registrations were refused in the last hour"));
    }

    private void finishedSagas(int completed, int rolledBack) throws SQLException {
        sql("INSERT INTO sagas (id, saga_type, business_key, status, current_step, step_count, last_error, finished_at)"
                + " SELECT gen_random_uuid(), 'registration', 'ok' || g, 'COMPLETED', 5, 5, NULL, now() FROM generate_series(1, " + completed + ") g",
                "INSERT INTO sagas (id, saga_type, business_key, status, current_step, step_count, last_error, finished_at)"
                + " SELECT gen_random_uuid(), 'registration', 'undone' || g, 'COMPENSATED', 0, 5, 'step failed', now()"
                + " FROM generate_series(1, " + rolledBack + ") g WHERE " + rolledBack + " > 0");
    }

    @Test
    void sagaRollbackRateAlertsAboveTheConfiguredShare() throws Exception {
        startEngine(Map.of());
        finishedSagas(99, 1); // exactly 1%: not above
        engine.checks().run(Actor.operator("alice"), List.of(BuiltInChecks.ORPHANS), ProgressListener.NONE);
        assertThat(alertsFrom(CheckAlerts.ROLLBACK_RATE)).isEmpty();

        finishedSagas(0, 1); // 2 of 101
        engine.checks().run(Actor.operator("alice"), List.of(BuiltInChecks.ORPHANS), ProgressListener.NONE);

        assertThat(alertsFrom(CheckAlerts.ROLLBACK_RATE)).singleElement()
                .satisfies(alert -> assertThat(alert.message()).startsWith("2.0% of the 101 sagas finished in the last hour"));
    }

    @Test
    void cacheInconsistencyAlertsAboveFivePercentOfSampledEntriesAndNotBelow() throws Exception {
        startEngine(Map.of());
        List<Long> users = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            users.add(register());
        }
        for (long id : users) {
            engine.cache().user(id);
        }
        sql("UPDATE users SET last_name = 'Changed' WHERE id = " + users.get(0)); // 1 of 40 = 2.5%
        engine.checks().run(Actor.operator("alice"), List.of(BuiltInChecks.CACHE_CONSISTENCY), ProgressListener.NONE);
        assertThat(alertsFrom(DivergenceSampler.ALERT_SOURCE)).isEmpty();

        sql("UPDATE users SET last_name = 'Changed' WHERE id IN (" + users.get(1) + ", " + users.get(2) + ")"); // 3 of 40 = 7.5%
        CheckRun run = engine.checks().run(Actor.operator("alice"), List.of(BuiltInChecks.CACHE_CONSISTENCY), ProgressListener.NONE);

        assertThat(run.results().get(0).findings().get(0).details().path("divergent").asInt()).isEqualTo(3);
        assertThat(alertsFrom(DivergenceSampler.ALERT_SOURCE)).singleElement()
                .satisfies(alert -> assertThat(alert.message()).contains("7.5% of the sampled user:* entries"));
        awaitWebhook(1);
        assertThat(received).anySatisfy(b -> assertThat(parse(b).path("source").asText()).isEqualTo(DivergenceSampler.ALERT_SOURCE));
    }

    @Test
    void aCleanRunRaisesNoAlertAtAll() throws Exception {
        startEngine(Map.of());
        register();
        finishedSagas(50, 0);
        refusedRegistrations(2);

        engine.checks().run(Actor.operator("alice"));

        assertThat(engine.alerts().recent()).isEmpty();
        Thread.sleep(200);
        assertThat(received).isEmpty();
    }

    private JsonNode parse(String s) {
        try {
            return new ObjectMapper().readTree(s);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unused")
    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
