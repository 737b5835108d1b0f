package org.nstcg.integrity.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded Redis's binary is chosen in this order: {@code redis.embedded-binary}, {@code redis-server} on PATH,
 * the bundled (end-of-life) one with a warning. PATH here is a fake one of scripts that answer {@code --version}.
 */
class EmbeddedRedisBinaryTest {

    @TempDir
    Path dir;

    private Path fakeRedis(String folder, String name, String version, boolean executable) throws IOException {
        Path d = Files.createDirectories(dir.resolve(folder));
        Path script = d.resolve(name);
        Files.writeString(script, "#!/bin/sh\necho 'Redis server v=" + version + " sha=00000000:0 malloc=libc bits=64'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString(executable ? "rwx------" : "rw-------"));
        return script;
    }

    private Path bundled() throws IOException {
        return fakeRedis("bundled", "redis-server-6.2.6-v5-linux-amd64", "6.2.11", true);
    }

    @Test
    void theConfiguredBinaryComesFirstEvenWithRedisServerOnThePath() throws IOException {
        Path configured = fakeRedis("opt", "my-redis", "8.2.1", true);
        Path onPath = fakeRedis("bin", "redis-server", "7.0.15", true);

        EmbeddedRedisBinary b = EmbeddedRedisBinary.resolve(Optional.of(configured), onPath.getParent().toString(), this::bundled);

        assertThat(b.path()).isEqualTo(configured);
        assertThat(b.source()).isEqualTo(EmbeddedRedisBinary.Source.CONFIGURED);
        assertThat(b.version()).isEqualTo("8.2.1");
        assertThat(b.warning()).isEmpty();
    }

    @Test
    void redisServerOnThePathComesBeforeTheBundledOneAndTheFirstExecutableOneWins() throws IOException {
        Path notExecutable = fakeRedis("first", "redis-server", "5.0.0", false);
        Path onPath = fakeRedis("second", "redis-server", "7.0.15", true);
        fakeRedis("third", "redis-server", "7.2.4", true);
        String path = String.join(File.pathSeparator, dir.resolve("missing").toString(), "",
                notExecutable.getParent().toString(), onPath.getParent().toString(), dir.resolve("third").toString());

        EmbeddedRedisBinary b = EmbeddedRedisBinary.resolve(Optional.empty(), path, this::bundled);

        assertThat(b.path()).isEqualTo(onPath);
        assertThat(b.source()).isEqualTo(EmbeddedRedisBinary.Source.PATH);
        assertThat(b.version()).isEqualTo("7.0.15");
        assertThat(b.warning()).isEmpty();
        assertThat(b.describe()).isEqualTo("7.0.15 (" + onPath + ", redis-server on PATH)");
    }

    @Test
    void withoutRedisServerOnThePathTheBundledOneRunsWithAWarning() throws IOException {
        fakeRedis("bin", "redis-cli", "7.0.15", true);

        EmbeddedRedisBinary b = EmbeddedRedisBinary.resolve(Optional.empty(), dir.resolve("bin").toString(), this::bundled);

        assertThat(b.source()).isEqualTo(EmbeddedRedisBinary.Source.BUNDLED);
        assertThat(b.version()).isEqualTo("6.2.11");
        assertThat(b.warning()).contains("the bundled Redis 6.2 is end-of-life: install your distribution's redis-server"
                + " package or set redis.embedded-binary");
        assertThat(EmbeddedRedisBinary.resolve(Optional.empty(), null, this::bundled).source())
                .isEqualTo(EmbeddedRedisBinary.Source.BUNDLED);
    }

    @Test
    void theRealBundledBinaryIsTheEndOfLifeOne() {
        EmbeddedRedisBinary b = EmbeddedRedisBinary.resolve(Optional.empty(), "", () ->
                redis.embedded.core.ExecutableProvider.newJarResourceProvider().get().toPath());

        assertThat(b.version()).startsWith("6.2.");
        assertThat(b.warning()).isPresent();
    }

    @Test
    void redisEmbeddedBinaryMustNameAnExecutableFile() throws IOException {
        Path notExecutable = fakeRedis("opt", "redis-server", "7.0.15", false);
        Path executable = fakeRedis("ok", "redis-server", "7.0.15", true);
        ConfigLoader loader = new ConfigLoader(Map.of(), dir.resolve("home"));

        assertThatThrownBy(() -> loader.load(Optional.empty(), Map.of(ConfigKey.REDIS_EMBEDDED_BINARY, dir.resolve("none").toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("redis.embedded-binary")
                .hasMessageContaining("there is no such file");
        assertThatThrownBy(() -> loader.load(Optional.empty(), Map.of(ConfigKey.REDIS_EMBEDDED_BINARY, notExecutable.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("the file is not executable");
        assertThat(loader.load(Optional.empty(), Map.of(ConfigKey.REDIS_EMBEDDED_BINARY, executable.toString())).redisEmbeddedBinary())
                .contains(executable);
        assertThat(loader.load(Optional.empty(), Map.of()).redisEmbeddedBinary()).isEmpty();
    }
}
