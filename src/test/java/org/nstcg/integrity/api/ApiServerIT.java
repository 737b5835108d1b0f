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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;
import redis.clients.jedis.RedisClient;

/**
 * The HTTP API over a real engine (PostgreSQL and Redis): every status code the sign-up form can get, a JSON body
 * with a sentence for each, and nothing written on any refusal. One server on a free loopback port for the class.
 */
@IntegrityTest(settings = {"api.rate-limit-ip=off", "api.rate-limit-mailbox=off"}) // limits: ApiRateLimitIT
class ApiServerIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static TestDatabase db;
    private static IntegrityEngine engine;
    private static ApiServer server;

    @BeforeAll
    static void start(TestDatabase slice, IntegrityEngine started) {
        db = slice;
        engine = started;
        server = ApiServer.start(engine, ApiSettings.from(engine.config()).on("127.0.0.1", 0));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private record Answer(int status, JsonNode body, HttpResponse<String> raw) {
    }

    private static Answer send(ApiServer on, HttpRequest.Builder request) throws Exception {
        HttpResponse<String> r = HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = r.body().isEmpty() || !r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
                ? null : JSON.readTree(r.body());
        return new Answer(r.statusCode(), body, r);
    }

    private static HttpRequest.Builder at(ApiServer on, String path) {
        return HttpRequest.newBuilder(URI.create(on.url() + path));
    }

    private static Answer post(String body) throws Exception {
        return post(server, "application/json", body);
    }

    private static Answer post(ApiServer on, String contentType, String body) throws Exception {
        return send(on, at(on, "/api/registrations").header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private static Answer get(String path) throws Exception {
        return send(server, at(server, path).GET());
    }

    private static long count(TestDatabase in, String sql) throws SQLException {
        try (Connection c = in.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Users, profiles, ledger entries, outbox events and sagas: what any registration would add to. */
    private static long rows(TestDatabase in) throws SQLException {
        return count(in, "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM gamification_profiles)"
                + " + (SELECT count(*) FROM points_ledger) + (SELECT count(*) FROM outbox_events) + (SELECT count(*) FROM sagas)");
    }

    private static void assertError(Answer a, int status, String code) {
        assertThat(a.status()).as(a.raw().body()).isEqualTo(status);
        assertThat(a.body().get("error").asText()).isEqualTo(code);
        assertThat(a.body().get("message").asText()).endsWith(".").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void aSignUpIs201WithItsCodeAndARepeatIs409WritingNothing() throws Exception {
        Answer first = post("{\"email\": \"Grace.Hopper+news@Gmail.com\", \"firstName\": \"Grace\", \"lastName\": \"Hopper\"}");

        assertThat(first.status()).as(first.raw().body()).isEqualTo(201);
        long userId = first.body().get("userId").asLong();
        String code = first.body().get("referralCode").asText();
        assertThat(first.body().get("referralBonus").asBoolean()).isFalse();
        assertThat(first.body().get("message").asText()).contains(code);
        assertThat(first.raw().headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(count(db, "SELECT count(*) FROM users WHERE id = " + userId + " AND email_normalized = 'gracehopper@gmail.com'"))
                .isEqualTo(1);

        Answer referred = post("{\"email\": \"ada@example.org\", \"firstName\": \"Ada\", \"referralCode\": \"" + code.toLowerCase() + "\"}");
        assertThat(referred.status()).as(referred.raw().body()).isEqualTo(201);
        assertThat(referred.body().get("referralBonus").asBoolean()).isTrue();

        long before = rows(db);
        Answer again = post("{\"email\": \"gracehopper@gmail.com\", \"firstName\": \"Grace\"}");
        assertError(again, 409, "already_registered");
        assertThat(rows(db)).isEqualTo(before);
    }

    private static Answer postWithKey(String key, String body) throws Exception {
        return send(server, at(server, "/api/registrations").header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyGetsTheFirstAnswerNotA409() throws Exception {
        String key = java.util.UUID.randomUUID().toString();
        Answer first = postWithKey(key, "{\"email\": \"retry@example.org\", \"firstName\": \"Rita\"}");
        long after = rows(db);

        Answer retried = postWithKey(key, "{ \"firstName\": \"Rita\",  \"email\": \"retry@example.org\" }");
        Answer withoutKey = post("{\"email\": \"retry@example.org\", \"firstName\": \"Rita\"}");

        assertThat(first.status()).as(first.raw().body()).isEqualTo(201);
        assertThat(retried.status()).isEqualTo(201);
        assertThat(retried.body()).isEqualTo(first.body());
        assertThat(retried.raw().headers().firstValue("Idempotent-Replayed")).contains("true");
        assertError(withoutKey, 409, "already_registered");
        assertThat(rows(db)).isEqualTo(after);
        assertThat(count(db, "SELECT count(*) FROM users WHERE email_normalized = 'retry@example.org'")).isEqualTo(1);
    }

    @Test
    void anIdempotencyKeyReusedForAnotherSignUpIs422AndWritesNothing() throws Exception {
        String key = java.util.UUID.randomUUID().toString();
        assertThat(postWithKey(key, "{\"email\": \"once@example.org\", \"firstName\": \"Olive\"}").status()).isEqualTo(201);
        long before = rows(db);

        Answer reused = postWithKey(key, "{\"email\": \"twice@example.org\", \"firstName\": \"Olive\"}");
        Answer badKey = postWithKey(" ", "{\"email\": \"twice@example.org\", \"firstName\": \"Olive\"}");

        assertError(reused, 422, "idempotency_key_reused");
        assertError(badKey, 400, "malformed");
        assertThat(rows(db)).isEqualTo(before);
        assertThat(count(db, "SELECT count(*) FROM users WHERE email_normalized = 'twice@example.org'")).isZero();
    }

    @Test
    void concurrentPostsWithOneIdempotencyKeyMakeOneUser() throws Exception {
        String key = java.util.UUID.randomUUID().toString();
        String body = "{\"email\": \"racing@example.org\", \"firstName\": \"Rae\"}";
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        List<Answer> answers = new java.util.ArrayList<>();
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Answer>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return postWithKey(key, body);
                }));
            }
            go.countDown();
            for (java.util.concurrent.Future<Answer> f : futures) {
                answers.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }

        List<Answer> created = answers.stream().filter(a -> a.status() == 201).toList();
        assertThat(created).isNotEmpty();
        assertThat(created).allSatisfy(a -> assertThat(a.body()).isEqualTo(created.get(0).body()));
        assertThat(answers).allSatisfy(a -> assertThat(a.status()).as(a.raw().body()).isIn(201, 409));
        answers.stream().filter(a -> a.status() == 409).forEach(a -> assertError(a, 409, "in_progress"));
        assertThat(count(db, "SELECT count(*) FROM users WHERE email_normalized = 'racing@example.org'")).isEqualTo(1);
        assertThat(count(db, "SELECT count(*) FROM sagas WHERE business_key = 'racing@example.org'")).isEqualTo(1);
    }

    @Test
    void aMailboxAnotherInstanceIsRegisteringIs409InProgress() throws Exception {
        // Another instance's registration as seen from here: its reservation in Redis and its running saga.
        String saga = java.util.UUID.randomUUID().toString();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO sagas (id, saga_type, business_key, status, owner_instance, lease_expires_at, step_count)"
                    + " VALUES ('" + saga + "', 'registration', 'busy@example.org', 'RUNNING', 'another-instance', now() + interval '1 hour', 5)");
        }
        try (RedisClient r = RedisClient.create(TestServers.redisUri())) {
            r.set(db.redisPrefix() + "reserve:email:busy@example.org", saga + ":ReserveEmail",
                    redis.clients.jedis.params.SetParams.setParams().px(20_000));
        }
        long before = rows(db);
        try {
            Answer a = post("{\"email\": \"busy@example.org\", \"firstName\": \"Bea\"}");

            assertError(a, 409, "in_progress");
            assertThat(a.raw().headers().firstValue("Retry-After")).isPresent();
            assertThat(rows(db)).isEqualTo(before);
        } finally {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.executeUpdate("DELETE FROM sagas WHERE id = '" + saga + "'");
            }
        }
    }

    @Test
    void invalidInputIs422NamingTheFieldAndAMistypedCodeComesWithItsSuggestion() throws Exception {
        Answer owner = post("{\"email\": \"kat@example.org\", \"firstName\": \"Katherine\"}");
        String code = owner.body().get("referralCode").asText();
        String mistyped = code.substring(0, code.length() - 1) + (code.endsWith("0") ? "1" : "0");
        long before = rows(db);

        Answer email = post("{\"email\": \"not-an-address\", \"firstName\": \"Nat\"}");
        Answer name = post("{\"email\": \"nat@example.org\", \"firstName\": \"  \"}");
        Answer referral = post("{\"email\": \"nat@example.org\", \"firstName\": \"Nat\", \"referralCode\": \"" + mistyped + "\"}");

        assertError(email, 422, "invalid");
        assertThat(email.body().get("field").asText()).isEqualTo("email");
        assertThat(email.body().get("message").asText()).startsWith("The email address ");
        assertError(name, 422, "invalid");
        assertThat(name.body().get("field").asText()).isEqualTo("firstName");
        assertError(referral, 422, "invalid");
        assertThat(referral.body().get("field").asText()).isEqualTo("referralCode");
        assertThat(referral.body().get("suggestion").asText()).isEqualTo(code);
        assertThat(rows(db)).isEqualTo(before);
    }

    @Test
    void bodiesTheEngineNeverSeesAre400413Or415AndWriteNothing() throws Exception {
        long before = rows(db);
        String big = "{\"email\": \"big@example.org\", \"firstName\": \"" + "B".repeat(17 * 1024) + "\"}";

        for (String malformed : List.of("{\"email\": \"m@example.org\",", "[\"m@example.org\"]", "{\"email\": 7, \"firstName\": \"M\"}",
                "{\"email\": \"m@example.org\", \"email\": \"n@example.org\", \"firstName\": \"M\"}", "")) {
            assertError(post(malformed), 400, "malformed");
        }
        assertError(post(big), 413, "too_large");
        Answer chunked = send(server, at(server, "/api/registrations").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big.getBytes()))));
        assertError(chunked, 413, "too_large");
        assertError(post(server, "text/plain", "{\"email\": \"t@example.org\", \"firstName\": \"T\"}"), 415, "unsupported_media_type");
        assertError(post(server, "application/x-www-form-urlencoded", "email=t@example.org&firstName=T"), 415, "unsupported_media_type");
        assertThat(post(server, "application/json; charset=utf-8", "{\"email\": \"utf@example.org\", \"firstName\": \"Zoë\"}").status())
                .isEqualTo(201);
        assertThat(rows(db)).isEqualTo(before + 5); // the one accepted sign-up: user, profile, ledger entry, event, saga
    }

    @Test
    void aReferralCodeIsValidUnknownOrMistypedWithASuggestion() throws Exception {
        Answer owner = post("{\"email\": \"ref-owner@example.org\", \"firstName\": \"Dorothy\"}");
        String code = owner.body().get("referralCode").asText();
        String mistyped = code.substring(0, code.length() - 1) + (code.endsWith("0") ? "1" : "0");

        Answer valid = get("/api/referrals/" + code.toLowerCase());
        Answer unknown = get("/api/referrals/NOPE-NOTACODE");
        Answer typo = get("/api/referrals/" + mistyped);

        assertThat(valid.status()).isEqualTo(200);
        assertThat(valid.body().get("status").asText()).isEqualTo("valid");
        assertThat(valid.body().get("firstName").asText()).isEqualTo("Dorothy");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().get("status").asText()).isEqualTo("unknown");
        assertThat(typo.status()).isEqualTo(422);
        assertThat(typo.body().get("status").asText()).isEqualTo("mistyped");
        assertThat(typo.body().get("suggestion").asText()).isEqualTo(code);
    }

    @Test
    void healthUnknownPathsWrongMethodsAndHugeHeaders() throws Exception {
        Answer live = get("/health/live");
        Answer ready = get("/health/ready");
        Answer nowhere = get("/api/nowhere");
        Answer wrongMethod = send(server, at(server, "/api/registrations").GET());
        Answer hugeHeader = send(server, at(server, "/health/live").header("X-Filler", "x".repeat(9 * 1024)).GET());

        assertThat(live.status()).isEqualTo(200);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body().get("status").asText()).isEqualTo("ready");
        assertThat(ready.body().get("postgresql").asText()).isEqualTo("up");
        assertThat(ready.body().get("redis").asText()).isEqualTo("up");
        assertError(nowhere, 404, "not_found");
        assertError(wrongMethod, 405, "method_not_allowed");
        assertThat(hugeHeader.status()).isEqualTo(431);
    }

    @Test
    void stoppingStopsAcceptingAndLetsTheRequestInFlightFinish() throws Exception {
        ApiServer draining = ApiServer.start(engine, ApiSettings.from(engine.config()).on("127.0.0.1", 0));
        int port = draining.port();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try (Connection holder = db.connect()) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("LOCK TABLE users IN SHARE MODE"); // the sign-up's INSERT waits for it
            }
            java.util.concurrent.Future<Answer> inFlight = pool.submit(() ->
                    post(draining, "application/json", "{\"email\": \"in-flight@example.org\", \"firstName\": \"Ian\"}"));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (count(db, "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE NOT l.granted"
                    + " AND c.relname = 'users' AND c.relnamespace = '" + db.schema() + "'::regnamespace") == 0) {
                assertThat(System.nanoTime()).as("the sign-up reached its INSERT").isLessThan(deadline);
            }

            java.util.concurrent.Future<?> closing = pool.submit(draining::close);
            while (accepts(port)) {
                assertThat(System.nanoTime()).as("the server stopped accepting").isLessThan(deadline);
            }
            assertThat(closing.isDone()).as("close waits for the request in flight").isFalse();
            holder.commit();

            closing.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(inFlight.get(30, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(201);
        } finally {
            pool.shutdownNow();
            draining.close();
        }
    }

    private static boolean accepts(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void redisDownIsReadyButDegradedAndPostgresqlDownIs503WritingNothing(@IntegrityTest.OwnSlice TestDatabase own) throws Exception {
        // Nothing listens on port 1: this engine starts DEGRADED. Its pool is then closed, as if PostgreSQL had gone.
        IntegrityEngine lonely = IntegrityEngine.start(own.config(Map.of(ConfigKey.REDIS_URL, "redis://127.0.0.1:1",
                ConfigKey.REDIS_TIMEOUT, "200ms")), Clock.systemUTC(), ProgressListener.NONE, IntegrityEngine.Mode.ONE_SHOT);
        try (lonely; ApiServer degraded = ApiServer.start(lonely, ApiSettings.from(lonely.config()).on("127.0.0.1", 0))) {
            Answer readyWithoutRedis = send(degraded, at(degraded, "/health/ready").GET());
            assertThat(readyWithoutRedis.status()).isEqualTo(200);
            assertThat(readyWithoutRedis.body().get("status").asText()).isEqualTo("degraded");
            assertThat(readyWithoutRedis.body().get("redis").asText()).isEqualTo("down");

            lonely.database().close();
            long before = rows(own);
            Answer signUp = post(degraded, "application/json", "{\"email\": \"down@example.org\", \"firstName\": \"Dee\"}");
            Answer keyed = send(degraded, at(degraded, "/api/registrations").header("Content-Type", "application/json")
                    .header("Idempotency-Key", "down-1").POST(HttpRequest.BodyPublishers.ofString("{\"email\": \"down@example.org\", \"firstName\": \"Dee\"}")));
            Answer check = send(degraded, at(degraded, "/api/referrals/NOPE-NOTACODE").GET());
            Answer notReady = send(degraded, at(degraded, "/health/ready").GET());
            Answer stillLive = send(degraded, at(degraded, "/health/live").GET());

            assertError(signUp, 503, "unavailable");
            assertThat(signUp.raw().headers().firstValue("Retry-After")).isPresent();
            assertError(keyed, 503, "unavailable");
            assertError(check, 503, "unavailable");
            assertThat(notReady.status()).isEqualTo(503);
            assertThat(notReady.body().get("postgresql").asText()).isEqualTo("down");
            assertThat(stillLive.status()).isEqualTo(200);
            assertThat(rows(own)).isEqualTo(before);
        }
    }
}
