package org.nstcg.integrity.engine.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL, the source of truth: migrated by Flyway, pooled by HikariCP, its SQL run through {@link Jdbc}.
 *
 * <p>Design notes: before the pool exists, one plain JDBC connection probes the server, because a pool reports
 * every failure as a timeout while the probe's SQL state tells refused, unknown host, bad password and missing
 * database apart; {@link ConnectionFailures} turns that into the message the user sees. A service engine (console,
 * server) always runs Flyway and then {@link SchemaCheck}, which stops the start when the schema was changed by hand;
 * a one-shot command skips both when the schema history is current. Hibernate was removed (decision 0008): it mapped
 * 3 of 19 tables for two tests and its start took 61 % of a service engine's database start. Flyway logs in as the
 * migration login (the schema's owner); the probe and the pool as {@code db.user}, which, when it is another role,
 * the owner grants exactly what the engine needs after each migration (decision 0010).
 */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final DatabaseSettings settings;
    private final HikariDataSource dataSource;
    private final Jdbc jdbc;

    private Database(DatabaseSettings settings, HikariDataSource dataSource) {
        this.settings = settings;
        this.dataSource = dataSource;
        this.jdbc = new Jdbc(dataSource);
    }

    /**
     * Connects, migrates the schema to the latest version and opens the pool; with {@code verifySchema} (a service
     * engine), always runs Flyway and checks the schema's columns ({@link SchemaCheck}), so that a schema changed by
     * hand stops the start with a sentence.
     */
    public static Database open(DatabaseSettings settings, ProgressListener progress, boolean verifySchema) {
        return open(settings, SessionLimits.DEFAULTS, progress, verifySchema);
    }

    /** {@link #open(DatabaseSettings, ProgressListener, boolean)} with the pool's statement, lock and socket timeouts. */
    public static Database open(DatabaseSettings settings, SessionLimits limits, ProgressListener progress, boolean verifySchema) {
        progress.step("Connecting to PostgreSQL at " + settings.endpoint() + "…");
        long t0 = System.nanoTime();
        boolean current = probe(settings); // always first: its failure names the setting to fix
        boolean runFlyway = verifySchema || !current;
        long t1 = System.nanoTime();
        progress.step("Bringing the database schema up to date…");
        if (runFlyway) {
            migrate(settings);
        }
        long t2 = System.nanoTime();
        progress.step("Starting the data layer…");
        Database db = new Database(settings, pool(settings, limits));
        long t3 = System.nanoTime();
        if (verifySchema) {
            try {
                SchemaCheck.verify(db.jdbc, settings);
            } catch (RuntimeException e) {
                db.close();
                throw e;
            }
        }
        log.debug("PostgreSQL opened in {} ms: probe {} ms, migrations {}, pool {} ms, schema check {}",
                (System.nanoTime() - t0) / 1_000_000, (t1 - t0) / 1_000_000,
                runFlyway ? (t2 - t1) / 1_000_000 + " ms" : "skipped (schema current)", (t3 - t2) / 1_000_000,
                verifySchema ? (System.nanoTime() - t3) / 1_000_000 + " ms" : "skipped (one-shot)");
        return db;
    }

    /**
     * The pool. Every connection starts with {@code statement_timeout} and {@code lock_timeout} set (one round trip
     * when the pool opens it, none per borrow) and a socket timeout a margin above the statement timeout, so a statement
     * that waits for another session's lock fails with SQL state 55P03, a runaway one with 57014, and a server that
     * stops answering with a socket timeout; {@link ConnectionFailures#reason} words each as a sentence.
     */
    private static HikariDataSource pool(DatabaseSettings s, SessionLimits limits) {
        HikariConfig c = new HikariConfig();
        c.setPoolName("integrity-db");
        c.setJdbcUrl(s.jdbcUrl());
        c.setUsername(s.user());
        c.setPassword(s.password());
        c.setMaximumPoolSize(s.poolSize());
        c.setMinimumIdle(Math.min(2, s.poolSize()));
        c.setConnectionTimeout(Math.max(250, s.connectTimeout().toMillis()));
        c.setSchema(s.schema());
        c.setConnectionInitSql(limits.sessionSql());
        c.addDataSourceProperty("socketTimeout", Integer.toString(limits.socketTimeoutSeconds()));
        try {
            return new HikariDataSource(c);
        } catch (RuntimeException e) {
            throw new EngineException("Cannot open connections to PostgreSQL at " + s.endpoint() + ": "
                    + ConnectionFailures.firstLine(e) + ".", e);
        }
    }

    /**
     * The newest migration this build ships (V{@value}__…); MigrationIT checks it against the migration files. A one-shot
     * engine whose schema history ends at it, every migration successful, skips Flyway (its start-up, classpath scan
     * and checksum validation were a third of a one-shot command's engine start); a service engine always runs Flyway.
     */
    static final int LATEST_MIGRATION = 22;

    /** Checks that the server answers; returns whether the schema's history ends, all successful, at {@link #LATEST_MIGRATION}. */
    private static boolean probe(DatabaseSettings s) {
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), login(s, s.user(), s.password()))) {
            return schemaIsCurrent(c, s.schema());
        } catch (SQLException e) {
            throw ConnectionFailures.translate(e, s);
        }
    }

    /** A plain connection's properties: this login, the configured timeouts. */
    private static Properties login(DatabaseSettings s, String user, String password) {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        int seconds = (int) Math.max(1, s.connectTimeout().toSeconds());
        props.setProperty("connectTimeout", Integer.toString(seconds));
        props.setProperty("loginTimeout", Integer.toString(seconds));
        props.setProperty("socketTimeout", Integer.toString(Math.max(seconds, 30)));
        return props;
    }

    private static boolean schemaIsCurrent(Connection c, String schema) throws SQLException {
        String table = quoted(schema) + ".flyway_schema_history";
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT max(version::int), bool_and(success) FROM " + table + " WHERE version IS NOT NULL")) {
            return rs.next() && rs.getInt(1) == LATEST_MIGRATION && rs.getBoolean(2);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState())) {
                return false; // no history yet: a new schema, which Flyway creates
            }
            if ("42501".equals(e.getSQLState())) {
                return false; // a runtime role not granted its privileges yet: the migration login grants them
            }
            throw e;
        }
    }

    /**
     * Runs Flyway as the migration login, the schema's owner; with a runtime role of its own, then grants that role
     * what it needs ({@code grant_runtime_privileges}, V20), after every migration, so that tables added since are
     * covered without default privileges.
     */
    private static void migrate(DatabaseSettings s) {
        try {
            Flyway.configure()
                    .dataSource(s.jdbcUrl(), s.migrationUser(), s.migrationPassword())
                    .schemas(s.schema())
                    .defaultSchema(s.schema())
                    .createSchemas(true)
                    .locations("classpath:db/migration")
                    .validateMigrationNaming(true)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new EngineException("The database schema in " + s.endpoint() + " (schema " + s.schema()
                    + ") could not be brought up to date" + (s.separateMigrationLogin() ? " by db.migration-user " + s.migrationUser() : "")
                    + ": " + ConnectionFailures.firstLine(e)
                    + ". If this database belongs to another application or a newer Integrity Console, use another db.schema.", e);
        }
        if (s.separateMigrationLogin()) {
            grantRuntimePrivileges(s);
        }
    }

    /**
     * As the owner, in one transaction: grants the runtime role its privileges. Instances starting together would
     * otherwise fail each other's GRANTs ("tuple concurrently updated"), hence the transaction-scoped advisory lock.
     */
    private static void grantRuntimePrivileges(DatabaseSettings s) {
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), login(s, s.migrationUser(), s.migrationPassword()))) {
            c.setAutoCommit(false);
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))");
                 PreparedStatement grant = c.prepareStatement("SELECT count(*) FROM " + quoted(s.schema()) + ".grant_runtime_privileges(?)")) {
                lock.setString(1, "integrity.runtime-grants." + s.schema());
                lock.execute();
                grant.setString(1, s.user());
                try (ResultSet rs = grant.executeQuery()) {
                    rs.next();
                    log.debug("Granted runtime role {} its privileges in schema {}: {} statements", s.user(), s.schema(), rs.getInt(1));
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new EngineException("The runtime role " + s.user() + " (db.user) could not be granted its privileges in schema "
                    + s.schema() + " at " + s.endpoint() + " by db.migration-user " + s.migrationUser() + ": " + ConnectionFailures.firstLine(e)
                    + ". Create the role first (README, Security), and make db.migration-user the schema's owner.", e);
        }
    }

    private static String quoted(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    public DatabaseSettings settings() {
        return settings;
    }

    /** Plain SQL over the pool, in transactions ({@link Jdbc}): the engine's way to run statements. */
    public Jdbc jdbc() {
        return jdbc;
    }

    /** The pooled data source, for tests that inspect the database with plain JDBC; engine code uses {@link #jdbc()}. */
    public javax.sql.DataSource dataSource() {
        return dataSource;
    }

    /** The server's version, e.g. "17.6". Throws {@link StoreException} when the server cannot be reached. */
    public String serverVersion() {
        return jdbc.read("read the server version", tx -> {
            String v = tx.single("SELECT current_setting('server_version')", r -> r.getString(1)).trim();
            int space = v.indexOf(' '); // "15.20 (Debian 15.20-0+deb12u1)" → "15.20"
            return space < 0 ? v : v.substring(0, space);
        });
    }

    /** The latest applied migration's version, e.g. "1". */
    public Optional<String> schemaVersion() {
        return jdbc.read("read the schema version", tx -> tx.first(
                "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1",
                r -> r.getString(1)));
    }

    /** Whether the login can act as the owner of schema {@code ?} or of its audit trail. */
    private static final String OWNS = "SELECT pg_has_role(current_user, n.nspowner, 'USAGE')"
            + " OR coalesce(bool_or(pg_has_role(current_user, c.relowner, 'USAGE')), false)"
            + " FROM pg_namespace n LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = 'audit_log'"
            + " WHERE n.nspname = ? GROUP BY n.nspowner";

    /**
     * The roles in use, read as the runtime role: whether it can act as the owner of the schema or of its audit trail
     * (it owns them, is a member of the owner's role, or is a superuser).
     */
    public DatabaseRoles roles() {
        boolean owns = jdbc.read("read the database roles", tx -> tx.first(OWNS, r -> r.getBoolean(1), settings.schema()).orElse(true));
        return new DatabaseRoles(settings.user(), settings.migrationUser(), owns);
    }

    /**
     * Whether this engine's configuration holds the schema owner's credentials: a single login that can act as the
     * owner (the embedded default, or {@code db.user} owning the schema), or a {@code db.migration-user} and password
     * that log in and can act as the owner. Administrator-only CLI actions need them (issue 14); checked when asked,
     * with one extra connection for a separate owner login.
     */
    public boolean ownerCredentials() {
        if (!settings.separateMigrationLogin()) {
            return roles().runtimeOwnsSchema();
        }
        try (Connection c = DriverManager.getConnection(settings.jdbcUrl(), login(settings, settings.migrationUser(), settings.migrationPassword()));
             java.sql.PreparedStatement ps = c.prepareStatement(OWNS)) {
            ps.setString(1, settings.schema());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            log.debug("The owner login {} does not work: {}", settings.migrationUser(), ConnectionFailures.firstLine(e));
            return false;
        }
    }

    /** Headline figures, read in one statement. */
    public PlatformFigures figures() {
        String sql = "SELECT (SELECT count(*) FROM users),"
                + " (SELECT count(*) FROM users WHERE status = 'active'),"
                + " (SELECT count(*) FROM referral_codes),"
                + " (SELECT max(updated_at) FROM users),"
                + " now()";
        return jdbc.read("read figures", tx -> tx.single(sql, r -> new PlatformFigures(r.getLong(1), r.getLong(2), r.getLong(3),
                Optional.ofNullable(r.getInstant(4)), r.getInstant(5))));
    }

    /** Events in the outbox that the platform's publisher has not taken yet (its backlog). */
    public long outboxBacklog() {
        return jdbc.read("read the outbox backlog", tx -> tx.single("SELECT count(*) FROM outbox_events WHERE published_at IS NULL",
                r -> r.getLong(1)));
    }

    /**
     * Publishes the pool's figures (connections active, idle, pending; acquire and usage times) to {@code registry},
     * through HikariCP's own Micrometer tracker. A pool takes one registry in its life: a second call is refused.
     *
     * @return whether {@code registry} now receives the figures (false when another registry already does)
     */
    public synchronized boolean publishPoolMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        if (dataSource.getMetricRegistry() != null || dataSource.getMetricsTrackerFactory() != null) {
            return dataSource.getMetricRegistry() == registry;
        }
        dataSource.setMetricRegistry(registry);
        return true;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
