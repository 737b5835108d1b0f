package org.nstcg.integrity;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.util.FileSize;
import org.slf4j.Logger;

/**
 * The logging setup, in code: logs go to a file, never to the terminal (the CLI's stdout and stderr are its own
 * output). Directory {@code -Dintegrity.log.dir}, default {@code ~/.local/state/integrity-console/logs}, rolled daily
 * and at 20 MB, 14 days and 500 MB kept; the engine's own level {@code -Dintegrity.log.level} (default INFO; DEBUG
 * shows, among others, where start time goes); HikariCP, Flyway, embedded PostgreSQL and Jedis at WARN.
 *
 * <p>Design notes: logback finds this class through {@code META-INF/services}. It replaced a {@code logback.xml}
 * whose parsing (Joran and the JDK's XML parser, about 700 classes) took some 400 ms of every command's start,
 * {@code --version} included. {@code -Dlogback.configurationFile=…} still wins: then this class steps aside and
 * logback reads that file.
 */
public final class LogConfiguration extends ContextAwareBase implements Configurator {

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
                System.getProperty("user.home") + "/.local/state/integrity-console/logs");
        RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
        file.setContext(context);
        file.setName("FILE");
        file.setFile(dir + "/integrity-console.log");
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> rolling = new SizeAndTimeBasedRollingPolicy<>();
        rolling.setContext(context);
        rolling.setParent(file);
        rolling.setFileNamePattern(dir + "/integrity-console.%d{yyyy-MM-dd}.%i.log.gz");
        rolling.setMaxFileSize(FileSize.valueOf("20MB"));
        rolling.setMaxHistory(14);
        rolling.setTotalSizeCap(FileSize.valueOf("500MB"));
        file.setRollingPolicy(rolling);
        rolling.start();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n");
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
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
