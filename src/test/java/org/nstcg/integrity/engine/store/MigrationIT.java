package org.nstcg.integrity.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.support.TestDatabase;

/**
 * Proves that the Flyway migrations build the whole schema in an empty database schema, that the schema has the
 * columns this build expects ({@link SchemaCheck}), that a second start migrates nothing, and that a schema changed
 * by hand stops the engine with a sentence, not a stack trace.
 */
class MigrationIT {

    private static final List<String> TABLES = List.of("users", "referral_codes", "gamification_profiles",
            "points_ledger", "sagas", "saga_event_batches", "outbox_events", "audit_log", "integrity_check_runs",
            "integrity_findings", "engine_secrets");

    private TestDatabase db;

    /** "1:true", "2:true", … for every migration shipped in src/main/resources/db/migration. */
    private static List<String> shippedMigrations() {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/migration"))) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.matches("V\\d+__.+\\.sql"))
                    .map(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))))
                    .sorted()
                    .map(v -> v + ":true")
                    .toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String latestVersion() {
        List<String> all = shippedMigrations();
        return all.get(all.size() - 1).replace(":true", "");
    }

    @Test
    void theEngineKnowsTheNewestMigrationItShips() {
        assertThat(Database.LATEST_MIGRATION).as("Database.LATEST_MIGRATION, which lets one-shot commands skip Flyway")
                .isEqualTo(Integer.parseInt(latestVersion()));
    }

    @Test
    void aOneShotEngineOnAnOlderSchemaStillMigratesIt() throws SQLException {
        db.startEngine().close();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("DELETE FROM flyway_schema_history WHERE version = '" + latestVersion() + "'");
        }
        try (IntegrityEngine engine = db.startOneShotEngine()) {
            assertThat(engine.database().schemaVersion()).contains(latestVersion());
        }
    }

    @BeforeEach
    void createSchema() {
        db = TestDatabase.empty(); // every test here starts where Flyway does: no schema at all
    }

    @AfterEach
    void dropSchema() throws SQLException {
        db.close();
    }

    @Test
    void migratesAnEmptySchemaToTheLatestVersionWithTheColumnsThisBuildExpects() throws SQLException {
        try (IntegrityEngine engine = db.startEngine()) {
            List<String> columns = SchemaCheck.columns(engine.database().jdbc(), db.schema());
            assertThat(columns)
                    .as("the migrated schema differs from %s; if the migrations are right, its new content is:%n%s",
                            SchemaCheck.RESOURCE, String.join("\n", columns))
                    .containsExactlyElementsOf(SchemaCheck.expected());
            assertThat(engine.database().schemaVersion()).contains(latestVersion());
        }
        assertThat(shippedMigrations()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(appliedMigrations()).containsExactlyElementsOf(shippedMigrations());
        assertThat(tablesInSchema()).containsAll(TABLES);
    }

    @Test
    void secondStartOnTheSameSchemaMigratesNothing() throws SQLException {
        try (IntegrityEngine first = db.startEngine()) {
            assertThat(first.health().database().up()).isTrue();
        }
        List<String> historyAfterFirstStart = historyRows();

        try (IntegrityEngine second = db.startEngine()) {
            assertThat(second.database().schemaVersion()).contains(latestVersion());
        }
        assertThat(historyRows()).isEqualTo(historyAfterFirstStart);
        assertThat(appliedMigrations()).containsExactlyElementsOf(shippedMigrations());
    }

    @Test
    void driftedSchemaStopsTheStartWithASentence() throws SQLException {
        db.startEngine().close();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE users DROP COLUMN last_name");
        }

        assertThatThrownBy(db::startEngine)
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("does not match this version of Integrity Console")
                .hasMessageContaining("last_name")
                .hasMessageContaining(db.schema())
                .satisfies(e -> assertThat(e.getMessage()).doesNotStartWith("org.")
                        .doesNotContain("Exception:").doesNotContain("\n\tat "));
    }

    @Test
    void aRetypedColumnStopsTheStartAndNamesBothTypes() throws SQLException {
        db.startEngine().close();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE console_accounts ALTER COLUMN failed_attempts TYPE bigint");
        }

        assertThatThrownBy(db::startEngine)
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("does not match this version of Integrity Console")
                .hasMessageContaining("column console_accounts.failed_attempts is bigint, expected integer");
    }

    @Test
    void differencesNameMissingAndRetypedColumnsAndAllowExtraOnes() {
        List<String> expected = List.of("users.id bigint", "users.email text", "users.points integer");
        List<String> actual = List.of("users.id bigint", "users.points bigint", "users.added_later text");
        assertThat(SchemaCheck.differences(expected, actual))
                .containsExactly("column users.email is missing", "column users.points is bigint, expected integer");
        assertThat(SchemaCheck.differences(expected, List.of("users.email text", "users.id bigint", "users.points integer", "x.y text")))
                .isEmpty();
    }

    /** Versioned SQL migrations as "version:success", in the order they were applied. */
    private List<String> appliedMigrations() throws SQLException {
        return query("SELECT version || ':' || success FROM flyway_schema_history WHERE type = 'SQL' ORDER BY installed_rank");
    }

    private List<String> historyRows() throws SQLException {
        return query("SELECT installed_rank || '|' || coalesce(version, '') || '|' || type || '|' || installed_on"
                + " FROM flyway_schema_history ORDER BY installed_rank");
    }

    private List<String> tablesInSchema() throws SQLException {
        return query("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + db.schema() + "'");
    }

    private List<String> query(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
