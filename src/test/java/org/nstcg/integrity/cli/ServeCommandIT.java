package org.nstcg.integrity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.Launcher;
import org.nstcg.integrity.support.ChildJvm;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;

/** The real {@code serve} command in a child JVM: it says where it serves, takes a sign-up, and SIGTERM ends it with 0. */
@IntegrityTest(engine = IntegrityTest.Engine.NONE)
class ServeCommandIT {

    @Test
    void servesASignUpAndStopsCleanlyOnSigterm(TestDatabase db) throws Exception {
        List<String> args = new ArrayList<>(List.of("serve", "--api-port", "0", "--api-bind", "127.0.0.1"));
        args.addAll(db.cliFlags());
        Path stderr = Files.createTempFile("serve-", ".err");
        Process p = ChildJvm.builder(Launcher.class, args.toArray(String[]::new)).redirectError(stderr.toFile()).start();
        try {
            String line = ChildJvm.awaitLine(p, "Serving on ", Duration.ofSeconds(120));
            assertThat(line).matches("Serving on http://127\\.0\\.0\\.1:\\d+ \\(PostgreSQL \\S+, Redis \\S+\\)\\. Stop with Ctrl-C\\.");
            String url = line.substring("Serving on ".length(), line.indexOf(' ', "Serving on ".length()));

            HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/api/registrations"))
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"email\": \"served@example.org\", \"firstName\": \"Sam\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

            p.destroy(); // SIGTERM
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("serve stopped within 60 s").isTrue();
            assertThat(p.exitValue()).as(Files.readString(stderr)).isZero();
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(stderr);
        }
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM users WHERE email_normalized = 'served@example.org'")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1);
        }
    }

    @Test
    void aPortInUseIsExit2NamingTheSetting(TestDatabase db) throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            List<String> args = new ArrayList<>(List.of("serve", "--api-port", String.valueOf(taken.getLocalPort())));
            args.addAll(db.cliFlags());

            ChildJvm.Result r = ChildJvm.run(ChildJvm.builder(Launcher.class, args.toArray(String[]::new)), Duration.ofSeconds(120));

            assertThat(r.exitCode()).as(r.stderr()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(r.stderr()).contains("Cannot listen on 127.0.0.1:" + taken.getLocalPort()).contains("api.port (--api-port)")
                    .doesNotContain("\tat ");
            assertThat(r.stdout()).doesNotContain("Serving on");
        }
    }
}
