package org.nstcg.integrity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.integrity.BuiltInChecks;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;

/**
 * Smoke test of {@code bench integrity} on 3,000 users: every figure is there and positive, the planted duplicates
 * are found, and neither schema, keys nor the temporary file is left behind.
 */
@IntegrityTest(engine = IntegrityTest.Engine.NONE)
class IntegrityBenchIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestDatabase db;

    @BeforeAll
    static void slice(TestDatabase slice) {
        db = slice;
    }

    @Test
    void benchIntegrityJsonHasEveryFigureFindsThePlantedDuplicatesAndCleansUp() throws Exception {
        CliRunner cli = new CliRunner();
        List<String> args = new ArrayList<>(List.of("bench", "integrity", "--users", "3000", "--json"));
        args.addAll(db.cliFlags());
        int code = cli.run(args.toArray(String[]::new));
        assertThat(code).as(cli.err()).isZero();
        JsonNode root = JSON.readTree(cli.out());
        assertThat(root.path("benchmark").asText()).isEqualTo("integrity");
        assertThat(root.path("users").asLong()).isEqualTo(3000);

        JsonNode file = root.path("file");
        assertThat(file.path("rows").asLong()).isEqualTo(3000);
        positive(file, "file", "bytes", "writeSeconds");
        JsonNode planted = file.path("planted");
        long exactPlanted = planted.path("exactDuplicates").asLong();
        long likelyPlanted = planted.path("likelyDuplicates").asLong();
        long conflicts = planted.path("codeConflicts").asLong();
        assertThat(exactPlanted).as("planted exact duplicates").isPositive();
        assertThat(likelyPlanted).as("planted likely duplicates").isPositive();
        assertThat(conflicts).as("planted code conflicts").isPositive();
        for (String spelling : List.of("gmailDots", "plusTag", "upperCase")) {
            assertThat(planted.path("exactBySpelling").path(spelling).asLong()).as("planted " + spelling).isPositive();
        }

        JsonNode imp = root.path("import");
        positive(imp, "import", "seconds", "rowsPerSecond", "ratio");
        positive(imp.path("baseline"), "import.baseline", "seconds", "rowsPerSecond");
        assertThat(imp.path("baseline").path("rows").asLong()).isEqualTo(3000);
        assertThat(imp.path("rows").asLong()).isEqualTo(3000);
        assertThat(imp.path("invalid").asLong()).isZero();
        // Each planted exact duplicate and each reused code is held, nothing else.
        assertThat(imp.path("held").asLong()).isEqualTo(exactPlanted + conflicts);
        assertThat(imp.path("imported").asLong()).isEqualTo(3000 - exactPlanted - conflicts);

        JsonNode checks = root.path("checks");
        positive(checks, "checks", "checksSeconds", "runSeconds");
        List<String> names = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = checks.path("perCheck").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            names.add(e.getKey());
            assertThat(e.getValue().path("millis").asDouble()).as(e.getKey() + " millis").isPositive();
            assertThat(e.getValue().path("status").asText()).as(e.getKey() + " status").isNotEqualTo("error");
        }
        assertThat(names).containsExactlyElementsOf(BuiltInChecks.NAMES);

        JsonNode dup = root.path("duplicates");
        positive(dup, "duplicates", "seconds", "ratio");
        JsonNode exact = dup.path("exact");
        positive(exact, "duplicates.exact", "seconds");
        assertThat(exact.path("plantedFound").asLong()).as("planted exact duplicates found").isEqualTo(exactPlanted);
        assertThat(exact.path("recall").asDouble()).isEqualTo(1.0);
        JsonNode likely = dup.path("likely");
        positive(likely, "duplicates.likely", "seconds");
        assertThat(likely.path("plantedFound").asLong()).as("planted likely duplicates found").isEqualTo(likelyPlanted);
        JsonNode baseline = dup.path("baseline");
        positive(baseline, "duplicates.baseline", "seconds", "groups", "plantedFound");
        // lower(email) sees the upper-case spellings only.
        assertThat(baseline.path("plantedFoundBySpelling").path("upperCase").asLong())
                .isEqualTo(planted.path("exactBySpelling").path("upperCase").asLong());
        assertThat(baseline.path("plantedFoundBySpelling").path("gmailDots").asLong()).isZero();
        assertThat(baseline.path("plantedFoundBySpelling").path("plusTag").asLong()).isZero();

        assertThat(file.path("deleted").asBoolean()).isTrue();
        assertThat(Files.exists(Path.of(file.path("path").asText()))).as("temporary CSV left behind").isFalse();
        try (Connection c = TestServers.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM information_schema.schemata WHERE schema_name LIKE 'bench\\_%'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("bench schemas left behind").isZero();
        }
        try (RedisClient r = RedisClient.create(TestServers.redisUri())) {
            assertThat(r.scan(ScanParams.SCAN_POINTER_START, new ScanParams().match("bench:*").count(10_000)).getResult())
                    .as("bench keys left behind").isEmpty();
        }
    }

    private static void positive(JsonNode node, String where, String... fields) {
        for (String f : fields) {
            assertThat(node.has(f)).as(where + "." + f + " present").isTrue();
            assertThat(node.path(f).asDouble()).as(where + "." + f).isPositive();
        }
    }
}
