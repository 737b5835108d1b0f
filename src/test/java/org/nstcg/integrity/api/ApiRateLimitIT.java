package org.nstcg.integrity.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;

/**
 * The rate limits of {@code POST /api/registrations} and {@code GET /api/referrals/{code}}: per client address, per
 * normalised mailbox, off, X-Forwarded-For only from a trusted proxy, and the per-instance fallback while Redis is
 * down. Each test has its own slice (and so its own Redis prefix), so one test's counts never reach another's.
 */
@IntegrityTest(engine = IntegrityTest.Engine.NONE, perTest = true)
class ApiRateLimitIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
    }

    private record Answer(int status, JsonNode body, HttpResponse<String> raw) {
    }

    private ApiServer serve(TestDatabase db, Map<ConfigKey, String> settings) {
        IntegrityEngine engine = IntegrityEngine.start(db.config(settings), Clock.systemUTC(), ProgressListener.NONE, IntegrityEngine.Mode.ONE_SHOT);
        started.add(engine);
        ApiServer server = ApiServer.start(engine, ApiSettings.from(engine.config()).on("127.0.0.1", 0));
        started.add(server);
        return server;
    }

    private static Answer send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> r = HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()), r);
    }

    private static Answer signUp(ApiServer on, String email, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(on.url() + "/api/registrations")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\": \"" + email + "\", \"firstName\": \"Ada\"}"));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b);
    }

    private static Answer checkCode(ApiServer on, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(on.url() + "/api/referrals/NOPE-NOTACODE")).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return send(b);
    }

    private static long rows(TestDatabase db) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM gamification_profiles) + (SELECT count(*) FROM points_ledger)"
                        + " + (SELECT count(*) FROM outbox_events) + (SELECT count(*) FROM sagas)")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void assertLimited(Answer a, long atMostSeconds) {
        assertThat(a.status()).as(a.raw().body()).isEqualTo(429);
        assertThat(a.body().get("error").asText()).isEqualTo("rate_limited");
        assertThat(a.body().get("message").asText()).startsWith("There have been too many attempts").endsWith(".");
        assertThat(a.raw().headers().firstValue("Retry-After")).hasValueSatisfying(s ->
                assertThat(Long.parseLong(s)).isBetween(1L, atMostSeconds));
    }

    @Test
    void the31stRequestFromOneAddressInAMinuteIs429WithRetryAfterAndWritesNothing(TestDatabase db) throws Exception {
        ApiServer server = serve(db, Map.of());
        for (int i = 0; i < 29; i++) {
            assertThat(checkCode(server).status()).isEqualTo(404);
        }
        assertThat(signUp(server, "first@example.org").status()).isEqualTo(201); // the 30th
        long before = rows(db);

        assertLimited(signUp(server, "thirty-first@example.org"), 60);
        assertLimited(checkCode(server), 60);
        assertThat(rows(db)).isEqualTo(before);
    }

    @Test
    void theSixthAttemptForOneMailboxHoweverSpeltIs429(TestDatabase db) throws Exception {
        ApiServer server = serve(db, Map.of());
        List<String> spellings = List.of("Ada.Lovelace@gmail.com", "adalovelace@gmail.com", "ada.lovelace+news@gmail.com",
                "ADALOVELACE@GMAIL.COM", "a.d.a.lovelace@googlemail.com");
        assertThat(signUp(server, spellings.get(0)).status()).isEqualTo(201);
        for (String s : spellings.subList(1, 5)) {
            assertThat(signUp(server, s).status()).as(s).isEqualTo(409);
        }
        long before = rows(db);

        assertLimited(signUp(server, "ada.lovelace+again@gmail.com"), 3600);
        assertThat(rows(db)).isEqualTo(before);
        assertThat(signUp(server, "grace@example.org").status()).as("another mailbox has its own allowance").isEqualTo(201);
    }

    @Test
    void twoInstancesShareOneAllowanceThroughRedis(TestDatabase db) throws Exception {
        Map<ConfigKey, String> twoAMinute = Map.of(ConfigKey.API_RATE_LIMIT_IP, "2/1m");
        ApiServer one = serve(db, twoAMinute);
        ApiServer other = serve(db, twoAMinute);

        assertThat(checkCode(one).status()).isEqualTo(404);
        assertThat(checkCode(other).status()).isEqualTo(404);
        assertLimited(checkCode(one), 60);
        assertLimited(checkCode(other), 60);
    }

    @Test
    void offLimitsNothing(TestDatabase db) throws Exception {
        ApiServer server = serve(db, Map.of(ConfigKey.API_RATE_LIMIT_IP, "off", ConfigKey.API_RATE_LIMIT_MAILBOX, "off"));
        for (int i = 0; i < 32; i++) {
            assertThat(checkCode(server).status()).isEqualTo(404);
        }
        for (int i = 0; i < 7; i++) {
            assertThat(signUp(server, "same" + "+".repeat(i > 0 ? 1 : 0) + (i > 0 ? "x" + i : "") + "@gmail.com").status())
                    .isIn(201, 409);
        }
    }

    @Test
    void forwardedForCountsOnlyFromATrustedProxyAndThenItsRightMostUntrustedAddress(TestDatabase db) throws Exception {
        ApiServer untrusting = serve(db, Map.of(ConfigKey.API_RATE_LIMIT_IP, "2/1m", ConfigKey.API_TRUSTED_PROXIES, "10.0.0.0/8"));
        assertThat(checkCode(untrusting, "X-Forwarded-For", "203.0.113.1").status()).isEqualTo(404);
        assertThat(checkCode(untrusting, "X-Forwarded-For", "203.0.113.2").status()).isEqualTo(404);
        assertLimited(checkCode(untrusting, "X-Forwarded-For", "203.0.113.3"), 60); // all three are 127.0.0.1's

        ApiServer behindProxy = serve(db, Map.of(ConfigKey.API_RATE_LIMIT_IP, "3/1m", ConfigKey.API_TRUSTED_PROXIES, "127.0.0.1, 10.0.0.0/8"));
        for (int i = 0; i < 3; i++) {
            // What the client wrote (a new address each time) is left of what the proxies saw: 198.51.100.7.
            assertThat(checkCode(behindProxy, "X-Forwarded-For", "192.0.2." + i + ", 198.51.100.7, 10.0.0.5").status()).isEqualTo(404);
        }
        assertLimited(checkCode(behindProxy, "X-Forwarded-For", "192.0.2.99, 198.51.100.7, 10.0.0.5"), 60);
        assertThat(checkCode(behindProxy, "X-Forwarded-For", "198.51.100.8").status()).as("another client behind the proxy").isEqualTo(404);
    }

    @Test
    void withRedisDownEachInstanceStillAppliesTheLimit(TestDatabase db) throws Exception {
        ApiServer server = serve(db, Map.of(ConfigKey.REDIS_URL, "redis://127.0.0.1:1", ConfigKey.REDIS_TIMEOUT, "200ms",
                ConfigKey.API_RATE_LIMIT_IP, "3/1m", ConfigKey.API_RATE_LIMIT_MAILBOX, "2/1h"));
        assertThat(signUp(server, "down@example.org").status()).isEqualTo(201);
        assertThat(signUp(server, "Down@Example.org").status()).isEqualTo(409);
        long before = rows(db);

        assertLimited(signUp(server, "down@EXAMPLE.org"), 3600); // the third for the mailbox, the third for the address
        assertLimited(checkCode(server), 60);
        assertThat(rows(db)).isEqualTo(before);
    }
}
