package org.nstcg.integrity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;

/** {@code import}, {@code duplicates list}, {@code merge} and {@code unmerge} against real servers, in that order. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@IntegrityTest(engine = IntegrityTest.Engine.NONE)
class DedupCommandsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestDatabase db;
    private final CliRunner cli = new CliRunner();

    @TempDir
    static Path dir;

    @BeforeAll
    static void create(TestDatabase slice) {
        db = slice;
    }

    private static String[] withDb(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(db.cliFlags());
        return all.toArray(String[]::new);
    }

    private static long id(String mailbox) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM users WHERE email_normalized = '" + mailbox + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    @Order(1)
    void importReportsBadAndHeldRowsByLineAndExitsOne() throws Exception {
        Path file = dir.resolve("legacy.csv");
        Files.writeString(file, "email,first_name,last_name,referral_code,points,referred_by_code\n"
                + "jane.doe@gmail.com,Jane,Doe,JANE-1,40,\n"
                + "janedoe@outlook.com,Jane,Doe,DEE-1,30,\n"
                + "bob@example.org,Bob,Ross,BOB-1,5,DEE-1\n"
                + "nope,Bad,,,,\n"
                + "JaneDoe@gmail.com,Jane,D,,1,\n", StandardCharsets.UTF_8);
        int code = cli.run(withDb("import", file.toString(), "--actor", "migrator"));
        assertThat(code).as(cli.err()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(cli.out()).contains("5 rows, 3 imported, 1 held, 1 bad").contains("line 5: email ")
                .contains("line 6: held: the mailbox janedoe@gmail.com is also on line 2");
        assertThat(cli.err()).contains("[####################] 100%");

        Path clean = dir.resolve("clean.csv");
        Files.writeString(clean, "first_name,email\nAl,al@example.org\n", StandardCharsets.UTF_8);
        assertThat(cli.run(withDb("import", clean.toString(), "--json"))).isEqualTo(ExitCodes.OK);
        JsonNode r = JSON.readTree(cli.out());
        assertThat(r.path("imported").asInt()).isEqualTo(1);
        assertThat(cli.err()).isEmpty();
    }

    @Test
    @Order(2)
    void importOfAFileThatCannotBeImportedSaysWhyInOneLine() throws Exception {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "email,first_name,phone\n", StandardCharsets.UTF_8);
        assertThat(cli.run(withDb("import", bad.toString()))).isEqualTo(ExitCodes.INVALID);
        assertThat(cli.err()).startsWith("error: The header names an unknown column 'phone'").hasLineCount(1);
        assertThat(cli.run(withDb("import", dir.resolve("missing.csv").toString()))).isEqualTo(ExitCodes.INVALID);
        assertThat(cli.err()).startsWith("error: There is no file").hasLineCount(1);
    }

    @Test
    @Order(2)
    void importOfDevZeroEndsAtOnceWithExitFour() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/zero")));
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () ->
                assertThat(cli.run(withDb("import", "/dev/zero"))).isEqualTo(ExitCodes.INVALID));
        assertThat(cli.err()).startsWith("error: Line 1 contains a NUL character").hasLineCount(1);
    }

    @Test
    @Order(3)
    void duplicatesListShowsExactAndLikelyPairs() throws Exception {
        assertThat(cli.run(withDb("duplicates", "list"))).isZero();
        assertThat(cli.out()).contains("exact  1.00  user " + id("janedoe@gmail.com")).contains("legacy row")
                .contains("likely").contains("same mailbox name 'janedoe' at gmail.com and outlook.com");
        assertThat(cli.run(withDb("duplicates", "list", "--likely", "--limit", "1", "--json"))).isZero();
        JsonNode root = JSON.readTree(cli.out());
        assertThat(root.path("duplicates")).hasSize(1);
        assertThat(root.path("duplicates").get(0).path("kind").asText()).isEqualTo("likely");
        assertThat(cli.run(withDb("duplicates", "list", "--exact", "--likely"))).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.run(withDb("duplicates", "list", "--limit", "0"))).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    @Order(4)
    void mergeDryRunThenMergeThenUnmerge() throws Exception {
        long jane = id("janedoe@gmail.com");
        long dee = id("janedoe@outlook.com");
        assertThat(cli.run(withDb("merge", "--survivor", Long.toString(jane), "--duplicate", Long.toString(dee), "--dry-run"))).isZero();
        assertThat(cli.out()).contains("would make these changes").contains("referral code DEE-1 (primary of user " + dee + ")")
                .contains("30 points moved").contains("1 referred user re-pointed");
        assertThat(cli.run(withDb("merge", "--survivor", Long.toString(jane), "--duplicate", Long.toString(dee), "--dry-run"))).isZero();

        assertThat(cli.run(withDb("merge", "--survivor", Long.toString(jane), "--duplicate", Long.toString(dee), "--actor", "sam",
                "--reason", "same person", "--json"))).as(cli.err()).isZero();
        JsonNode merged = JSON.readTree(cli.out());
        assertThat(merged.path("pointsMoved").asInt()).isEqualTo(30);
        assertThat(merged.path("mergeId").asLong()).isPositive();

        assertThat(cli.run(withDb("merge", "--survivor", Long.toString(jane), "--duplicate", Long.toString(dee))))
                .isEqualTo(ExitCodes.NOT_APPLICABLE);
        assertThat(cli.err()).isEqualTo("error: cannot merge user " + dee + " into user " + jane + ": user " + dee
                + " is already merged into user " + jane + ".\n");
        assertThat(cli.run(withDb("merge", "--survivor", Long.toString(jane), "--duplicate", Long.toString(jane))))
                .isEqualTo(ExitCodes.NOT_APPLICABLE);
        assertThat(cli.err()).contains("cannot be merged into itself").hasLineCount(1);
        assertThat(cli.run(withDb("merge", "--survivor", "999999", "--duplicate", Long.toString(jane)))).isEqualTo(ExitCodes.NOT_APPLICABLE);
        assertThat(cli.err()).contains("there is no user 999999");
        assertThat(cli.run(withDb("merge", "--survivor", "x", "--duplicate", "1"))).isEqualTo(ExitCodes.USAGE);

        assertThat(cli.run(withDb("unmerge", Long.toString(dee), "--actor", "sam", "--reason", "two people"))).isZero();
        assertThat(cli.out()).contains("Unmerged user " + dee + " from user " + jane).contains("30 points");
        assertThat(cli.run(withDb("unmerge", Long.toString(dee)))).isEqualTo(ExitCodes.NOT_APPLICABLE);
        assertThat(cli.err()).isEqualTo("error: cannot unmerge user " + dee + ": user " + dee + " is active, not merged.\n");
        assertThat(cli.run(withDb("unmerge", "999999"))).isEqualTo(ExitCodes.NOT_APPLICABLE);
        assertThat(cli.err()).contains("there is no user 999999");
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT string_agg(action || ':' || actor, ',' ORDER BY id) FROM audit_log")) {
            rs.next();
            assertThat(rs.getString(1)).contains("user.import:" + org.nstcg.integrity.support.TestActors.cli("migrator"),
                    "user.merge:" + org.nstcg.integrity.support.TestActors.cli("sam"), "user.unmerge:" + org.nstcg.integrity.support.TestActors.cli("sam"));
        }
    }
}
