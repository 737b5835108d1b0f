package org.nstcg.integrity;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.util.FileSize;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.nstcg.integrity.engine.config.ConfigLoader;
import org.nstcg.integrity.engine.config.Redaction;
import org.slf4j.Logger;

/**
 * The logging setup, in code: logs go to a file, never to the terminal (the CLI's stdout and stderr are its own
 * output). Directory {@code -Dintegrity.log.dir}, default {@code $XDG_STATE_HOME/integrity-console/logs}, else
 * {@code $HOME/.local/state/integrity-console/logs} ({@link ConfigLoader#defaultLogDir}), rolled daily
 * and at 20 MB, 14 days and 500 MB kept; the engine's own level {@code -Dintegrity.log.level} (default INFO; DEBUG
 * shows, among others, where start time goes); HikariCP, Flyway, embedded PostgreSQL and Jedis at WARN.
 *
 * <p>Design notes: logback finds this class through {@code META-INF/services}. It replaced a {@code logback.xml}
 * whose parsing (Joran and the JDK's XML parser, about 700 classes) took some 400 ms of every command's start,
 * {@code --version} included. {@code -Dlogback.configurationFile=…} still wins: then this class steps aside and
 * logback reads that file.
 *
 * <p>Secrets: every line goes through {@link Redaction} as it is written, so a URL's password, a secret flag's value or
 * a {@code password=} in a message, an argument or an exception's stack trace is masked even where the code that logs
 * it forgot to. On POSIX systems the directory is created 0700 and the log files are 0600 (an existing directory is
 * left as it is; existing files are narrowed): a log may hold e-mail addresses at DEBUG.
 */
public final class LogConfiguration extends ContextAwareBase implements Configurator {

    static final String FILE_NAME = "integrity-console.log";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        LevelChangePropagator jul = new LevelChangePropagator(); // cheap java.util.logging level checks
        jul.setContext(context);
        jul.setResetJUL(true);
        jul.start();
        context.addListener(jul);

        String dir = System.getProperty("integrity.log.dir",
                ConfigLoader.defaultLogDir(System.getenv(), System.getProperty("user.home")).toString());
        configureFile(context, Path.of(dir));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** The log file in {@code dir} and the levels; tests call it with a context and a directory of their own. */
    void configureFile(LoggerContext context, Path dir) {
        RollingFileAppender<ILoggingEvent> file = new PrivateRollingFileAppender();
        file.setContext(context);
        file.setName("FILE");
        file.setFile(dir.resolve(FILE_NAME).toString());
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> rolling = new SizeAndTimeBasedRollingPolicy<>();
        rolling.setContext(context);
        rolling.setParent(file);
        rolling.setFileNamePattern(dir + "/integrity-console.%d{yyyy-MM-dd}.%i.log.gz");
        rolling.setMaxFileSize(FileSize.valueOf("20MB"));
        rolling.setMaxHistory(14);
        rolling.setTotalSizeCap(FileSize.valueOf("500MB"));
        file.setRollingPolicy(rolling);
        rolling.start();
        RedactingLayout layout = new RedactingLayout();
        layout.setContext(context);
        layout.setPattern("%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n");
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        file.setEncoder(encoder);
        file.start();

        for (String quiet : new String[] {"com.zaxxer.hikari", "org.flywaydb", "io.zonky", "redis.clients"}) {
            context.getLogger(quiet).setLevel(Level.WARN);
        }
        context.getLogger("org.nstcg.integrity").setLevel(Level.toLevel(System.getProperty("integrity.log.level"), Level.INFO));
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(file);
    }

    /** Every line as the pattern lays it out (message, arguments, exception and stack trace), then {@link Redaction#text}. */
    static final class RedactingLayout extends PatternLayout {
        @Override
        public String doLayout(ILoggingEvent event) {
            return Redaction.text(super.doLayout(event));
        }
    }

    /**
     * Opens the active file 0600 (created so before the stream opens it, at start and after each rollover) in a
     * directory created 0700, and narrows rolled files to 0600 at start and at each rollover.
     */
    static final class PrivateRollingFileAppender extends RollingFileAppender<ILoggingEvent> {

        @Override
        public void openFile(String fileName) throws IOException {
            Path path = Path.of(fileName).toAbsolutePath();
            if (POSIX) {
                if (!Files.isDirectory(path.getParent())) {
                    Files.createDirectories(path.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                }
                if (Files.notExists(path, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        Files.createFile(path, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                    } catch (FileAlreadyExistsException raced) {
                        // another process of this user created it first: narrowed below
                    }
                }
                narrow(path);
                narrowRolledFiles(path.getParent());
            }
            super.openFile(fileName);
        }

        @Override
        public void rollover() {
            super.rollover();
            if (POSIX && getFile() != null) {
                // The compressed copy is written by logback in the background with the process's umask: narrowed at the
                // next rollover or start; until then the 0700 directory keeps it from other users.
                narrowRolledFiles(Path.of(getFile()).toAbsolutePath().getParent());
            }
        }

        private void narrowRolledFiles(Path dir) {
            try (DirectoryStream<Path> rolled = Files.newDirectoryStream(dir, "integrity-console.*.log*")) {
                for (Path p : rolled) {
                    narrow(p);
                }
            } catch (IOException e) {
                addWarn("Cannot list " + dir + " to make rolled log files private: " + e.getMessage());
            }
        }

        private void narrow(Path p) {
            try {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && !Files.getPosixFilePermissions(p).equals(OWNER_ONLY)) {
                    Files.setPosixFilePermissions(p, OWNER_ONLY);
                }
            } catch (IOException | UnsupportedOperationException e) {
                addWarn("Cannot make " + p + " readable by its owner only: " + e.getMessage());
            }
        }
    }
}
