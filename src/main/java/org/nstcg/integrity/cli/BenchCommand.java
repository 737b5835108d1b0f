package org.nstcg.integrity.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nstcg.integrity.cli.bench.BenchEnvironment;
import org.nstcg.integrity.cli.bench.LatencySummary;
import org.nstcg.integrity.cli.bench.RegistrationBench;
import org.nstcg.integrity.cli.bench.SagaBench;
import org.nstcg.integrity.engine.EngineHealth;
import org.nstcg.integrity.engine.config.ConfigLoader;
import org.nstcg.integrity.engine.config.EngineConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench}: benchmarks that print figures with a baseline measured in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks. Each measures a baseline in the same run and prints the ratio. They work in a"
                + " throwaway schema and Redis key prefix of the configured servers, removed afterwards.",
        subcommands = {BenchCommand.Registration.class, BenchCommand.Saga.class})
final class BenchCommand {

    static final double REGISTRATION_GOAL = 0.5;
    static final double SAGA_GOAL = 2.0;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What every benchmark shares: its options, its throwaway environment, its header, rows and JSON figures. */
    abstract static class Benchmark implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--clients", defaultValue = "16", description = "Concurrent clients (default ${DEFAULT-VALUE}).")
        int clients;

        @Option(names = "--seconds", defaultValue = "20", description = "Measured seconds per path, taken in 4 slices that alternate with the baseline's (default ${DEFAULT-VALUE}).")
        int seconds;

        @Option(names = "--warmup", defaultValue = "3", description = "Warm-up seconds per path, before measuring (default ${DEFAULT-VALUE}).")
        int warmup;

        @Option(names = "--keep", description = "Keep the benchmark's schema and keys afterwards.")
        boolean keep;

        @Option(names = "--json", description = "Print one JSON object with every figure.")
        boolean json;

        /** The benchmark's name, as in {@code bench <name>}. */
        abstract String name();

        /** Runs the phases in {@code env} and prints the figures, as text or JSON. */
        abstract void measure(BenchEnvironment env, EngineHealth health, PrintWriter out) throws Exception;

        @Override
        public final Integer call() throws Exception {
            if (clients < 1 || clients > 190 || seconds < 1 || seconds > 3600 || warmup < 0 || warmup > 600) {
                spec.commandLine().getErr().println("error: --clients takes 1 to 190, --seconds 1 to 3600, --warmup 0 to 600.");
                return ExitCodes.USAGE;
            }
            EngineConfig config = IntegrityCli.configRequest(spec).load(ConfigLoader.forThisProcess());
            PrintWriter out = spec.commandLine().getOut();
            try (BenchEnvironment env = BenchEnvironment.start(config, clients + 4, keep)) {
                EngineHealth health = env.engine().health();
                if (!json) {
                    out.printf("bench %s: %d clients, %d s per path in 4 alternating slices (+%d s warm-up), PostgreSQL %s %s, Redis %s %s%n",
                            name(), clients, seconds, warmup, health.database().version().orElse("?"), mode(health.database().mode()),
                            health.redis().version().orElse("down"), mode(health.redis().mode()));
                    out.flush();
                }
                measure(env, health, out);
            }
            return ExitCodes.OK;
        }

        Duration duration() {
            return Duration.ofSeconds(seconds);
        }

        Duration warmupDuration() {
            return Duration.ofSeconds(warmup);
        }

        void printJson(PrintWriter out, ObjectNode root) throws Exception {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        }

        void tableHeader(PrintWriter out) {
            out.printf("%-22s %10s %10s %9s %9s %9s%n", "", "operations", "per second", "mean ms", "p50 ms", "p99 ms");
        }

        static void row(PrintWriter out, String name, LatencySummary s) {
            out.printf(Locale.ROOT, "%-22s %10d %10.1f %9.2f %9.2f %9.2f%n", name, s.operations(), s.perSecond(), s.meanMillis(),
                    s.p50Millis(), s.p99Millis());
        }

        /** The fields every benchmark's JSON starts with: what ran, when, where. */
        ObjectNode jsonHeader(EngineHealth health) {
            ObjectNode root = JSON.createObjectNode();
            root.put("benchmark", name());
            root.put("date", Instant.now().toString());
            root.put("clients", clients);
            root.put("seconds", seconds);
            root.put("warmupSeconds", warmup);
            root.put("machine", machine());
            root.put("postgres", health.database().version().orElse("?") + " " + mode(health.database().mode()));
            root.put("redis", health.redis().version().orElse("down") + " " + mode(health.redis().mode()));
            return root;
        }

