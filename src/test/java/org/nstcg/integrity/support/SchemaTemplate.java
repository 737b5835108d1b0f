package org.nstcg.integrity.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;

/**
 * A schema migrated once per test JVM by Flyway, exactly as the engine migrates one, from which {@link TestDatabase}
 * makes fresh schemas without running Flyway again.
 *
 * <p>PostgreSQL cannot copy a schema, so a fresh schema is built by replaying the SQL of the migrations the template
 * applied (its {@code flyway_schema_history}, in order, {@code ${flyway:defaultSchema}} replaced by the new schema),
 * then the template's history rows are copied, so that Flyway and the engine see a current schema: a one-shot engine
 * skips Flyway, a service engine's Flyway finds nothing to apply and validates the checksums. All of it is one
 * statement in one transaction: one round trip, about a tenth of Flyway's migration of an empty schema.
 *
 * <p>The template is named {@code t_tpl_<epoch seconds>_<random>} and dropped when the JVM exits; a template older
 * than {@link #STALE_AFTER_SECONDS} (left by a killed run) is dropped by the next run that makes one.
 */
final class SchemaTemplate {

    private static final String PREFIX = "t_tpl_";
    private static final long STALE_AFTER_SECONDS = 6 * 3600;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    private static final String DEFAULT_SCHEMA = "flyway:defaultSchema";

    private static SchemaTemplate instance;

    private final String schema;
    private final List<String> scripts;
    /** The history table's constraints and indexes, as the template has them, its name as {@code %S}. */
    private final List<String> historyKeys;

    private SchemaTemplate(String schema, List<String> scripts, List<String> historyKeys) {
        this.schema = schema;
        this.scripts = scripts;
        this.historyKeys = historyKeys;
    }

    /** The JVM's template, migrated on first use. */
    static synchronized SchemaTemplate get() {
        if (instance == null) {
            instance = migrate();
        }
        return instance;
    }

    private static SchemaTemplate migrate() {
        long now = System.currentTimeMillis() / 1000;
        String schema = PREFIX + now + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        try (Connection c = TestServers.connect(); Statement st = c.createStatement()) {
            dropStale(st, now);
        } catch (SQLException e) {
            throw new IllegalStateException("could not sweep old test schema templates: " + e.getMessage(), e);
        }
        if (TestServers.externalDatabase()) { // an embedded server goes with the JVM, and its template with it
            Runtime.getRuntime().addShutdownHook(new Thread(() -> drop(schema)));
        }
        Flyway.configure()
                .dataSource(TestServers.jdbcUrl(), TestServers.dbUser(), TestServers.dbPassword())
                .schemas(schema)
                .defaultSchema(schema)
                .createSchemas(true)
                .locations("classpath:db/migration")
                .validateMigrationNaming(true)
                .load()
                .migrate();
        List<String> scripts = new ArrayList<>();
        try (Connection c = TestServers.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT type, script, success FROM " + schema
                     + ".flyway_schema_history ORDER BY installed_rank")) {
            while (rs.next()) {
                String type = rs.getString(1);
                if (type.equals("SCHEMA")) {
                    continue; // Flyway's note that it created the schema
                }
                if (!type.equals("SQL") || !rs.getBoolean(3)) {
                    throw new IllegalStateException("the schema template cannot replay migration " + rs.getString(2)
                            + " (type " + type + ", success " + rs.getBoolean(3) + ")");
                }
                scripts.add(script(rs.getString(2)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the schema template's history: " + e.getMessage(), e);
        }
        return new SchemaTemplate(schema, scripts, historyKeys(schema));
    }

    /** Flyway's names for its history table's keys (CREATE TABLE … LIKE would name them after the table). */
    private static List<String> historyKeys(String schema) {
        String table = schema + ".flyway_schema_history";
        String sql = "SELECT 'ALTER TABLE %S ADD CONSTRAINT ' || quote_ident(conname) || ' ' || pg_get_constraintdef(oid)"
                + " FROM pg_constraint WHERE conrelid = '" + table + "'::regclass AND contype IN ('p', 'u', 'c', 'f', 'x')"
                + " UNION ALL SELECT replace(pg_get_indexdef(i.indexrelid), ' ON " + table + " ', ' ON %S ')"
                + " FROM pg_index i WHERE i.indrelid = '" + table + "'::regclass"
                + " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)";
        List<String> keys = new ArrayList<>();
        try (Connection c = TestServers.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the schema template's history table: " + e.getMessage(), e);
        }
        return keys;
    }

    private static String script(String name) {
        String resource = "db/migration/" + name;
        try (InputStream in = SchemaTemplate.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("migration " + resource + " is not on the class path");
            }
            String sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = PLACEHOLDER.matcher(sql);
            while (m.find()) {
                if (!m.group(1).equals(DEFAULT_SCHEMA)) {
                    throw new IllegalStateException(resource + " uses placeholder ${" + m.group(1)
                            + "}, which SchemaTemplate does not replace; teach it, or the fresh schemas would differ from Flyway's");
                }
            }
            return sql;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates {@code target}, migrated to the template's version, with the template's Flyway history. */
    void copyTo(String target) {
        StringBuilder sql = new StringBuilder();
        sql.append("CREATE SCHEMA ").append(target).append(";\n");
        sql.append("SET LOCAL search_path TO ").append(target).append(";\n");
        for (String script : scripts) {
            sql.append(script.replace("${" + DEFAULT_SCHEMA + "}", target)).append("\n;\n");
        }
        sql.append("CREATE TABLE ").append(target).append(".flyway_schema_history (LIKE ").append(schema)
                .append(".flyway_schema_history INCLUDING DEFAULTS);\n");
        for (String key : historyKeys) {
            sql.append(key.replace("%S", target + ".flyway_schema_history")).append(";\n");
        }
        sql.append("INSERT INTO ").append(target).append(".flyway_schema_history SELECT * FROM ").append(schema)
                .append(".flyway_schema_history;\n");
        sql.append("UPDATE ").append(target).append(".flyway_schema_history SET script = '\"").append(target)
                .append("\"' WHERE type = 'SCHEMA';\n");
        try (Connection c = TestServers.connect()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute(sql.toString());
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not copy the schema template " + schema + " to " + target + ": "
                    + e.getMessage(), e);
        }
    }

    private static void dropStale(Statement st, long now) throws SQLException {
        List<String> stale = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\\_tpl\\_%'")) {
            while (rs.next()) {
                String name = rs.getString(1);
                String[] parts = name.substring(PREFIX.length()).split("_");
                try {
                    if (now - Long.parseLong(parts[0]) > STALE_AFTER_SECONDS) {
                        stale.add(name);
                    }
                } catch (NumberFormatException e) {
                    // not one of ours
                }
            }
        }
        for (String name : stale) {
            st.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        }
    }

    private static void drop(String schema) {
        try (Connection c = TestServers.connect(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException | RuntimeException e) {
            // the JVM is exiting, the embedded server may be gone already; a later run drops it as stale
        }
    }
}
