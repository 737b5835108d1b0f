package org.nstcg.integrity.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.config.ConfigSource;
import org.nstcg.integrity.engine.config.EngineConfig;
import org.nstcg.integrity.engine.support.ProgressListener;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * One test's private slice of the shared test servers: its own PostgreSQL schema and Redis key prefix, dropped
 * on {@link #close()}. Engines started from {@link #config()} see only this slice. {@link #create()} gives a schema
 * already at the latest migration; {@link #empty()}, one the engine's Flyway migration has to build.
 */
public final class TestDatabase implements AutoCloseable {

    private static final ConfigSource TEST = new ConfigSource(ConfigSource.Kind.FLAG, "(test)");

    private final String schema;
    private final String redisPrefix;

    private TestDatabase(String schema, String redisPrefix) {
        this.schema = schema;
        this.redisPrefix = redisPrefix;
    }

    /**
     * A fresh schema at the latest migration, with the Flyway history an engine's migration leaves: a copy of the
     * test JVM's {@link SchemaTemplate}, so that no test pays for Flyway's migration of an empty schema.
     */
    public static TestDatabase create() {
        TestDatabase db = empty();
        SchemaTemplate.get().copyTo(db.schema);
        return db;
    }

    /** A slice whose schema does not exist yet: the engine's first start creates and migrates it with Flyway. */
    public static TestDatabase empty() {
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        return new TestDatabase("t_" + id, "t:" + id + ":");
    }

    public String schema() {
        return schema;
    }

    public String redisPrefix() {
        return redisPrefix;
    }

    /** Engine settings pointing at the test servers and this slice. */
    public EngineConfig config() {
        return config(Map.of());
    }

    public EngineConfig config(Map<ConfigKey, String> overrides) {
        Map<ConfigKey, EngineConfig.Value> values = new EnumMap<>(ConfigKey.class);
        values.put(ConfigKey.DB_URL, new EngineConfig.Value(TestServers.jdbcUrl(), TEST));
        values.put(ConfigKey.DB_USER, new EngineConfig.Value(TestServers.dbUser(), TEST));
        values.put(ConfigKey.DB_PASSWORD, new EngineConfig.Value(TestServers.dbPassword(), TEST));
        values.put(ConfigKey.DB_SCHEMA, new EngineConfig.Value(schema, TEST));
        values.put(ConfigKey.DB_POOL_SIZE, new EngineConfig.Value("4", TEST));
        values.put(ConfigKey.REDIS_URL, new EngineConfig.Value(TestServers.redisUrl(), TEST));
        values.put(ConfigKey.REDIS_KEY_PREFIX, new EngineConfig.Value(redisPrefix, TEST));
        overrides.forEach((k, v) -> values.put(k, new EngineConfig.Value(v, TEST)));
        return EngineConfig.of(values, dataDir());
    }

    /** The command-line flags that point the CLI at the test servers and this slice. */
    public java.util.List<String> cliFlags() {
        return cliFlags(TestServers.jdbcUrl(), TestServers.redisUrl());
    }

    /** The same, with other server URLs (an unreachable one, say). */
    public java.util.List<String> cliFlags(String dbUrl, String redisUrl) {
        return java.util.List.of("--db-url", dbUrl, "--db-user", TestServers.dbUser(), "--db-password",
                TestServers.dbPassword(), "--db-schema", schema, "--redis-url", redisUrl, "--redis-key-prefix", redisPrefix,
                "--audit-key-file", dataDir().resolve("audit.key").toString(),
                "--audit-anchor-file", dataDir().resolve("audit-anchors.log").toString());
    }

    /** The data directory of this slice's engines (their audit key and anchors): the same for engines and CLI commands. */
    public Path dataDir() {
        return Path.of("target", "test-data", schema).toAbsolutePath();
    }

    public IntegrityEngine startEngine() {
        return IntegrityEngine.start(config(), ProgressListener.NONE);
    }

    /** An engine as a CLI command starts it: no background work ({@link IntegrityEngine.Mode#ONE_SHOT}). */
    public IntegrityEngine startOneShotEngine() {
        return IntegrityEngine.start(config(), Clock.systemUTC(), ProgressListener.NONE, IntegrityEngine.Mode.ONE_SHOT);
    }

    /** A JDBC connection whose search_path is this slice's schema. */
    public Connection connect() throws SQLException {
        Connection c = TestServers.connect();
        try (Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            st.execute("SET search_path TO " + schema);
        }
        return c;
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = TestServers.connect(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
        try (RedisClient r = RedisClient.create(TestServers.redisUri())) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = r.scan(cursor, new ScanParams().match(redisPrefix + "*").count(500));
                if (!page.getResult().isEmpty()) {
                    r.del(page.getResult().toArray(String[]::new));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
    }
}