        static void summary(ObjectNode node, LatencySummary s) {
            node.put("operations", s.operations());
            node.put("perSecond", Math.round(s.perSecond() * 10) / 10.0);
            node.put("meanMillis", Math.round(s.meanMillis() * 100) / 100.0);
            node.put("p50Millis", Math.round(s.p50Millis() * 100) / 100.0);
            node.put("p99Millis", Math.round(s.p99Millis() * 100) / 100.0);
            node.put("maxMillis", Math.round(s.maxMillis() * 100) / 100.0);
        }

        static double rounded(double ratio) {
            return Math.round(ratio * 1000) / 1000.0;
        }

        private static String mode(EngineConfig.ServerMode mode) {
            return mode.name().toLowerCase(Locale.ROOT);
        }
    }

    /** {@code bench registration}. */
    @Command(name = "registration", mixinStandardHelpOptions = true,
            description = "Registrations/s, p50/p99 latency of the full registration path against a raw JDBC baseline"
                    + " (INSERT … ON CONFLICT DO NOTHING of the same rows), same database, same client count. Goal: ratio ≥ 0.5.")
    static final class Registration extends Benchmark {

        @Override
        String name() {
            return "registration";
        }

        @Override
        void measure(BenchEnvironment env, EngineHealth health, PrintWriter out) throws Exception {
            RegistrationBench.Result r = new RegistrationBench(env.engine()).run(clients, duration(), warmupDuration());
            boolean met = r.ratio() >= REGISTRATION_GOAL;
            if (json) {
                ObjectNode root = jsonHeader(health);
                summary(root.putObject("baseline"), r.baseline());
                summary(root.putObject("registration"), r.registration());
                root.put("ratio", rounded(r.ratio()));
                root.put("goal", REGISTRATION_GOAL);
                root.put("goalMet", met);
                printJson(out, root);
            } else {
                tableHeader(out);
                row(out, "baseline (raw JDBC)", r.baseline());
                row(out, "registration", r.registration());
                out.printf(Locale.ROOT, "ratio registration/baseline: %.2f (goal >= %.2f: %s)%n", r.ratio(), REGISTRATION_GOAL,
                        met ? "met" : "NOT met");
                out.printf("machine: %s%n", machine());
            }
        }
    }

    /** {@code bench saga}. */
    @Command(name = "saga", mixinStandardHelpOptions = true,
            description = "The cost of running registration as a saga: the registration saga against the same steps in one"
                    + " plain transaction with no saga log (Redis reservation, user, profile and ledger entry, outbox event,"
                    + " commit, cache invalidation, release), same database, same client count. Cost ratio = saga mean"
                    + " latency / plain mean latency. Goal: ratio ≤ 2.0.")
    static final class Saga extends Benchmark {

        @Override
        String name() {
            return "saga";
        }

        @Override
        void measure(BenchEnvironment env, EngineHealth health, PrintWriter out) throws Exception {
            SagaBench.Result r = new SagaBench(env.engine()).run(clients, duration(), warmupDuration());
            boolean met = r.costRatio() <= SAGA_GOAL;
            if (json) {
                ObjectNode root = jsonHeader(health);
                summary(root.putObject("baseline"), r.plain());
                summary(root.putObject("saga"), r.saga());
                root.put("ratio", rounded(r.costRatio()));
                root.put("ratioDefinition", "saga mean latency / plain transaction mean latency");
                root.put("throughputRatio", rounded(r.throughputRatio()));
                root.put("goal", SAGA_GOAL);
                root.put("goalMet", met);
                printJson(out, root);
            } else {
                tableHeader(out);
                row(out, "baseline (plain tx)", r.plain());
                row(out, "registration saga", r.saga());
                out.printf(Locale.ROOT, "cost ratio saga/plain (mean latency): %.2f (goal <= %.2f: %s); throughput plain/saga: %.2f%n",
                        r.costRatio(), SAGA_GOAL, met ? "met" : "NOT met", r.throughputRatio());
                out.printf("machine: %s%n", machine());
            }
        }
    }

    static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version");
    }
}
