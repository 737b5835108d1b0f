package org.nstcg.integrity.engine.config;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.embedded.core.ExecutableProvider;

/**
 * Which {@code redis-server} the embedded Redis runs, and where it came from.
 *
 * <p>Design notes (decision record 0012): no Maven artifact ships a maintained Redis, and the one bundled with
 * embedded-redis is 6.2, an end-of-life line. So the binary is chosen in this order: {@code redis.embedded-binary}
 * when set; else {@code redis-server} on {@code PATH}, a distribution's package that its security team keeps patched;
 * else the bundled binary, with a warning at start and in {@code status}. The search of {@code PATH} is our own (not
 * embedded-redis's {@code newExecutableInPath}, which reads the process's environment) so that tests can give it one.
 *
 * @param path    the executable
 * @param source  how it was chosen
 * @param version what it reports with {@code --version}, e.g. "7.0.15", or "unknown"
 */
public record EmbeddedRedisBinary(Path path, Source source, String version) {

    /** How the binary was chosen. */
    public enum Source {
        CONFIGURED("set by redis.embedded-binary"),
        PATH("redis-server on PATH"),
        BUNDLED("bundled with the console");

        private final String description;

        Source(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** What {@code status} and the start's log say when the bundled binary runs. */
    public static final String BUNDLED_WARNING = "the bundled Redis 6.2 is end-of-life: install your distribution's"
            + " redis-server package or set redis.embedded-binary";

    private static final Pattern VERSION = Pattern.compile("v=(\\d+(?:\\.\\d+)+)");

    /** Resolves the binary from the setting, this process's {@code PATH}, or the bundled one. */
    static EmbeddedRedisBinary resolve(Optional<Path> configured) {
        return resolve(configured, System.getenv("PATH"), EmbeddedRedisBinary::bundled);
    }

    /** The resolution order itself, with {@code PATH} and the bundled binary given (tests give their own). */
    static EmbeddedRedisBinary resolve(Optional<Path> configured, String pathVariable, BundledBinary bundled) {
        if (configured.isPresent()) {
            return of(configured.get(), Source.CONFIGURED);
        }
        Optional<Path> onPath = findOnPath("redis-server", pathVariable);
        if (onPath.isPresent()) {
            return of(onPath.get(), Source.PATH);
        }
        try {
            return of(bundled.get(), Source.BUNDLED);
        } catch (IOException e) {
            throw new org.nstcg.integrity.engine.support.EngineException("No Redis for the embedded mode: redis-server is not on PATH"
                    + " and the bundled binary cannot be unpacked (" + e.getMessage() + "). Install your distribution's"
                    + " redis-server package, set redis.embedded-binary, or set redis.url to an external Redis.", e);
        }
    }

    /** Supplies the bundled binary, unpacked to a temporary file. */
    @FunctionalInterface
    interface BundledBinary {
        Path get() throws IOException;
    }

    private static Path bundled() throws IOException {
        return ExecutableProvider.newJarResourceProvider().get().toPath();
    }

    static Optional<Path> findOnPath(String name, String pathVariable) {
        if (pathVariable == null || pathVariable.isBlank()) {
            return Optional.empty();
        }
        for (String dir : pathVariable.split(Pattern.quote(File.pathSeparator))) {
            if (dir.isBlank()) {
                continue;
            }
            try {
                Path candidate = Path.of(dir).resolve(name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate.toAbsolutePath());
                }
            } catch (InvalidPathException e) {
                // not a directory name: skip it as a shell would
            }
        }
        return Optional.empty();
    }

    private static EmbeddedRedisBinary of(Path path, Source source) {
        return new EmbeddedRedisBinary(path, source, versionOf(path));
    }

    /** Runs {@code redis-server --version} ("Redis server v=7.0.15 sha=…"); "unknown" when it does not answer so. */
    static String versionOf(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "unknown";
            }
            Matcher m = VERSION.matcher(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            return m.find() ? m.group(1) : "unknown";
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** The warning to show while this binary runs, if any. */
    public Optional<String> warning() {
        return source == Source.BUNDLED ? Optional.of(BUNDLED_WARNING) : Optional.empty();
    }

    /** "7.0.15 (/usr/bin/redis-server, redis-server on PATH)". */
    public String describe() {
        return version + " (" + path + ", " + source.description() + ")";
    }
}
