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

        assertThat(run("audit", "list", "--actor", "oscar", "--json")).isZero();
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
}
