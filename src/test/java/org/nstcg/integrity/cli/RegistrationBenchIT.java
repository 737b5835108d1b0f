package org.nstcg.integrity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;

/** Smoke test of {@code bench registration --hot-referrer}: both paths ran, slice by slice, and the ratio is theirs. */
@IntegrityTest(engine = IntegrityTest.Engine.NONE)
class RegistrationBenchIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestDatabase db;

    @BeforeAll
    static void slice(TestDatabase slice) {
        db = slice;
    }

    @Test
    void hotReferrerJsonHasBothPathsTheirSlicesAndTheirRatio() throws Exception {
        CliRunner cli = new CliRunner();
        List<String> args = new ArrayList<>(List.of("bench", "registration", "--hot-referrer", "--clients", "2", "--seconds", "4",
                "--warmup", "0", "--json"));
        args.addAll(db.cliFlags());
        int code = cli.run(args.toArray(String[]::new));
        assertThat(code).as(cli.err()).isZero();
        JsonNode root = JSON.readTree(cli.out());
        assertThat(root.path("mode").asText()).isEqualTo("hot-referrer");
        assertThat(root.path("referrers").asInt()).isEqualTo(1000);
        JsonNode uniform = root.path("uniform");
        JsonNode hot = root.path("hot");
        for (JsonNode path : List.of(uniform, hot)) {
            assertThat(path.path("operations").asLong()).isPositive();
            assertThat(path.path("slicePerSecond")).hasSize(4);
            assertThat(path.path("firstSlicePerSecond").asDouble()).isEqualTo(path.path("slicePerSecond").get(0).asDouble());
            assertThat(path.path("lastSlicePerSecond").asDouble()).isEqualTo(path.path("slicePerSecond").get(3).asDouble());
        }
        assertThat(root.path("hotReferrerRatio").asDouble())
                .isCloseTo(hot.path("perSecond").asDouble() / uniform.path("perSecond").asDouble(), org.assertj.core.data.Offset.offset(0.01));
        assertThat(root.path("goal").asDouble()).isEqualTo(0.8);
    }
}
