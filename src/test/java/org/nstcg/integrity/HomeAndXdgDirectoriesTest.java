package org.nstcg.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nstcg.integrity.engine.config.ConfigLoader;
import org.nstcg.integrity.support.ChildJvm;
import org.slf4j.LoggerFactory;

/**
 * {@code HOME=/tmp/x} and the XDG variables decide where data, config and logs go (issue 15 §4: they went to the
 * passwd entry's home, as Java's {@code user.home} does). The child JVMs get only an environment, as a user's shell gives.
 */
class HomeAndXdgDirectoriesTest {

    @TempDir
    Path tmp;

    /** Prints the default data dir and config file of this process, and logs a line (so the log file exists). */
    public static final class Child {
        public static void main(String[] args) {
            ConfigLoader loader = ConfigLoader.forThisProcess();
            LoggerFactory.getLogger(Child.class).info("child started");
            String out = "DATA " + loader.defaultDataDir() + "\nCONFIG " + loader.defaultConfigFile() + "\n";
            System.out.print(out); // the test reads the child's stdout
        }
    }

    private ChildJvm.Result runChild(Map<String, String> environment) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Child.class.getName());
        pb.environment().keySet().removeIf(k -> k.equals("HOME") || k.startsWith("XDG_"));
        pb.environment().putAll(environment);
        return ChildJvm.run(pb, Duration.ofSeconds(60));
    }

    @Test
    void homeDecidesDataConfigAndLogsWhenNoXdgVariableIsSet() throws Exception {
        Path home = tmp.resolve("x");
        Files.createDirectories(home);

        ChildJvm.Result r = runChild(Map.of("HOME", home.toString()));

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().lines().toList()).containsExactly(
                "DATA " + home.resolve(".local/share/integrity-console"),
                "CONFIG " + home.resolve(".config/integrity-console/config.properties"));
        assertThat(home.resolve(".local/state/integrity-console/logs/integrity-console.log")).isRegularFile();
    }

    @Test
    void theXdgVariablesWinOverHome() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path data = tmp.resolve("data");
        Path config = tmp.resolve("config");
        Path state = tmp.resolve("state");

        ChildJvm.Result r = runChild(Map.of("HOME", home.toString(), "XDG_DATA_HOME", data.toString(),
                "XDG_CONFIG_HOME", config.toString(), "XDG_STATE_HOME", state.toString()));

        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().lines().toList()).containsExactly(
                "DATA " + data.resolve("integrity-console"),
                "CONFIG " + config.resolve("integrity-console/config.properties"));
        assertThat(state.resolve("integrity-console/logs/integrity-console.log")).isRegularFile();
        try (var files = Files.walk(home)) {
            assertThat(files.filter(Files::isRegularFile).toList()).as("nothing written under HOME").isEmpty();
        }
    }

    @Test
    void aRelativeOrMissingHomeFallsBackToUserHome() {
        assertThat(ConfigLoader.homeDirectory(Map.of(), "/home/ada")).isEqualTo(Path.of("/home/ada"));
        assertThat(ConfigLoader.homeDirectory(Map.of("HOME", "relative"), "/home/ada")).isEqualTo(Path.of("/home/ada"));
        assertThat(ConfigLoader.defaultLogDir(Map.of("HOME", "/tmp/x", "XDG_STATE_HOME", "not/absolute"), "/home/ada"))
                .isEqualTo(Path.of("/tmp/x/.local/state/integrity-console/logs"));
        assertThat(List.of(ConfigLoader.defaultLogDir(Map.of("HOME", "/tmp/x"), "/home/ada")))
                .containsExactly(Path.of("/tmp/x/.local/state/integrity-console/logs"));
    }
}
