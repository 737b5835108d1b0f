package org.nstcg.integrity.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.cache.CacheAdministration;
import org.nstcg.integrity.engine.cache.CacheRebuilder;
import org.nstcg.integrity.engine.support.Durations;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cache rebuild}: refills the cache from PostgreSQL while the platform keeps running. */
@Command(name = "rebuild", mixinStandardHelpOptions = true,
        description = "Rebuilds cached entries from PostgreSQL, all of them or one key pattern, in pages, while writes"
                + " continue: an entry written meanwhile is never overwritten with an older value. Progress goes to"
                + " standard error; Ctrl-C stops after the current page.%n"
                + "Exit codes: 0 done, 2 a server is unreachable, 64 bad command line, 130 cancelled.")
final class CacheRebuildCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(CacheRebuildCommand.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--pattern", paramLabel = "PATTERN", defaultValue = "*",
            description = "What to rebuild: user:*, referral:*, count:*, leaderboard:*, or * for all (default ${DEFAULT-VALUE}).")
    String pattern;

    @Mixin
    AuditActor who;

    @Option(names = "--json", description = "Print one JSON object with the result instead of text (no progress lines).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        try {
            CacheRebuilder.checkPattern(pattern);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage() + ".");
            return ExitCodes.USAGE;
        }
        if (!who.valid(spec)) {
            return ExitCodes.USAGE;
        }
        AtomicBoolean cancel = new AtomicBoolean();
        ProgressListener progress = json ? ProgressListener.NONE : new TextProgress(err, System.console() != null);
        CacheRebuilder.Result r;
        try (IntegrityEngine engine = EngineStarter.start(spec);
             AutoCloseable ctrlC = onInterrupt(() -> {
                 if (cancel.getAndSet(true)) {
                     Runtime.getRuntime().halt(ExitCodes.CANCELLED);
                 }
                 err.println();
                 err.println("Cancelling after the current page… (Ctrl-C again to quit at once)");
                 err.flush();
             })) {
            r = engine.cacheAdministration().rebuild(who.actor(engine), pattern, progress, cancel::get);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(CacheAdministration.figures(r)));
        } else {
            out.printf(Locale.ROOT, "%s %s: %,d entries written, %,d refused because a write came first (they fill on the next read),"
                    + " %,d of %,d in %s (%,.0f/s).%n", r.cancelled() ? "Cancelled rebuild of" : "Rebuilt", r.pattern(), r.written(),
                    r.refused(), r.done(), r.total(), Durations.human(r.duration()), r.perSecond());
        }
        out.flush();
        return r.cancelled() ? ExitCodes.CANCELLED : ExitCodes.OK;
    }

    /**
     * Treats Ctrl-C as a request to stop: while the command runs, the JVM's INT handler is replaced (and put back
     * afterwards), so the engine is not torn down by the shutdown hooks under a rebuild that is still writing.
     * Reached by reflection because {@code sun.misc.Signal} is unsupported API; where it is missing Ctrl-C simply
     * ends the process as usual.
     */
    static AutoCloseable onInterrupt(Runnable action) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object signal = signalClass.getConstructor(String.class).newInstance("INT");
            Object handler = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass}, (proxy, m, args) -> {
                switch (m.getName()) {
                    case "handle" -> action.run();
                    case "hashCode" -> {
                        return System.identityHashCode(proxy);
                    }
                    case "equals" -> {
                        return proxy == args[0];
                    }
                    case "toString" -> {
                        return "cache rebuild Ctrl-C handler";
                    }
                    default -> {
                    }
                }
                return null;
            });
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            Object previous = handle.invoke(null, signal, handler);
            return () -> handle.invoke(null, signal, previous);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            log.debug("Ctrl-C cannot be turned into a cancellation here ({}); it ends the process", e.toString());
            return () -> { };
        }
    }

    /**
     * A text progress bar: {@code [#####-----] 52% 520,000/1,000,000 · 180,000/s · ETA 3 s}, redrawn in place on a
     * terminal, otherwise printed as a line every 10%.
     */
    static final class TextProgress implements ProgressListener {

        private static final int WIDTH = 20;

        private final PrintWriter err;
        private final boolean terminal;
        private final long started = System.nanoTime();
        private int lastDecile = -1;
        private boolean drawn;

        TextProgress(PrintWriter err, boolean terminal) {
            this.err = err;
            this.terminal = terminal;
        }

        @Override
        public void progress(String message, long done, long total) {
            if (done < 0 || total < 0) {
                return;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            String line = bar(done, total, seconds);
            if (terminal) {
                err.print("\r" + line);
                drawn = true;
                if (done >= total) {
                    err.println();
                    drawn = false;
                }
                err.flush();
                return;
            }
            int decile = total == 0 ? 10 : (int) (done * 10 / total);
            if (decile > lastDecile) {
                lastDecile = decile;
                err.println(line);
                err.flush();
            }
        }

        /** The bar for {@code done} of {@code total} after {@code seconds}. */
        static String bar(long done, long total, double seconds) {
            double fraction = total == 0 ? 1 : Math.min(1, (double) done / total);
            int filled = (int) Math.round(fraction * WIDTH);
            double rate = seconds <= 0 ? 0 : done / seconds;
            String eta = rate <= 0 ? "?" : Durations.human(Duration.ofMillis(Math.round(Math.max(0, total - done) / rate * 1000)));
            return String.format(Locale.ROOT, "[%s%s] %3d%% %,d/%,d · %,.0f/s · ETA %s", "#".repeat(filled), "-".repeat(WIDTH - filled),
                    Math.round(fraction * 100), done, total, rate, eta);
        }

        boolean drawn() {
            return drawn;
        }
    }
}
