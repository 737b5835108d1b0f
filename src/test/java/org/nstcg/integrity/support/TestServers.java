package org.nstcg.integrity.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import redis.embedded.RedisServer;

/**
 * The real PostgreSQL and Redis the tests run against: one embedded instance of each per test JVM, or the servers
 * named by {@code INTEGRITY_TEST_DB_URL} (user from {@code INTEGRITY_TEST_DB_USER}, default postgres; password from
 * {@code INTEGRITY_TEST_DB_PASSWORD}) and {@code INTEGRITY_TEST_REDIS_URL}. Tests isolate their data with
 * {@link TestDatabase}: their own schema and Redis key prefix, so they can share a server.
 */
public final class TestServers {

    private static EmbeddedPostgres postgres;
    private static RedisServer redis;
    private static String jdbcUrl;
    private static String redisUrl;

    private TestServers() {
    }

    public static synchronized String jdbcUrl() {
        if (jdbcUrl == null) {
            Optional<String> external = env("INTEGRITY_TEST_DB_URL");
            if (external.isPresent()) {
                jdbcUrl = external.get();
            } else {
                try {
                    postgres = EmbeddedPostgres.builder().setLocaleConfig("locale", "C").start();
                } catch (IOException e) {
                    throw new UncheckedIOException("embedded PostgreSQL for tests did not start", e);
                }
                jdbcUrl = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
                Runtime.getRuntime().addShutdownHook(new Thread(TestServers::stopPostgres));
            }
        }
        return jdbcUrl;
    }

    /** Whether the tests run against the server named by INTEGRITY_TEST_DB_URL, not an embedded one. */
    public static boolean externalDatabase() {
        return env("INTEGRITY_TEST_DB_URL").isPresent();
    }

    public static String dbUser() {
        return env("INTEGRITY_TEST_DB_USER").orElse("postgres");
    }

    public static String dbPassword() {
        return env("INTEGRITY_TEST_DB_PASSWORD").orElse("");
    }

    public static synchronized String redisUrl() {
        if (redisUrl == null) {
            Optional<String> external = env("INTEGRITY_TEST_REDIS_URL");
            if (external.isPresent()) {
                redisUrl = external.get();
            } else {
                int port = freePort();
                try {
                    redis = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                            .setting("save \"\"").setting("appendonly no").build();
                    redis.start();
                } catch (IOException e) {
                    throw new UncheckedIOException("embedded Redis for tests did not start", e);
                }
                redisUrl = "redis://127.0.0.1:" + port;
                Runtime.getRuntime().addShutdownHook(new Thread(TestServers::stopRedis));
            }
        }
        return redisUrl;
    }

    public static URI redisUri() {
        return URI.create(redisUrl());
    }

    /** A superuser-ish connection to the test database, outside any test schema. */
    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), dbUser(), dbPassword());
    }

    /** A port nothing listens on right now. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<String> env(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    private static void stopPostgres() {
        try {
            postgres.close();
        } catch (IOException e) {
            // the JVM is exiting
        }
    }

    private static void stopRedis() {
        try {
            redis.stop();
        } catch (IOException | RuntimeException e) {
            // the JVM is exiting
        }
    }
}
