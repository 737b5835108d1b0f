package org.nstcg.integrity.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;

/**
 * {@link TestDatabase#create()} copies a template instead of running Flyway: these tests prove the copy is the schema
 * Flyway builds, object for object, and that an engine takes it as current.
 */
class TestDatabaseIT {

    /** Every object of a schema, as text, the schema's own name replaced by "S". */
    private static final String CATALOG = """
            SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
                   || ' default ' || coalesce(column_default, '-') || ' #' || ordinal_position
              FROM information_schema.columns WHERE table_schema = ?1
            UNION ALL
            SELECT 'constraint ' || c.conrelid::regclass::text || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid)
              FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = ?1
            UNION ALL
            SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = ?1 AND tablename <> 'flyway_schema_history'
            UNION ALL
            SELECT 'function ' || pg_get_functiondef(p.oid)
              FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ?1
            UNION ALL
            SELECT 'trigger ' || pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class r ON r.oid = t.tgrelid
              JOIN pg_namespace n ON n.oid = r.relnamespace WHERE n.nspname = ?1 AND NOT t.tgisinternal
            UNION ALL
            SELECT 'relation ' || r.relkind::text || ' ' || r.relname || coalesce(' ' || pg_get_viewdef(r.oid), '')
                   || coalesce(' comment ' || obj_description(r.oid, 'pg_class'), '')
              FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace WHERE n.nspname = ?1
                AND r.relname NOT LIKE 'flyway_schema_history%'
            UNION ALL
            SELECT 'history ' || coalesce(version, '-') || ' ' || description || ' ' || type || ' ' || script
                   || ' ' || coalesce(checksum::text, '-') || ' ' || success
              FROM "?S".flyway_schema_history
            """;

    @Test
    void aCopiedSchemaIsTheSchemaFlywayBuilds() throws Exception {
        try (TestDatabase migrated = TestDatabase.empty(); TestDatabase copied = TestDatabase.create()) {
            org.flywaydb.core.Flyway.configure() // as Database.migrate does; an engine would also write its secret
                    .dataSource(TestServers.jdbcUrl(), TestServers.dbUser(), TestServers.dbPassword())
                    .schemas(migrated.schema()).defaultSchema(migrated.schema()).createSchemas(true)
                    .locations("classpath:db/migration").validateMigrationNaming(true)
                    .load().migrate();
            List<String> expected = catalog(migrated.schema());
            assertThat(expected).hasSizeGreaterThan(200);
            assertThat(catalog(copied.schema())).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(rowCounts(copied.schema())).isEqualTo(rowCounts(migrated.schema()));
        }
    }

    @Test
    void anEngineTakesACopiedSchemaAsCurrentAndFlywayValidatesIt() throws Exception {
        try (TestDatabase db = TestDatabase.create()) {
            List<String> history = history(db);
            try (IntegrityEngine engine = db.startEngine()) { // a service engine: Flyway migrate and validate, then SchemaCheck
                assertThat(engine.health().database().up()).isTrue();
            }
            try (IntegrityEngine engine = db.startOneShotEngine()) {
                assertThat(engine.health().database().up()).isTrue();
            }
            assertThat(history(db)).as("Flyway applied nothing to the copy").isEqualTo(history);
        }
    }

    @Test
    void closeDropsTheSchema() throws Exception {
        TestDatabase db = TestDatabase.create();
        db.close();
        try (Connection c = TestServers.connect();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_namespace WHERE nspname = ?")) {
            ps.setString(1, db.schema());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }

    private static List<String> catalog(String schema) throws SQLException {
        String sql = CATALOG.replace("?1", "'" + schema + "'").replace("?S", schema);
        List<String> rows = new ArrayList<>();
        try (Connection c = TestServers.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1).replace(schema, "S"));
            }
        }
        return rows;
    }

    private static List<String> rowCounts(String schema) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection c = TestServers.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                     + schema + "' AND table_type = 'BASE TABLE' AND table_name <> 'flyway_schema_history' ORDER BY 1")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        List<String> counts = new ArrayList<>();
        try (Connection c = TestServers.connect(); Statement st = c.createStatement()) {
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + schema + "." + t)) {
                    rs.next();
                    counts.add(t + " " + rs.getLong(1));
                }
            }
        }
        return counts;
    }

    private static List<String> history(TestDatabase db) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT installed_rank || '|' || coalesce(version, '') || '|' || type || '|'"
                     + " || checksum || '|' || installed_on FROM flyway_schema_history ORDER BY installed_rank")) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
