package org.nstcg.integrity.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.cache.RedisConnection;
import org.nstcg.integrity.engine.cache.RedisSettings;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.config.ConfigLoader;
import org.nstcg.integrity.engine.config.EngineConfig;
import org.nstcg.integrity.engine.store.Database;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.engine.support.ServerUnavailableException;
import org.nstcg.integrity.support.RedisTlsProbe;
import org.nstcg.integrity.support.TestServers;

/**
 * TLS to real servers: {@code sslmode=verify-full} against a PostgreSQL without TLS and {@code rediss://} against a
 * plain Redis fail with a sentence; against a TLS Redis of our own (a self-signed certificate for {@code localhost}
 * made here) the engine's client refuses a certificate the JVM does not trust, and one for another host name, and
 * connects once {@code -Djavax.net.ssl.trustStore} trusts it.
 */
class TlsConnectionsIT {

    private static final Path DIR = Path.of("target", "tls-it").toAbsolutePath();
    private static Process tlsRedis;
    private static int tlsPort;

    @BeforeAll
    static void startATlsRedis() throws Exception {
        Files.createDirectories(DIR);
        Files.deleteIfExists(DIR.resolve("trust.p12"));
        boolean made = run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", DIR.resolve("key.pem").toString(), "-out", DIR.resolve("cert.pem").toString(),
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost")
                && run("keytool", "-importcert", "-noprompt", "-alias", "redis", "-file", DIR.resolve("cert.pem").toString(),
                "-keystore", DIR.resolve("trust.p12").toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        if (!made) {
            return;
        }
        tlsPort = TestServers.freePort();
        try {
            tlsRedis = new ProcessBuilder("redis-server", "--port", "0", "--tls-port", Integer.toString(tlsPort),
                    "--bind", "127.0.0.1", "--tls-cert-file", DIR.resolve("cert.pem").toString(),
                    "--tls-key-file", DIR.resolve("key.pem").toString(), "--tls-auth-clients", "no",
                    "--save", "", "--appendonly", "no", "--dir", DIR.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            return; // no redis-server on PATH
        }
        BufferedReader out = new BufferedReader(new InputStreamReader(tlsRedis.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            if (line.contains("Ready to accept connections")) {
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException e) {
                        // the server stopped
                    }
                }, "tls-redis-output");
                drain.setDaemon(true);
                drain.start();
                return;
            }
        }
        tlsRedis = null; // exited: built without TLS ("not supported"), or another failure
    }

    @AfterAll
    static void stopTheTlsRedis() throws InterruptedException {
        if (tlsRedis != null) {
            tlsRedis.destroy();
            tlsRedis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean run(String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static RedisSettings tls(String host, int port) {
        return new RedisSettings(host, port, null, null, 0, true, "tls-it:", Duration.ofSeconds(2), "redis.url (set by a test)");
    }

    /** Runs {@link RedisTlsProbe} in a JVM whose default trust store is ours. */
    private static String probeTrusting(String host) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djavax.net.ssl.trustStore=" + DIR.resolve("trust.p12"), "-Djavax.net.ssl.trustStorePassword=changeit",
                "-Djavax.net.ssl.trustStoreType=PKCS12", "-cp", System.getProperty("java.class.path"),
                RedisTlsProbe.class.getName(), host, Integer.toString(tlsPort)));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out.lines().filter(l -> l.startsWith("OK ") || l.startsWith("REFUSED ")).findFirst().orElse(out);
    }

    @Test
    void verifyFullAgainstAPostgresqlWithoutTlsFailsWithASentence() {
        String url = TestServers.jdbcUrl() + (TestServers.jdbcUrl().contains("?") ? "&" : "?") + "sslmode=verify-full";
        EngineConfig config = new ConfigLoader(Map.of(), Path.of("target", "tls-it", "home")).load(Optional.empty(), Map.of(
                ConfigKey.DB_URL, url, ConfigKey.DB_USER, TestServers.dbUser(), ConfigKey.DB_PASSWORD, TestServers.dbPassword()));

        assertThatThrownBy(() -> Database.open(IntegrityEngine.databaseSettings(config, null), ProgressListener.NONE, false).close())
                .isInstanceOf(ServerUnavailableException.class)
                .hasMessageContaining("does not accept TLS connections, but db.url (set by")
                .hasMessageContaining("asks for them (sslmode)")
                .hasMessageNotContaining("Exception")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aRedissUrlToAPlainRedisFailsWithASentence() {
        try (RedisConnection redis = new RedisConnection(tls(TestServers.redisUri().getHost(), TestServers.redisUri().getPort()),
                Clock.systemUTC())) {
            assertThatThrownBy(redis::ping)
                    .isInstanceOf(ServerUnavailableException.class)
                    .hasMessageContaining("did not complete a TLS handshake")
                    .hasMessageContaining("use redis:// for a server without TLS")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void aTlsRedisWhoseCertificateTheJvmDoesNotTrustIsRefused() {
        assumeThat(tlsRedis).as("openssl, keytool and a redis-server built with TLS").isNotNull();
        try (RedisConnection redis = new RedisConnection(tls("localhost", tlsPort), Clock.systemUTC())) {
            assertThatThrownBy(redis::ping)
                    .isInstanceOf(ServerUnavailableException.class)
                    .hasMessageContaining("presented a TLS certificate this JVM does not trust")
                    .hasMessageContaining("-Djavax.net.ssl.trustStore");
        }
    }

    @Test
    void aTlsRedisIsReachedOnceTheTrustStoreTrustsItsCertificateAndOnlyUnderTheNameItBears() throws Exception {
        assumeThat(tlsRedis).as("openssl, keytool and a redis-server built with TLS").isNotNull();

        assertThat(probeTrusting("localhost")).startsWith("OK ");
        // Same server, same trusted certificate, but it names localhost, not 127.0.0.1: the host-name check refuses.
        assertThat(probeTrusting("127.0.0.1")).startsWith("REFUSED ")
                .contains("presented a TLS certificate that does not name 127.0.0.1");
    }
}
