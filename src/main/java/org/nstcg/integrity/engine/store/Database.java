package org.nstcg.integrity.engine.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
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
import org.hibernate.engine.jdbc.connections.spi.ConnectionProvider;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL, the source of truth: migrated by Flyway, mapped by Hibernate (schema validated, never generated),
 * pooled by HikariCP through Hibernate's own {@code hibernate-hikaricp} integration.
 *
 * <p>Design notes: before the pool exists, one plain JDBC connection probes the server, because a pool reports
 * every failure as a timeout while the probe's SQL state tells refused, unknown host, bad password and missing
 * database apart; {@link ConnectionFailures} turns that into the message the user sees.
 */
public final class Database implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Database.class);

    /** Every mapped entity; Hibernate validates each against the migrated schema at start. */
    static final List<Class<?>> ENTITIES = List.of(
            UserEntity.class, GamificationProfileEntity.class, PointsLedgerEntryEntity.class);

    private final DatabaseSettings settings;
    private final SessionFactory sessionFactory;
    private final DataSource dataSource;

    private Database(DatabaseSettings settings, SessionFactory sessionFactory, DataSource dataSource) {
        this.settings = settings;
        this.sessionFactory = sessionFactory;
        this.dataSource = dataSource;
    }

    /** Connects, migrates the schema to the latest version and starts Hibernate. */
    public static Database open(DatabaseSettings settings, ProgressListener progress) {
        progress.step("Connecting to PostgreSQL at " + settings.endpoint() + "…");
        probe(settings);
        progress.step("Bringing the database schema up to date…");
        migrate(settings);
        progress.step("Starting the data layer…");
        SessionFactory sf = buildSessionFactory(settings);
        DataSource ds = sf.unwrap(SessionFactoryImplementor.class).getServiceRegistry()
                .requireService(ConnectionProvider.class).unwrap(DataSource.class);
        return new Database(settings, sf, ds);
    }

    private static void probe(DatabaseSettings s) {
        Properties props = new Properties();
        props.setProperty("user", s.user());
        props.setProperty("password", s.password());
        int seconds = (int) Math.max(1, s.connectTimeout().toSeconds());
        props.setProperty("connectTimeout", Integer.toString(seconds));
        props.setProperty("loginTimeout", Integer.toString(seconds));
        props.setProperty("socketTimeout", Integer.toString(Math.max(seconds, 30)));
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), props)) {
            c.isValid(seconds);
        } catch (SQLException e) {
            throw ConnectionFailures.translate(e, s);
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

    private static SessionFactory buildSessionFactory(DatabaseSettings s) {
        StandardServiceRegistry registry = new StandardServiceRegistryBuilder()
                .applySetting("hibernate.connection.provider_class", "org.hibernate.hikaricp.internal.HikariCPConnectionProvider")
                .applySetting("jakarta.persistence.jdbc.url", s.jdbcUrl())
                .applySetting("jakarta.persistence.jdbc.user", s.user())
                .applySetting("jakarta.persistence.jdbc.password", s.password())
                .applySetting("hibernate.hikari.poolName", "integrity-db")
                .applySetting("hibernate.hikari.maximumPoolSize", Integer.toString(s.poolSize()))
                .applySetting("hibernate.hikari.minimumIdle", Integer.toString(Math.min(2, s.poolSize())))
                .applySetting("hibernate.hikari.connectionTimeout", Long.toString(Math.max(250, s.connectTimeout().toMillis())))
                .applySetting("hibernate.hikari.schema", s.schema())
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

    public SessionFactory sessionFactory() {
        return sessionFactory;
    }

    /** The pooled data source, for set-based SQL that needs no entities. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** Runs work in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(Function<Session, T> work) {
        return sessionFactory.fromTransaction(work);
    }

    /** The server's version, e.g. "17.6". Throws {@link SQLException} when the server cannot be reached. */
    public String serverVersion() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('server_version')")) {
            rs.next();
            String v = rs.getString(1).trim();
            int space = v.indexOf(' '); // "15.20 (Debian 15.20-0+deb12u1)" → "15.20"
            return space < 0 ? v : v.substring(0, space);
        }
    }

    /** The latest applied migration's version, e.g. "1". */
    public Optional<String> schemaVersion() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL"
                     + " ORDER BY installed_rank DESC LIMIT 1")) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
    }

    /** Headline figures, read in one statement. */
    public PlatformFigures figures() throws SQLException {
        String sql = "SELECT (SELECT count(*) FROM users),"
                + " (SELECT count(*) FROM users WHERE status = 'active'),"
                + " (SELECT count(*) FROM referral_codes),"
                + " (SELECT max(updated_at) FROM users),"
                + " now()";
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            Timestamp last = rs.getTimestamp(4);
            return new PlatformFigures(rs.getLong(1), rs.getLong(2), rs.getLong(3),
                    Optional.ofNullable(last).map(Timestamp::toInstant), rs.getTimestamp(5).toInstant());
        }
    }

    @Override
    public void close() {
        try {
            sessionFactory.close();
        } catch (RuntimeException e) {
            log.warn("Closing the database connections failed: {}", e.getMessage());
        }
    }
}
