package org.nstcg.integrity.engine.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL, the source of truth: migrated by Flyway, pooled by HikariCP, mapped by Hibernate (schema validated,
 * never generated) for the work that uses entities.
 *
 * <p>Design notes: before the pool exists, one plain JDBC connection probes the server, because a pool reports
 * every failure as a timeout while the probe's SQL state tells refused, unknown host, bad password and missing
 * database apart; {@link ConnectionFailures} turns that into the message the user sees. The pool is this class's own
 * and Hibernate is handed it ({@code hibernate.connection.datasource}), so entity work and plain SQL share
 * connections. A service engine (console, server) builds the session factory at start, which validates the entities
 * against the schema; a one-shot command builds it only if it uses entities, as none does and building it took about a
 * second of each.
 */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    /** Every mapped entity; Hibernate validates each against the migrated schema when the session factory is built. */
    static final List<Class<?>> ENTITIES = List.of(
            UserEntity.class, GamificationProfileEntity.class, PointsLedgerEntryEntity.class);

    private final DatabaseSettings settings;
    private final HikariDataSource dataSource;
    private final Jdbc jdbc;
    private volatile SessionFactory sessionFactory;

    private Database(DatabaseSettings settings, HikariDataSource dataSource) {
        this.settings = settings;
        this.dataSource = dataSource;
        this.jdbc = new Jdbc(dataSource);
    }

    /**
     * Connects, migrates the schema to the latest version and opens the pool; with {@code validateEntities}, also
     * starts Hibernate now, so that a schema drifted from the entities stops the start with a sentence.
     */
    public static Database open(DatabaseSettings settings, ProgressListener progress, boolean validateEntities) {
        progress.step("Connecting to PostgreSQL at " + settings.endpoint() + "…");
        long t0 = System.nanoTime();
        boolean current = probe(settings); // always first: its failure names the setting to fix
        boolean runFlyway = validateEntities || !current;
        long t1 = System.nanoTime();
        progress.step("Bringing the database schema up to date…");
        if (runFlyway) {
            migrate(settings);
        }
        long t2 = System.nanoTime();
        progress.step("Starting the data layer…");
        Database db = new Database(settings, pool(settings));
        long t3 = System.nanoTime();
        if (validateEntities) {
            try {
                db.sessionFactory();
            } catch (RuntimeException e) {
                db.close();
                throw e;
            }
        }
        log.debug("PostgreSQL opened in {} ms: probe {} ms, migrations {}, pool {} ms, Hibernate {}",
                (System.nanoTime() - t0) / 1_000_000, (t1 - t0) / 1_000_000,
                runFlyway ? (t2 - t1) / 1_000_000 + " ms" : "skipped (schema current)", (t3 - t2) / 1_000_000,
                validateEntities ? (System.nanoTime() - t3) / 1_000_000 + " ms" : "on first use");
        return db;
    }

    private static HikariDataSource pool(DatabaseSettings s) {
        HikariConfig c = new HikariConfig();
        c.setPoolName("integrity-db");
        c.setJdbcUrl(s.jdbcUrl());
        c.setUsername(s.user());
        c.setPassword(s.password());
        c.setMaximumPoolSize(s.poolSize());
        c.setMinimumIdle(Math.min(2, s.poolSize()));
        c.setConnectionTimeout(Math.max(250, s.connectTimeout().toMillis()));
        c.setSchema(s.schema());
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
    static final int LATEST_MIGRATION = 18;

    /** Checks that the server answers; returns whether the schema's history ends, all successful, at {@link #LATEST_MIGRATION}. */
    private static boolean probe(DatabaseSettings s) {
        Properties props = new Properties();
        props.setProperty("user", s.user());
        props.setProperty("password", s.password());
        int seconds = (int) Math.max(1, s.connectTimeout().toSeconds());
        props.setProperty("connectTimeout", Integer.toString(seconds));
        props.setProperty("loginTimeout", Integer.toString(seconds));
        props.setProperty("socketTimeout", Integer.toString(Math.max(seconds, 30)));
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), props)) {
            return schemaIsCurrent(c, s.schema());
        } catch (SQLException e) {
            throw ConnectionFailures.translate(e, s);
        }
    }

    private static boolean schemaIsCurrent(Connection c, String schema) throws SQLException {
        String table = "\"" + schema.replace("\"", "\"\"") + "\".flyway_schema_history";
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT max(version::int), bool_and(success) FROM " + table + " WHERE version IS NOT NULL")) {
            return rs.next() && rs.getInt(1) == LATEST_MIGRATION && rs.getBoolean(2);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState()) || "3F000".equals(e.getSQLState())) {
                return false; // no history yet: a new schema, which Flyway creates
            }
            throw e;
        }
    }

    private static void migrate(DatabaseSettings s) {
        try {
            Flyway.configure()
                    .dataSource(s.jdbcUrl(), s.user(), s.password())
                    .schemas(s.schema())
                    .defaultSchema(s.schema())
                    .createSchemas(true)
                    .locations("classpath:db/migration")
                    .validateMigrationNaming(true)
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new EngineException("The database schema in " + s.endpoint() + " (schema " + s.schema()
                    + ") could not be brought up to date: " + ConnectionFailures.firstLine(e)
                    + ". If this database belongs to another application or a newer Integrity Console, use another db.schema.", e);
        }
    }

    private static SessionFactory buildSessionFactory(DatabaseSettings s, DataSource pool) {
        StandardServiceRegistry registry = new StandardServiceRegistryBuilder()
                .applySetting("hibernate.connection.datasource", pool)
                .applySetting("hibernate.default_schema", s.schema())
                .applySetting("hibernate.hbm2ddl.auto", "validate")
                .applySetting("hibernate.jdbc.time_zone", "UTC")
                .build();
        try {
            MetadataSources sources = new MetadataSources(registry);
            ENTITIES.forEach(sources::addAnnotatedClass);
            return sources.buildMetadata().buildSessionFactory();
        } catch (RuntimeException e) {
            StandardServiceRegistryBuilder.destroy(registry);
            throw new EngineException("The database schema in " + s.endpoint() + " (schema " + s.schema()
                    + ") does not match this version of Integrity Console: " + ConnectionFailures.firstLine(e) + ".", e);
        }
    }

    public DatabaseSettings settings() {
        return settings;
    }

    /** Hibernate's session factory over this pool, built (and the entities validated) on first use. */
    public SessionFactory sessionFactory() {
        SessionFactory sf = sessionFactory;
        if (sf == null) {
            synchronized (this) {
                sf = sessionFactory;
                if (sf == null) {
                    long t0 = System.nanoTime();
                    sf = buildSessionFactory(settings, dataSource);
                    sessionFactory = sf;
                    log.debug("Hibernate started in {} ms", (System.nanoTime() - t0) / 1_000_000);
                }
            }
        }
        return sf;
    }

    /** Plain SQL over the pool, in transactions ({@link Jdbc}): the engine's way to run statements. */
    public Jdbc jdbc() {
        return jdbc;
    }

    /** The pooled data source, for set-based SQL that needs no entities. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** Runs work in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(Function<Session, T> work) {
        return sessionFactory().fromTransaction(work);
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

    @Override
    public void close() {
        try {
            SessionFactory sf = sessionFactory;
            if (sf != null) {
                sf.close();
            }
        } catch (RuntimeException e) {
            log.warn("Closing Hibernate failed: {}", e.getMessage());
        } finally {
            dataSource.close();
        }
    }
}
