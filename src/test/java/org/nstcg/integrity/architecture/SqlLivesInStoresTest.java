package org.nstcg.integrity.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * SQL lives in stores (the engine-boundary issue): a string literal or text block that starts a statement appears
 * only in a store (a class named {@code …Store}, or {@code engine.store}), in the declarative definitions of checks
 * and repairs (whose SQL is what they are), or in a benchmark. ArchUnit sees classes, not literals, so this rule reads
 * the sources.
 */
class SqlLivesInStoresTest {

    private static final Path SOURCES = Path.of("src/main/java/org/nstcg/integrity");

    /** A literal that begins with a statement's first words (leading spaces allowed). */
    private static final Pattern STATEMENT = Pattern.compile(
            "\"(?:\"\"\\s*)?\\s*(SELECT\\s|INSERT\\s+INTO\\s|UPDATE\\s+\\w+\\s+SET\\s|DELETE\\s+FROM\\s|WITH\\s+\\w+\\s+AS\\s|LOCK\\s+TABLE\\s"
                    + "|TRUNCATE\\s|ALTER\\s+TABLE\\s|CREATE\\s+(?:TEMP\\s+)?TABLE\\s)");

    private static boolean allowed(Path file) {
        String path = SOURCES.relativize(file).toString().replace('\\', '/');
        String name = file.getFileName().toString();
        return name.endsWith("Store.java")
                || path.startsWith("engine/store/")
                || path.startsWith("cli/bench/") || path.equals("cli/BenchCommand.java")
                || path.equals("engine/integrity/BuiltInChecks.java") || path.equals("engine/integrity/SqlCheck.java")
                || (path.startsWith("engine/repair/") && name.endsWith("Repair.java"));
    }

    @Test
    void statementsAppearOnlyInStoresChecksRepairsAndBenchmarks() throws IOException {
        List<String> offenders;
        try (Stream<Path> files = Files.walk(SOURCES)) {
            offenders = files.filter(f -> f.toString().endsWith(".java")).filter(f -> !allowed(f))
                    .flatMap(SqlLivesInStoresTest::statements).toList();
        }
        assertThat(offenders).as("SQL statements outside a store").isEmpty();
    }

    @Test
    void theRuleRecognisesAStatement() {
        assertThat(STATEMENT.matcher("tx.update(\"UPDATE users SET status = ?\")").find()).isTrue();
        assertThat(STATEMENT.matcher("tx.single(\"\"\"\n    SELECT 1\"\"\")").find()).isTrue();
        assertThat(STATEMENT.matcher("\"select a reason\"").find()).isFalse();
    }

    private static Stream<String> statements(Path file) {
        try {
            String text = Files.readString(file);
            Matcher m = STATEMENT.matcher(text);
            Stream.Builder<String> found = Stream.builder();
            while (m.find()) {
                int line = (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
                found.add(SOURCES.relativize(file) + ":" + line + " " + m.group(1).strip());
            }
            return found.build();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
