package org.nstcg.integrity.engine.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nstcg.integrity.engine.support.EngineException;

/**
 * Checks that the schema the engine connected to has every table and column this build's SQL uses, with the types
 * it expects: a schema changed by hand after its migrations (a dropped column, a retyped one) stops a service
 * engine's start with a sentence instead of failing one statement at a time later.
 *
 * <p>Design notes: the expected columns are {@value #RESOURCE}, the migrated schema as {@code information_schema}
 * describes it, one {@code table.column type} per line; MigrationIT fails when the migrations and the file disagree
 * and prints the file's new content. Extra tables and columns are allowed (a newer version may have added them, and
 * Flyway ignores migrations newer than this build). The check is one catalogue query, a few milliseconds; it
 * replaced Hibernate's entity validation, which took 1.3 s of each start and covered 3 tables of 19 (decision 0008).
 */
public final class SchemaCheck {

    /** The expected columns, on the classpath. */
    public static final String RESOURCE = "db/schema-columns.txt";
    /** The columns of a schema, {@code table.column type}, in the order of {@link #RESOURCE}. */
    static final String COLUMNS_SQL = "SELECT table_name || '.' || column_name || ' ' || CASE WHEN data_type = 'ARRAY'"
            + " THEN udt_name ELSE data_type END FROM information_schema.columns WHERE table_schema = ?"
            + " AND table_name <> 'flyway_schema_history' ORDER BY table_name, column_name";

    private SchemaCheck() {
    }

    /** The columns of {@code schema} as {@link #RESOURCE} lists them. */
    public static List<String> columns(Jdbc jdbc, String schema) {
        return jdbc.read("read the schema's columns", tx -> tx.list(COLUMNS_SQL, r -> r.getString(1), schema));
    }

    /** The columns this build expects. */
    public static List<String> expected() {
        try (InputStream in = SchemaCheck.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What {@code actual} lacks of {@code expected}: "column users.last_name is missing", "column users.points is
     * integer, expected bigint"; empty when the schema has everything.
     */
    public static List<String> differences(List<String> expected, List<String> actual) {
        Map<String, String> types = new LinkedHashMap<>();
        for (String line : actual) {
            int space = line.indexOf(' ');
            types.put(line.substring(0, space), line.substring(space + 1));
        }
        List<String> problems = new ArrayList<>();
        for (String line : expected) {
            int space = line.indexOf(' ');
            String column = line.substring(0, space);
            String type = line.substring(space + 1);
            String found = types.get(column);
            if (found == null) {
                problems.add("column " + column + " is missing");
            } else if (!found.equals(type)) {
                problems.add("column " + column + " is " + found + ", expected " + type);
            }
        }
        return problems;
    }

    /** Throws when the schema lacks anything this build uses; the message names the first differences and the schema. */
    static void verify(Jdbc jdbc, DatabaseSettings s) {
        List<String> problems = differences(expected(), columns(jdbc, s.schema()));
        if (!problems.isEmpty()) {
            String shown = String.join("; ", problems.subList(0, Math.min(5, problems.size())))
                    + (problems.size() > 5 ? " and " + (problems.size() - 5) + " more" : "");
            throw new EngineException("The database schema in " + s.endpoint() + " (schema " + s.schema()
                    + ") does not match this version of Integrity Console: " + shown
                    + ". Restore the schema from a backup, or point db.schema at a schema this version created.");
        }
    }
}
