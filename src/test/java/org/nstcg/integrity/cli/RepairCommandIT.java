package org.nstcg.integrity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;

/** {@code repair}: the kinds, a dry run that writes nothing, an apply that fixes and is audited, an unknown kind. */
@IntegrityTest(engine = IntegrityTest.Engine.NONE)
class RepairCommandIT {

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

    private long count(String sql) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aDryRunListsTheChangeAndWritesNothingThenTheRepairFixesItAndIsAudited() throws Exception {
        assertThat(run("register", "--email", "rc@example.org", "--first-name", "Rc")).isZero();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("UPDATE gamification_profiles SET referral_count = 3");
        }

        assertThat(run("repair", "referral-count", "--dry-run")).isZero();
        assertThat(cli.out()).contains("Would apply 1 change (referral-count):").contains("referral count 3 → 0")
                .contains("Nothing was written.");
        assertThat(count("SELECT referral_count FROM gamification_profiles")).isEqualTo(3);

        assertThat(run("repair", "referral-count", "--actor", "olga", "--reason", "drift", "--json")).isZero();
        JsonNode applied = new ObjectMapper().readTree(cli.out());
        assertThat(applied.path("applied").asBoolean()).isTrue();
        assertThat(applied.path("total").asLong()).isEqualTo(1);
        assertThat(count("SELECT referral_count FROM gamification_profiles")).isZero();
        assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'repair.referral-count' AND actor = '"
                + org.nstcg.integrity.support.TestActors.cli("olga") + "' AND details = 'drift'"))
                .isEqualTo(1);

        assertThat(run("repair", "referral-count")).isZero();
        assertThat(cli.out()).startsWith("Nothing to repair");
    }

    @Test
    void listNamesEveryRepairAndAnUnknownKindIsAUsageError() {
        assertThat(run("repair", "list")).isZero();
        assertThat(cli.out()).contains("points").contains("missing-profile").contains("referral-codes").contains("sagas").contains("cache");
        assertThat(run("repair", "nonsense")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err()).contains("there is no repair 'nonsense'");
        assertThat(run("repair", "points", "--actor", " ")).as("a blank actor cannot be audited").isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err()).contains("--actor takes a label").doesNotContain("Exception");
        assertThat(run("repair", "nonsense")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err()).contains("there is no repair 'nonsense'").contains("points");
    }

    @Test
    void aReasonLongerThan500CharactersIsRefusedWithExitFourAndNothingIsRepaired() throws Exception {
        assertThat(run("register", "--email", "long-reason@example.org", "--first-name", "Lr")).isZero();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("UPDATE gamification_profiles SET referral_count = 4");
        }
        long audited = count("SELECT count(*) FROM audit_log WHERE action LIKE 'repair.%'");

        assertThat(run("repair", "referral-count", "--reason", "r".repeat(501))).isEqualTo(ExitCodes.INVALID);
        assertThat(cli.err()).startsWith("error: The reason is longer than 500 characters (it has 501)").hasLineCount(1);
        assertThat(count("SELECT count(*) FROM gamification_profiles WHERE referral_count = 4")).isPositive();
        assertThat(count("SELECT count(*) FROM audit_log WHERE action LIKE 'repair.%'")).isEqualTo(audited);
    }
}
