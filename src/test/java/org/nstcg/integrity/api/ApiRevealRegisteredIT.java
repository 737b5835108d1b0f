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
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;

/** {@code api.reveal-registered=false}: a new and a registered address get one answer; the owner is told through the outbox. */
@IntegrityTest(settings = "api.reveal-registered=false")
class ApiRevealRegisteredIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static TestDatabase db;
    private static ApiServer server;

    @BeforeAll
    static void start(TestDatabase slice, IntegrityEngine engine) {
        db = slice;
        server = ApiServer.start(engine, ApiSettings.from(engine.config()).on("127.0.0.1", 0));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> signUp(String email) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/registrations")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\": \"" + email + "\", \"firstName\": \"Quinn\"}"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aRegisteredAddressGetsTheSame202AsANewOneAndItsOwnerAnOutboxEvent() throws Exception {
        HttpResponse<String> fresh = signUp("quinn@example.org");
        HttpResponse<String> again = signUp("Quinn@Example.org");
        HttpResponse<String> invalid = signUp("quinn@");

        assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(202);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
        assertThat(again.body()).isEqualTo(fresh.body());
        JsonNode body = JSON.readTree(again.body());
        assertThat(body.get("message").asText()).startsWith("Check your inbox");
        assertThat(body.has("userId")).isFalse();
        assertThat(invalid.statusCode()).as("what the typist can fix is still said").isEqualTo(422);
        assertThat(count("SELECT count(*) FROM users WHERE email_normalized = 'quinn@example.org'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM outbox_events e JOIN users u ON e.aggregate_id = u.id::text"
                + " WHERE e.event_type = 'user.registration_repeated' AND u.email_normalized = 'quinn@example.org'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM outbox_events WHERE event_type = 'user.registered'")).isEqualTo(1);
    }
}
