package org.nstcg.integrity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;

/** {@code audit list} and {@code audit verify}: operator actions are listed with who did them; tampering gives exit 1. */
@IntegrityTest(engine = IntegrityTest.Engine.NONE)
class AuditCommandsIT {

    private static TestDatabase db;
    private final CliRunner cli = new CliRunner();

    @BeforeAll
    static void create(TestDatabase slice) {
        db = slice;
    }

    private int run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(db.cliFlags());
        return cli.run(all.toArray(String[]::new));
    }

    @Test
    void cacheActionsAreAuditedAndVerifyFindsATamperedEntry() throws Exception {
        assertThat(run("cache", "invalidate", "user:*", "--actor", "oscar")).isZero();
        assertThat(run("cache", "rebuild", "--pattern", "count:*", "--actor", "oscar", "--json")).isZero();

        assertThat(run("audit", "list", "--actor", org.nstcg.integrity.support.TestActors.cli("oscar"), "--json")).isZero();
        JsonNode entries = new ObjectMapper().readTree(cli.out()).path("entries");
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0).path("action").asText()).isEqualTo("cache.rebuild");
        assertThat(entries.get(0).path("targetId").asText()).isEqualTo("count:*");
        assertThat(entries.get(0).path("after").path("written").asLong()).isEqualTo(1);
        assertThat(entries.get(1).path("action").asText()).isEqualTo("cache.invalidate");

        assertThat(run("audit", "verify")).isZero();
        assertThat(cli.out()).startsWith("Audit trail intact: 2 entries verified.");

        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE audit_log DISABLE TRIGGER USER");
            st.execute("UPDATE audit_log SET actor = 'mallory' WHERE action = 'cache.invalidate'");
            st.execute("ALTER TABLE audit_log ENABLE TRIGGER USER");
        }
        assertThat(run("audit", "verify", "--json")).isEqualTo(ExitCodes.FINDINGS);
        JsonNode v = new ObjectMapper().readTree(cli.out());
        assertThat(v.path("intact").asBoolean()).isFalse();
        assertThat(v.path("firstBadId").asLong()).isEqualTo(entries.get(1).path("id").asLong());
    }

    @Test
    void anAnchorPrintedByAuditAnchorCatchesATailCutLaterAndAMalformedOneIsAUsageError() throws Exception {
        try (TestDatabase own = TestDatabase.create()) {
            List<String> flags = own.cliFlags();
            java.util.function.Function<String[], Integer> runOwn = args -> {
                List<String> all = new ArrayList<>(List.of(args));
                all.addAll(flags);
                return cli.run(all.toArray(String[]::new));
            };
            assertThat(runOwn.apply(new String[] {"audit", "anchor"})).isZero();
            assertThat(cli.out()).contains("The audit trail is empty");
            assertThat(runOwn.apply(new String[] {"cache", "invalidate", "user:*", "--actor", "oscar"})).isZero();
            assertThat(runOwn.apply(new String[] {"cache", "invalidate", "count:*", "--actor", "oscar"})).isZero();
            assertThat(runOwn.apply(new String[] {"audit", "anchor"})).isZero();
            String anchor = cli.out().strip();
            assertThat(anchor).matches("\\d+:[0-9a-f]{64}");
            java.nio.file.Path copy = java.nio.file.Files.createTempFile("anchors", ".log");
            java.nio.file.Files.copy(own.dataDir().resolve("audit-anchors.log"), copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

            assertThat(runOwn.apply(new String[] {"audit", "verify", "--expect", anchor, "--anchors", copy.toString()})).isZero();
            assertThat(cli.out()).contains("Seals: 2 entries sealed").contains("Anchors: 3 checked");

            try (Connection c = own.connect(); Statement st = c.createStatement()) {
                st.execute("SET session_replication_role = replica");
                st.execute("DELETE FROM audit_seals WHERE entry_id = (SELECT max(id) FROM audit_log)");
                st.execute("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)");
            }
            java.nio.file.Files.delete(own.dataDir().resolve("audit-anchors.log")); // the attacker removes the local copy too
            assertThat(runOwn.apply(new String[] {"audit", "verify"})).as("no anchor left here").isZero();
            assertThat(runOwn.apply(new String[] {"audit", "verify", "--expect", anchor})).isEqualTo(ExitCodes.FINDINGS);
            assertThat(cli.out()).contains("BROKEN at entry " + anchor.split(":")[0]).contains("cut from its end");
            assertThat(runOwn.apply(new String[] {"audit", "verify", "--anchors", copy.toString()})).isEqualTo(ExitCodes.FINDINGS);

            assertThat(runOwn.apply(new String[] {"audit", "verify", "--expect", "12:nothex"})).isEqualTo(ExitCodes.USAGE);
            assertThat(cli.err()).contains("expected ID:HASH");
            assertThat(runOwn.apply(new String[] {"audit", "verify", "--anchors", "/nonexistent/anchors.log"})).isEqualTo(ExitCodes.USAGE);
            assertThat(cli.err()).contains("no such file");
            java.nio.file.Files.delete(copy);
        }
    }
}
