package org.nstcg.integrity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;

/**
 * {@code audit list} with hostile input (issue 14, section 7): {@code --action %} is an action literally named %, not a
 * LIKE wildcard; control and bidirectional characters already in the trail are shown escaped, and {@code --actor}
 * refuses them with a sentence before anything is done.
 */
@IntegrityTest(engine = IntegrityTest.Engine.NONE)
class AuditListInputIT {

    private static TestDatabase db;
    private final CliRunner cli = new CliRunner();

    @BeforeAll
    static void seed(TestDatabase slice) throws Exception {
        db = slice;
        // As if written before the engine refused them, or by hand: audit_append takes any text.
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT audit_append(?, ?, ?, ?, NULL, NULL, ?)")) {
            append(ps, "ada", "cache.invalidate", "user:*", "1 entries removed");
            append(ps, "ada", "cache.rebuild", "count:*", "finished");
            append(ps, "ada", "cachexrebuild", "count:*", "not a cache.* action");
            append(ps, "ada", "%", "x", "an action literally named %");
            append(ps, "eve\u202Etxt.exe", "saga.resolve", "42", "done\u001B[2K\rall fine\u2066");
        }
    }

    private static void append(PreparedStatement ps, String actor, String action, String target, String details) throws Exception {
        ps.setString(1, actor);
        ps.setString(2, action);
        ps.setString(3, "test");
        ps.setString(4, target);
        ps.setString(5, details);
        ps.execute();
    }

    private int run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(db.cliFlags());
        return cli.run(all.toArray(String[]::new));
    }

    private List<String> actions(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("audit", "list", "--json"));
        all.addAll(List.of(args));
        assertThat(run(all.toArray(String[]::new))).isZero();
        List<String> out = new ArrayList<>();
        for (JsonNode e : new ObjectMapper().readTree(cli.out()).path("entries")) {
            out.add(e.path("action").asText());
        }
        return out;
    }

    @Test
    void percentMatchesOnlyAnActionLiterallyNamedPercentAndAPrefixStillWorks() throws Exception {
        assertThat(actions("--action", "%")).containsExactly("%");
        assertThat(actions("--action", "_ache.rebuild")).isEmpty();
        assertThat(actions("--action", "cache.*")).containsExactly("cache.rebuild", "cache.invalidate");
        assertThat(actions("--action", "cache.rebuild")).containsExactly("cache.rebuild");
    }

    @Test
    void controlAndBidiCharactersInTheTrailAreShownEscaped() {
        assertThat(run("audit", "list", "--action", "saga.resolve")).isZero();
        assertThat(cli.out()).contains("eve\\u202Etxt.exe").contains("done\\u001B[2K\\u000Dall fine\\u2066")
                .doesNotContain("\u202E").doesNotContain("\u001B").doesNotContain("\r").doesNotContain("\u2066");
    }

    @Test
    void anActorWithABidiOverrideIsRefusedWithASentence() {
        assertThat(run("cache", "invalidate", "count:*", "--actor", "admin\u202Enimda")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err()).contains("error: --actor must not contain control or bidirectional-override characters (U+202E).");
    }
}
