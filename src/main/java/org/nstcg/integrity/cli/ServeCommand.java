package org.nstcg.integrity.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.nstcg.integrity.api.ApiServer;
import org.nstcg.integrity.api.ApiSettings;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.ServerHealth;
import org.nstcg.integrity.engine.config.ConfigLoader;
import org.nstcg.integrity.engine.config.EngineConfig;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code serve}: the HTTP sign-up API, headless, until SIGTERM or Ctrl-C.
 *
 * <p>Design notes: the engine is a {@link IntegrityEngine.Mode#SERVICE} one (saga recovery, near cache, sampling,
 * scheduled checks), as a console's is. SIGTERM and SIGINT are taken over here instead of left to the JVM's shutdown
 * hooks, which run all at once: the engine's hook would close the database under requests still in flight. On the
 * signal the server stops accepting and drains (bounded by {@link ApiSettings#drainTimeout()}), then the engine
 * closes, and the command returns 0.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serves the HTTP sign-up API (POST /api/registrations, GET /api/referrals/CODE, /health/live,"
                + " /health/ready, /metrics, /api/openapi.json) on api.bind:api.port until SIGTERM or Ctrl-C.%n"
                + "Exit code 0 when stopped, 2 when a server is unreachable or the port cannot be bound.")
final class ServeCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        EngineConfig config = IntegrityCli.configRequest(spec).load(ConfigLoader.forThisProcess());
        CountDownLatch stop = new CountDownLatch(1);
        StopSignals.onTermOrInt(stop::countDown);
        PrintWriter out = spec.commandLine().getOut();
        try (IntegrityEngine engine = IntegrityEngine.start(config, Clock.systemUTC(), ProgressListener.NONE, IntegrityEngine.Mode.SERVICE)) {
            ApiServer server = ApiServer.start(engine, ApiSettings.from(config));
            try {
                out.println("Serving on " + server.url() + " (" + describe(engine.health().database()) + ", "
                        + describe(engine.health().redis()) + "). Stop with Ctrl-C.");
                log.info("serve listening on {}", server.url());
                stop.await();
                out.println("Stopping: finishing requests in flight (at most " + server.drainTimeout().toSeconds() + " s)…");
            } finally {
                server.close();
            }
        }
        out.println("Stopped.");
        return ExitCodes.OK;
    }

    private static String describe(ServerHealth s) {
        return s.name() + " " + s.endpoint() + (s.mode() == EngineConfig.ServerMode.EMBEDDED ? " embedded" : "")
                + (s.up() ? "" : " down");
    }

    /** SIGTERM and SIGINT run {@code action} instead of exiting; a signal the JVM may not handle here is left as it is. */
    static final class StopSignals {
        private StopSignals() {
        }

        @SuppressWarnings("restriction")
        static void onTermOrInt(Runnable action) {
            for (String name : new String[] {"TERM", "INT"}) {
                try {
                    sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> action.run());
                } catch (IllegalArgumentException e) {
                    // Ignored by the parent (nohup, a background job) or reserved (-Xrs): the JVM's default stays.
                    log.debug("Cannot handle SIG{}: {}", name, e.getMessage());
                }
            }
        }
    }
}
