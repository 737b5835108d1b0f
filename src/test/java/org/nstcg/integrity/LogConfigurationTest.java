package org.nstcg.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.FileAppender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/** The log file: private to its owner, and no line in it carries a secret, whoever logged it. */
class LogConfigurationTest {

    private static final String SENTINEL = "Lg5ntnl9w";

    @TempDir
    Path tmp;

    private final LoggerContext context = new LoggerContext();

    @AfterEach
    void stop() {
        context.stop();
    }

    private Logger configure(Path dir) {
        context.setMDCAdapter(new LogbackMDCAdapter());
        new LogConfiguration().configureFile(context, dir);
        return context.getLogger("org.nstcg.integrity.test");
    }

    /** Regression: the log file was created 0644, readable by every local user. */
    @Test
    void theLogFileIsReadableByItsOwnerOnlyInADirectoryCreatedPrivate() throws Exception {
        Path dir = tmp.resolve("state/logs");

        configure(dir).info("hello");
        context.stop();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(LogConfiguration.FILE_NAME)))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    }

    @Test
    void anExistingWiderLogFileIsNarrowedAndSoIsTheFileARolloverOpens() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("logs"));
        Path active = Files.writeString(dir.resolve(LogConfiguration.FILE_NAME), "old\n");
        Path rolled = Files.writeString(dir.resolve("integrity-console.2026-01-01.0.log.gz"), "");
        Files.setPosixFilePermissions(active, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(rolled, PosixFilePermissions.fromString("rw-r--r--"));

        Logger log = configure(dir);
        log.info("before");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(active))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(rolled))).isEqualTo("rw-------");

        // What a rollover does: the active file is renamed away and a new one opened under the same name.
        Files.move(active, dir.resolve("integrity-console.2026-01-02.0.log"));
        FileAppender<?> appender = (FileAppender<?>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("FILE");
        appender.openFile(active.toString());
        log.info("after");
        context.stop();

        assertThat(Files.readString(active)).contains("after").doesNotContain("before");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(active))).isEqualTo("rw-------");
    }

    /** A safety net: lines that forgot to redact (message, argument, exception, cause) are redacted as they are written. */
    @Test
    void everyLineIsRedactedWhereverTheSecretIsInIt() throws Exception {
        Path dir = tmp.resolve("logs");
        Logger log = configure(dir);

        log.info("connecting to {}", "redis://app:" + SENTINEL + "@cache:6379/0");
        log.warn("retrying jdbc:postgresql://db:5432/app?user=app&password=" + SENTINEL);
        log.error("Unexpected failure of 'status --db-password " + SENTINEL + "'",
                new IllegalStateException("Driver claims to not accept jdbcUrl, jdbc:postgresql://db/app?password=" + SENTINEL,
                        new RuntimeException("db.password=" + SENTINEL)));
        context.stop();

        String written = Files.readString(dir.resolve(LogConfiguration.FILE_NAME), StandardCharsets.UTF_8);
        assertThat(written).doesNotContain(SENTINEL)
                .contains("connecting to redis://app:****@cache:6379/0")
                .contains("password=****")
                .contains("status --db-password ****")
                .contains("IllegalStateException: Driver claims to not accept jdbcUrl")
                .contains("db.password=****");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).isEqualTo(List.of(LogConfiguration.FILE_NAME));
        }
    }
}
