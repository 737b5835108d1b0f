package org.nstcg.integrity.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;

/**
 * {@code /metrics} and {@code /api/openapi.json} over a real engine: sign-ups counted by outcome, a latency histogram
 * per route, the engine's gauges, a scrape that answers with Redis down, and an OpenAPI document that matches the
 * routes and status codes in code. One server for the class, so its counters start at zero.
 */
@IntegrityTest(settings = {"api.rate-limit-ip=off", "api.rate-limit-mailbox=off"})
class ApiMetricsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static IntegrityEngine engine;
    private static ApiServer server;

    @BeforeAll
    static void start(IntegrityEngine started) {
        engine = started;
        server = ApiServer.start(engine, ApiSettings.from(engine.config()).on("127.0.0.1", 0));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> get(ApiServer on, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(on.url() + path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int post(String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/registrations")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** The sample lines of a scrape (no comments). */
    private static List<String> samples(HttpResponse<String> scrape) {
        return scrape.body().lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
    }

    /** The value of the one sample whose name is {@code name} and whose labels include every one of {@code labels}. */
    private static double value(List<String> samples, String name, String... labels) {
        List<String> found = samples.stream().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> List.of(labels).stream().allMatch(l::contains)).toList();
        assertThat(found).as(name + " " + List.of(labels)).hasSize(1);
        String line = found.get(0);
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    private static boolean present(List<String> samples, String name) {
        return samples.stream().anyMatch(l -> l.startsWith(name + "{") || l.startsWith(name + " "));
    }

    @Test
    void signUpsAreCountedByOutcomeWithALatencyHistogramAndTheEngineGauges() throws Exception {
        assertThat(post("{\"email\": \"metrics@example.org\", \"firstName\": \"Mina\"}")).isEqualTo(201);
        assertThat(post("{\"email\": \"Metrics@Example.org\", \"firstName\": \"Mina\"}")).isEqualTo(409);
        assertThat(post("{\"email\": \"not an address\", \"firstName\": \"Mina\"}")).isEqualTo(422);
        assertThat(post("{\"email\": \"also not one\", \"firstName\": \"Mina\"}")).isEqualTo(422);

        assertThat(get(server, "/no/such/path/ada@example.org").statusCode()).isEqualTo(404);
        HttpResponse<String> beforeSampling = get(server, "/metrics");
        engine.cache().userCount(); // puts count:* in Redis, for the round to compare
        engine.cache().leaderboard();
        org.nstcg.integrity.engine.cache.DivergenceReport round = engine.cacheDivergence().sampleNow();
        HttpResponse<String> scrape = get(server, "/metrics");

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        List<String> s = samples(scrape);
        assertThat(value(s, "integrity_registrations_total", "outcome=\"registered\"")).isEqualTo(1);
        assertThat(value(s, "integrity_registrations_total", "outcome=\"already_registered\"")).isEqualTo(1);
        assertThat(value(s, "integrity_registrations_total", "outcome=\"invalid\"")).isEqualTo(2);
        String route = "route=\"/api/registrations\"";
        assertThat(value(s, "integrity_http_server_requests_seconds_count", route, "status=\"201\"")).isEqualTo(1);
        assertThat(value(s, "integrity_http_server_requests_seconds_count", route, "status=\"422\"")).isEqualTo(2);
        assertThat(value(s, "integrity_http_server_requests_seconds_bucket", route, "status=\"422\"", "le=\"+Inf\"")).isEqualTo(2);
        assertThat(s.stream().filter(l -> l.startsWith("integrity_http_server_requests_seconds_bucket{") && l.contains(route)).count())
                .as("histogram buckets").isGreaterThan(10);
        assertThat(value(s, "integrity_http_server_requests_seconds_count", "route=\"unmatched\"", "status=\"404\"")).isEqualTo(1);
        assertThat(s).noneMatch(l -> l.contains("@") || l.contains("no/such")); // no email, nor any typed path, in a label
        assertThat(present(samples(beforeSampling), "integrity_cache_divergence_ratio")).as("not measured yet: absent, not 0").isFalse();
        assertThat(round.patterns()).anyMatch(p -> p.sampled() > 0);
        for (org.nstcg.integrity.engine.store.CacheRows.DivergenceSample p : round.patterns()) {
            String pattern = "pattern=\"" + p.pattern() + "\"";
            if (p.sampled() > 0) {
                assertThat(value(s, "integrity_cache_divergence_ratio", pattern)).isEqualTo(p.divergence());
            } else {
                assertThat(s).as("nothing sampled for " + p.pattern() + ": absent, not 0")
                        .noneMatch(l -> l.startsWith("integrity_cache_divergence_ratio{") && l.contains(pattern));
            }
        }

        assertThat(value(s, "integrity_redis_up")).isEqualTo(1);
        assertThat(value(s, "integrity_sagas_stuck")).isZero();
        assertThat(value(s, "integrity_sagas_needs_attention")).isZero();
        assertThat(value(s, "integrity_sagas_finished", "window=\"5m\"")).isEqualTo(1);
        assertThat(value(s, "integrity_outbox_unpublished_events")).isGreaterThanOrEqualTo(1);
        assertThat(present(s, "jvm_memory_used_bytes")).isTrue();
        assertThat(present(s, "jvm_threads_live_threads")).isTrue();
        assertThat(present(s, "hikaricp_connections_active")).isTrue();
    }

    @Test
    void withRedisDownTheRedisGaugeIsZeroTheDivergenceIsAbsentAndTheScrapeAnswers(@IntegrityTest.OwnSlice TestDatabase own)
            throws Exception {
        // Nothing listens on port 1: this engine starts with Redis down (DEGRADED).
        IntegrityEngine lonely = IntegrityEngine.start(own.config(Map.of(ConfigKey.REDIS_URL, "redis://127.0.0.1:1",
                ConfigKey.REDIS_TIMEOUT, "200ms")), Clock.systemUTC(), ProgressListener.NONE, IntegrityEngine.Mode.ONE_SHOT);
        try (lonely; ApiServer degraded = ApiServer.start(lonely, ApiSettings.from(lonely.config()).on("127.0.0.1", 0))) {
            HttpResponse<String> withoutRedis = get(degraded, "/metrics");

            assertThat(withoutRedis.statusCode()).isEqualTo(200);
            assertThat(value(samples(withoutRedis), "integrity_redis_up")).isZero();
            assertThat(present(samples(withoutRedis), "integrity_cache_divergence_ratio")).isFalse();
            assertThat(present(samples(withoutRedis), "integrity_outbox_unpublished_events")).isTrue();

            lonely.database().close(); // PostgreSQL gone too: its figures are left out, the scrape still answers
            HttpResponse<String> withNothing = get(degraded, "/metrics");

            assertThat(withNothing.statusCode()).isEqualTo(200);
            assertThat(present(samples(withNothing), "integrity_outbox_unpublished_events")).isFalse();
            assertThat(present(samples(withNothing), "integrity_sagas_stuck")).isFalse();
            assertThat(value(samples(withNothing), "integrity_redis_up")).isZero();
        }
    }

    @Test
    void theOpenApiDocumentListsEveryRouteAndOnlyStatusesTheSignUpCanAnswer() throws Exception {
        HttpResponse<String> served = get(server, "/api/openapi.json");

        assertThat(served.statusCode()).isEqualTo(200);
        JsonNode doc = JSON.readTree(served.body());
        assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
        JsonNode paths = doc.get("paths");
        Set<ApiServer.Route> documented = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> p = paths.fields(); p.hasNext(); ) {
            Map.Entry<String, JsonNode> path = p.next();
            path.getValue().fieldNames().forEachRemaining(m -> documented.add(new ApiServer.Route(m.toUpperCase(), path.getKey())));
        }
        assertThat(documented).containsExactlyInAnyOrderElementsOf(server.routes());

        JsonNode responses = paths.get(ApiServer.REGISTRATIONS).get("post").get("responses");
        Set<Integer> statuses = new HashSet<>();
        responses.fieldNames().forEachRemaining(code -> statuses.add(Integer.parseInt(code)));
        assertThat(statuses).containsExactlyInAnyOrderElementsOf(SignUpEndpoints.REGISTRATION_STATUSES);
        assertThat(paths.get(ApiServer.REGISTRATIONS).get("post").get("parameters").findValuesAsText("$ref"))
                .contains("#/components/parameters/Idempotency-Key");
        assertThat(doc.get("components").get("headers").fieldNames()).toIterable()
                .contains("Retry-After", "Idempotent-Replayed");
        // every $ref resolves
        Set<String> refs = doc.findValuesAsText("$ref").stream().collect(Collectors.toSet());
        for (String ref : refs) {
            assertThat(doc.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
        }
    }
}
