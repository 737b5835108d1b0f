package org.nstcg.integrity.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.nstcg.integrity.cli.bench.BenchEnvironment;
import org.nstcg.integrity.cli.bench.CacheBench;
import org.nstcg.integrity.cli.bench.ConsoleBench;
import org.nstcg.integrity.cli.bench.IntegrityBench;
import org.nstcg.integrity.cli.bench.LatencySummary;
import org.nstcg.integrity.cli.bench.RegistrationBench;
import org.nstcg.integrity.cli.bench.SagaBench;
import org.nstcg.integrity.engine.EngineHealth;
import org.nstcg.integrity.engine.config.ConfigLoader;
import org.nstcg.integrity.engine.config.EngineConfig;
import org.nstcg.integrity.engine.integrity.SuiteTiming;
import org.nstcg.integrity.engine.support.ProgressListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench}: benchmarks that print figures with a baseline measured in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks. Each measures a baseline in the same run and prints the ratio. They work in a"
                + " throwaway schema and Redis key prefix of the configured servers, removed afterwards.",
        subcommands = {BenchCommand.Registration.class, BenchCommand.Saga.class, BenchCommand.Cache.class,
                BenchCommand.Integrity.class, BenchCommand.ConsoleScreens.class})
final class BenchCommand {

    static final double REGISTRATION_GOAL = 0.5;
    static final double SAGA_GOAL = 1.3;
    static final double CACHE_WINDOW_GOAL_MILLIS = 50;
    static final double CACHE_REBUILD_GOAL = 0.5;
    static final double OVERVIEW_GOAL_MILLIS = 1000;
    static final double SEARCH_GOAL_MILLIS = 200;

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
                    out.printf("bench %s: %s, PostgreSQL %s %s, Redis %s %s%n",
                            name(), plan(), health.database().version().orElse("?"), mode(health.database().mode()),
                            health.redis().version().orElse("down"), mode(health.redis().mode()));
                    out.flush();
                }
                measure(env, health, out);
            }
            return ExitCodes.OK;
        }

        /** What the run does, for the header line. */
        String plan() {
            return String.format("%d clients, %d s per path in 4 alternating slices (+%d s warm-up)", clients, seconds, warmup);
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

        @Option(names = "--hot-referrer", description = "Every registration names a referral code: spread over many referrers"
                + " against all naming one (alternating slices); reports hotReferrerRatio = hot rate / uniform rate. Goal: >= "
                + "0.8, and the hot path's last slice as fast as its first.")
        boolean hotReferrer;

        @Override
        String name() {
            return "registration";
        }

        @Override
        String plan() {
            return super.plan() + (hotReferrer ? ", every registration referred: " + RegistrationBench.UNIFORM_REFERRERS
                    + " referrers at random against one hot referrer" : "");
        }

        @Override
        void measure(BenchEnvironment env, EngineHealth health, PrintWriter out) throws Exception {
            if (hotReferrer) {
                measureHot(env, health, out);
                return;
            }
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

        private void measureHot(BenchEnvironment env, EngineHealth health, PrintWriter out) throws Exception {
            RegistrationBench.HotReferrerResult r = new RegistrationBench(env.engine()).runHotReferrer(clients, duration(), warmupDuration());
            LatencySummary hotFirst = r.hotSlices().get(0);
            LatencySummary hotLast = r.hotSlices().get(r.hotSlices().size() - 1);
            boolean met = r.hotReferrerRatio() >= HOT_REFERRER_GOAL;
            if (json) {
                ObjectNode root = jsonHeader(health);
                root.put("mode", "hot-referrer");
                root.put("referrers", r.referrers());
                ObjectNode uniform = root.putObject("uniform");
                summary(uniform, r.uniform());
                slices(uniform, r.uniformSlices());
                ObjectNode hot = root.putObject("hot");
                summary(hot, r.hot());
                slices(hot, r.hotSlices());
                root.put("hotReferrerRatio", rounded(r.hotReferrerRatio()));
                root.put("hotLastOverFirstSlice", rounded(hotFirst.perSecond() == 0 ? 0 : hotLast.perSecond() / hotFirst.perSecond()));
                root.put("goal", HOT_REFERRER_GOAL);
                root.put("goalMet", met);
                printJson(out, root);
            } else {
                tableHeader(out);
                row(out, "uniform referrers", r.uniform());
                row(out, "one hot referrer", r.hot());
                out.printf(Locale.ROOT, "hot referrer slices/s: first %.1f, last %.1f (uniform: first %.1f, last %.1f)%n",
                        hotFirst.perSecond(), hotLast.perSecond(), r.uniformSlices().get(0).perSecond(),
                        r.uniformSlices().get(r.uniformSlices().size() - 1).perSecond());
                out.printf(Locale.ROOT, "hotReferrerRatio: %.2f (goal >= %.2f: %s)%n", r.hotReferrerRatio(), HOT_REFERRER_GOAL,
                        met ? "met" : "NOT met");
                out.printf("machine: %s%n", machine());
            }
        }
    }

    static final double HOT_REFERRER_GOAL = 0.8;

    private static void slices(ObjectNode node, java.util.List<LatencySummary> slices) {
        com.fasterxml.jackson.databind.node.ArrayNode rates = node.putArray("slicePerSecond");
        slices.forEach(s -> rates.add(Math.round(s.perSecond() * 10) / 10.0));
        node.put("firstSlicePerSecond", Math.round(slices.get(0).perSecond() * 10) / 10.0);
        node.put("lastSlicePerSecond", Math.round(slices.get(slices.size() - 1).perSecond() * 10) / 10.0);
    }

    /** {@code bench saga}. */
    @Command(name = "saga", mixinStandardHelpOptions = true,
            description = "The cost of running registration as a saga: the registration saga against the same steps in one"
                    + " plain transaction with no saga log (Redis reservation, user, profile and ledger entry, outbox event,"
                    + " commit, cache invalidation, release), same database, same client count. Cost ratio = saga mean"
                    + " latency / plain mean latency. Goal: ratio ≤ 1.3 (issue 12).")
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

    /** {@code bench cache}. */
    @Command(name = "cache", mixinStandardHelpOptions = true,
            description = "The coordinated cache, in one run: (a) the divergence window: two engine instances on the same"
                    + " servers; B reads user:<id>, A commits a points change and invalidates; time from A's commit until"
                    + " B reads the new points (goal: p99 < 50 ms); (b) the rebuild rate of user:* for --users users against"
                    + " a raw baseline writing the same keys and values with plain pipelined SET, same page size, only its"
                    + " writes timed (goal: ratio >= 0.5); (c) read latency of user:<id> from the near cache, Redis and"
                    + " PostgreSQL. One client: --clients, --seconds and --warmup do not apply.")
    static final class Cache extends Benchmark {

        @Option(names = "--users", defaultValue = "1000000", description = "Users to create and rebuild, 100 to 20000000 (default ${DEFAULT-VALUE}).")
        long users;

        @Option(names = "--updates", defaultValue = "1000", description = "Updates timed for the divergence window, 10 to 100000 (default ${DEFAULT-VALUE}).")
        int updates;

        @Option(names = "--reads", defaultValue = "2000", description = "Reads timed per source, 10 to 100000 (default ${DEFAULT-VALUE}).")
        int reads;

        @Override
        String name() {
            return "cache";
        }

        @Override
        String plan() {
            return String.format(Locale.ROOT, "%,d users, %,d updates, %,d reads per source, one client", users, updates, reads);
        }

        @Override
        void measure(BenchEnvironment env, EngineHealth health, PrintWriter out) throws Exception {
            if (users < 100 || users > 20_000_000 || updates < 10 || updates > 100_000 || reads < 10 || reads > 100_000) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--users takes 100 to 20000000, --updates 10 to 100000, --reads 10 to 100000.");
            }
            PrintWriter err = spec.commandLine().getErr();
            CacheBench.Result r = new CacheBench(env.engine()).run(users, updates, reads, json ? ProgressListener.NONE : (m, d, t) -> {
                err.println(m);
                err.flush();
            });
            CacheBench.Divergence d = r.divergence();
            CacheBench.Rebuild b = r.rebuild();
            CacheBench.Reads reads = r.reads();
            boolean windowMet = d.timedOut() == 0 && d.window().p99Millis() < CACHE_WINDOW_GOAL_MILLIS;
            boolean rebuildMet = b.ratio() >= CACHE_REBUILD_GOAL;
            if (json) {
                ObjectNode root = jsonHeader(health);
                root.remove(java.util.List.of("clients", "seconds", "warmupSeconds"));
                root.put("users", r.users());
                root.put("setupSeconds", Math.round(r.setupSeconds() * 10) / 10.0);
                ObjectNode window = root.putObject("divergenceWindow");
                summary(window, d.window());
                window.put("updates", d.updates());
                window.put("timedOut", d.timedOut());
                window.put("goalP99Millis", CACHE_WINDOW_GOAL_MILLIS);
                window.put("goalMet", windowMet);
                ObjectNode rebuild = root.putObject("rebuild");
                rebuild.put("entries", b.entries());
                rebuild.put("written", b.written());
                rebuild.put("refused", b.refused());
                rebuild.put("pageSize", b.pageSize());
                rebuild.put("seconds", Math.round(b.rebuildSeconds() * 1000) / 1000.0);
                rebuild.put("perSecond", Math.round(b.rebuildPerSecond()));
                ObjectNode baseline = rebuild.putObject("baseline");
                baseline.put("definition", "plain SET key value PX ttl of the same keys and values, pipelined per page of the same size;"
                        + " only the SETs timed");
                baseline.put("seconds", Math.round(b.baselineSetSeconds() * 1000) / 1000.0);
                baseline.put("perSecond", Math.round(b.baselinePerSecond()));
                baseline.put("untimedReadSeconds", Math.round(b.baselineReadSeconds() * 1000) / 1000.0);
                rebuild.put("ratio", rounded(b.ratio()));
                rebuild.put("goal", CACHE_REBUILD_GOAL);
                rebuild.put("goalMet", rebuildMet);
                ObjectNode readsNode = root.putObject("reads");
                summary(readsNode.putObject("near"), reads.near());
                summary(readsNode.putObject("redis"), reads.redis());
                summary(readsNode.putObject("database"), reads.database());
                readsNode.put("databaseOverRedisP50", rounded(ratio(reads.database().p50Millis(), reads.redis().p50Millis())));
                readsNode.put("databaseOverNearP50", rounded(ratio(reads.database().p50Millis(), reads.near().p50Millis())));
                readsNode.put("answeredElsewhere", reads.wrongSource());
                printJson(out, root);
            } else {
                out.printf(Locale.ROOT, "(a) divergence window, %,d updates: p50 %.2f ms, p99 %.2f ms, max %.2f ms%s (goal p99 < %.0f ms: %s)%n",
                        d.updates(), d.window().p50Millis(), d.window().p99Millis(), d.window().maxMillis(),
                        d.timedOut() == 0 ? "" : ", " + d.timedOut() + " not seen within " + CacheBench.WINDOW_TIMEOUT.toSeconds() + " s",
                        CACHE_WINDOW_GOAL_MILLIS, windowMet ? "met" : "NOT met");
                out.printf(Locale.ROOT, "(b) rebuild of %,d user entries: %,.0f/s (%.2f s, %,d written, %,d refused)%n", b.entries(),
                        b.rebuildPerSecond(), b.rebuildSeconds(), b.written(), b.refused());
                out.printf(Locale.ROOT, "    baseline plain pipelined SET of the same keys/values: %,.0f/s (%.2f s of SETs; its %.2f s of reads not counted)%n",
                        b.baselinePerSecond(), b.baselineSetSeconds(), b.baselineReadSeconds());
                out.printf(Locale.ROOT, "    ratio rebuild/baseline: %.2f (goal >= %.2f: %s)%n", b.ratio(), CACHE_REBUILD_GOAL,
                        rebuildMet ? "met" : "NOT met");
                out.printf(Locale.ROOT, "(c) read user:<id>, %,d reads each: near cache p50 %.3f ms p99 %.3f ms; Redis p50 %.3f ms p99 %.3f ms;"
                                + " PostgreSQL p50 %.3f ms p99 %.3f ms (PostgreSQL/Redis p50: %.1fx)%n", reads.near().operations(),
                        reads.near().p50Millis(), reads.near().p99Millis(), reads.redis().p50Millis(), reads.redis().p99Millis(),
                        reads.database().p50Millis(), reads.database().p99Millis(),
                        ratio(reads.database().p50Millis(), reads.redis().p50Millis()));
                out.printf("setup: %,d users created in %.1f s; machine: %s%n", r.users(), r.setupSeconds(), machine());
            }
        }

        private static double ratio(double a, double b) {
            return b == 0 ? 0 : a / b;
        }
    }

    /** {@code bench integrity}. */
    @Command(name = "integrity", mixinStandardHelpOptions = true,
            description = "The data-integrity engine on a generated legacy file of --users rows (about 0.8%% exact duplicates:"
                    + " the same mailbox with Gmail dots, a +tag or in upper case; 0.2%% likely duplicates: the same name at another"
                    + " provider; 0.5%% reused referral codes), streamed to a temporary file that is deleted afterwards. In one run:"
                    + " (1) the import through LegacyImporter against a raw COPY of the same file into a bare UNLOGGED table"
                    + " (ratio = import time / COPY time); (2) the whole check suite, a manual run, on the imported users, per check;"
                    + " (3) duplicate detection (exact and likely) against GROUP BY lower(email) HAVING count(*) > 1 on the COPY"
                    + " table (ratio = detection time / query time), with how many planted duplicates each found. One client:"
                    + " --clients, --seconds and --warmup do not apply.")
    static final class Integrity extends Benchmark {

        @Option(names = "--users", defaultValue = "1000000", description = "Rows of the generated file, 1000 to 10000000 (default ${DEFAULT-VALUE}).")
        long users;

        @Override
        String name() {
            return "integrity";
        }

        @Override
        String plan() {
            return String.format(Locale.ROOT, "%,d users in a generated legacy CSV, one client", users);
        }

        @Override
        void measure(BenchEnvironment env, EngineHealth health, PrintWriter out) throws Exception {
            if (users < 1000 || users > 10_000_000) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--users takes 1000 to 10000000.");
            }
            PrintWriter err = spec.commandLine().getErr();
            IntegrityBench.Result r = new IntegrityBench(env.engine()).run(users, json ? ProgressListener.NONE : (m, d, t) -> {
                err.println(m);
                err.flush();
            });
            IntegrityBench.Planted p = r.planted();
            IntegrityBench.Import im = r.importRun();
            IntegrityBench.Checks ch = r.checks();
            IntegrityBench.Duplicates du = r.duplicates();
            if (json) {
                ObjectNode root = jsonHeader(health);
                root.remove(java.util.List.of("clients", "seconds", "warmupSeconds"));
                root.put("users", users);
                ObjectNode file = root.putObject("file");
                file.put("rows", p.rows());
                file.put("bytes", p.bytes());
                file.put("writeSeconds", seconds(p.seconds()));
                file.put("path", r.file().toString());
                file.put("deleted", r.fileDeleted());
                ObjectNode planted = file.putObject("planted");
                planted.put("exactDuplicates", p.exactTotal());
                ObjectNode spellings = planted.putObject("exactBySpelling");
                p.exact().forEach((s, n) -> spellings.put(key(s), n));
                planted.put("likelyDuplicates", p.likely());
                planted.put("codeConflicts", p.codeConflicts());

                ObjectNode imp = root.putObject("import");
                imp.put("definition", "LegacyImporter.importFile: read, check every row, COPY to staging, set-based promotion, audit; one transaction");
                imp.put("rows", im.result().rows());
                imp.put("imported", im.result().imported());
                imp.put("held", im.result().held());
                imp.put("invalid", im.result().invalid());
                imp.put("codesReissued", im.result().codesReissued());
                imp.put("referrersUnresolved", im.result().referrersUnresolved());
                imp.put("seconds", seconds(im.seconds()));
                imp.put("rowsPerSecond", Math.round(im.rowsPerSecond()));
                ObjectNode copy = imp.putObject("baseline");
                copy.put("definition", "COPY of the same CSV (FORMAT csv) into a bare UNLOGGED table of 7 text columns, no index");
                copy.put("rows", im.copiedRows());
                copy.put("seconds", seconds(im.copySeconds()));
                copy.put("rowsPerSecond", Math.round(im.copyRowsPerSecond()));
                imp.put("ratio", rounded(im.ratio()));
                imp.put("ratioDefinition", "import seconds / COPY seconds");

                ObjectNode checks = root.putObject("checks");
                checks.put("definition", "the whole suite as a manual run (stored, audited), after an untimed VACUUM ANALYZE");
                ObjectNode per = checks.putObject("perCheck");
                for (SuiteTiming.Timing t : ch.timings()) {
                    ObjectNode c = per.putObject(t.check());
                    c.put("status", t.status());
                    c.put("findings", t.findings());
                    c.put("millis", Math.round(t.seconds() * 1e6) / 1000.0);
                }
                checks.put("checksSeconds", seconds(ch.checkSeconds()));
                checks.put("runSeconds", seconds(ch.runSeconds()));
                checks.put("settleSeconds", seconds(ch.settleSeconds()));

                ObjectNode dup = root.putObject("duplicates");
                ObjectNode exact = dup.putObject("exact");
                exact.put("seconds", seconds(du.exactSeconds()));
                exact.put("found", du.exactFound());
                exact.put("plantedFound", du.exactPlantedFoundTotal());
                ObjectNode exactSpellings = exact.putObject("plantedFoundBySpelling");
                du.exactPlantedFound().forEach((s, n) -> exactSpellings.put(key(s), n));
                exact.put("recall", rounded(ratio(du.exactPlantedFoundTotal(), p.exactTotal())));
                ObjectNode likely = dup.putObject("likely");
                likely.put("seconds", seconds(du.likelySeconds()));
                likely.put("found", du.likelyFound());
                likely.put("plantedFound", du.likelyPlantedFound());
                likely.put("recall", rounded(ratio(du.likelyPlantedFound(), p.likely())));
                dup.put("seconds", seconds(du.seconds()));
                ObjectNode base = dup.putObject("baseline");
                base.put("definition", "SELECT lower(email), count(*) FROM the COPY table GROUP BY lower(email) HAVING count(*) > 1");
                base.put("seconds", seconds(du.baselineSeconds()));
                base.put("groups", du.baselineGroups());
                base.put("plantedFound", du.baselinePlantedFoundTotal());
                ObjectNode baseSpellings = base.putObject("plantedFoundBySpelling");
                du.baselinePlantedFound().forEach((s, n) -> baseSpellings.put(key(s), n));
                base.put("recall", rounded(ratio(du.baselinePlantedFoundTotal(), p.exactTotal())));
                dup.put("ratio", rounded(du.ratio()));
                dup.put("ratioDefinition", "(exact + likely seconds) / baseline seconds");
                printJson(out, root);
            } else {
                out.printf(Locale.ROOT, "file: %,d rows, %.1f MB, written in %.1f s; planted: %,d exact duplicates (%s), %,d likely"
                                + " duplicates, %,d reused referral codes%n", p.rows(), p.bytes() / 1e6, p.seconds(), p.exactTotal(),
                        bySpelling(p.exact()), p.likely(), p.codeConflicts());
                out.printf("%-44s %10s %12s%n", "(1) import", "seconds", "rows/s");
                out.printf(Locale.ROOT, "%-44s %10.3f %,12.0f%n", "    LegacyImporter.importFile", im.seconds(), im.rowsPerSecond());
                out.printf(Locale.ROOT, "%-44s %10.3f %,12.0f%n", "    baseline COPY into bare UNLOGGED table", im.copySeconds(),
                        im.copyRowsPerSecond());
                out.printf(Locale.ROOT, "    ratio import/COPY (time): %.1fx; imported %,d, held %,d, invalid %,d, codes re-issued %,d%n",
                        im.ratio(), im.result().imported(), im.result().held(), im.result().invalid(), im.result().codesReissued());
                out.printf("%-44s %10s %12s %10s%n", "(2) check suite (manual run)", "ms", "findings", "status");
                for (SuiteTiming.Timing t : ch.timings()) {
                    out.printf(Locale.ROOT, "    %-40s %10.1f %,12d %10s%n", t.check(), t.seconds() * 1000, t.findings(), t.status());
                }
                out.printf(Locale.ROOT, "    %-40s %10.1f   (whole run with storing and audit: %.2f s)%n", "total of the checks",
                        ch.checkSeconds() * 1000, ch.runSeconds());
                out.printf("%-44s %10s %12s %18s%n", "(3) duplicate detection", "seconds", "found", "planted found");
                out.printf(Locale.ROOT, "%-44s %10.3f %,12d %18s%n", "    DuplicateFinder exact (all pages)", du.exactSeconds(),
                        du.exactFound(), of(du.exactPlantedFoundTotal(), p.exactTotal()));
                out.printf(Locale.ROOT, "%-44s %10.3f %,12d %18s%n", "    DuplicateFinder likely", du.likelySeconds(), du.likelyFound(),
                        of(du.likelyPlantedFound(), p.likely()));
                out.printf(Locale.ROOT, "%-44s %10.3f %,12d %18s%n", "    baseline GROUP BY lower(email) HAVING >1", du.baselineSeconds(),
                        du.baselineGroups(), of(du.baselinePlantedFoundTotal(), p.exactTotal()));
                out.printf(Locale.ROOT, "    ratio detection (exact + likely)/baseline (time): %.1fx; exact found by spelling: engine %s;"
                        + " baseline %s%n", du.ratio(), bySpelling(du.exactPlantedFound()), bySpelling(du.baselinePlantedFound()));
                out.printf("machine: %s%n", machine());
            }
        }

        private static double seconds(double s) {
            return Math.round(s * 1000) / 1000.0;
        }

        private static double ratio(double a, double b) {
            return b == 0 ? 0 : a / b;
        }

        private static String key(IntegrityBench.Spelling s) {
            return switch (s) {
                case GMAIL_DOTS -> "gmailDots";
                case PLUS_TAG -> "plusTag";
                case UPPER_CASE -> "upperCase";
            };
        }

        private static String bySpelling(java.util.Map<IntegrityBench.Spelling, Integer> counts) {
            java.util.List<String> parts = new java.util.ArrayList<>();
            counts.forEach((s, n) -> parts.add(String.format(Locale.ROOT, "%s %,d", s.label(), n)));
            return String.join(", ", parts);
        }

        private static String of(long found, long planted) {
            return String.format(Locale.ROOT, "%,d/%,d (%.0f%%)", found, planted, planted == 0 ? 0 : 100.0 * found / planted);
        }
    }

    /** {@code bench console}. */
    @Command(name = "console", mixinStandardHelpOptions = true,
            description = "What the console's screens cost on --users users (with one registration saga and six saga events"
                    + " per user, seven days of divergence samples and check runs), in one run: (1) the overview's figures, one"
                    + " OverviewReader.read as every overview refresh runs it, against SELECT count(*) FROM users (goal: p95 < 1 s);"
                    + " (2) user search p95 (goal: < 200 ms), against an exact look-up by e-mail; (3) opening a saga's timeline"
                    + " (SagaService.show: the saga and its events) against a primary-key look-up of the saga row. Measured and"
                    + " baseline operations alternate; ratios are of p95 latencies. One client: --clients, --seconds and --warmup"
                    + " do not apply.")
    static final class ConsoleScreens extends Benchmark {

        @Option(names = "--users", defaultValue = "1000000", description = "Users to create, 1000 to 20000000 (default ${DEFAULT-VALUE}).")
        long users;

        @Option(names = "--overview-reads", defaultValue = "30", description = "Overview reads timed, 5 to 1000 (default ${DEFAULT-VALUE}).")
        int overviewReads;

        @Option(names = "--reads", defaultValue = "2000", description = "Searches and timelines timed, 10 to 100000 (default ${DEFAULT-VALUE}).")
        int reads;

        @Override
        String name() {
            return "console";
        }

        @Override
        String plan() {
            return String.format(Locale.ROOT, "%,d users, %d overview reads, %,d timelines, one client", users, overviewReads, reads);
        }

        @Override
        void measure(BenchEnvironment env, EngineHealth health, PrintWriter out) throws Exception {
            if (users < 1000 || users > 20_000_000 || overviewReads < 5 || overviewReads > 1000 || reads < 10 || reads > 100_000) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--users takes 1000 to 20000000, --overview-reads 5 to 1000, --reads 10 to 100000.");
            }
            PrintWriter err = spec.commandLine().getErr();
            ConsoleBench.Result r = new ConsoleBench(env.engine()).run(users, overviewReads, reads, json ? ProgressListener.NONE : (m, d, t) -> {
                err.println(m);
                err.flush();
            });
            ConsoleBench.Seeded s = r.seeded();
            boolean overviewMet = r.overview().measured().p95Millis() < OVERVIEW_GOAL_MILLIS;
            Optional<Boolean> searchMet = r.search().map(p -> p.measured().p95Millis() < SEARCH_GOAL_MILLIS);
            if (json) {
                ObjectNode root = jsonHeader(health);
                root.remove(java.util.List.of("clients", "seconds", "warmupSeconds"));
                root.put("users", users);
                root.put("setupSeconds", Math.round(s.seconds() * 10) / 10.0);
                ObjectNode seeded = root.putObject("seeded");
                seeded.put("users", s.users());
                seeded.put("sagas", s.sagas());
                seeded.put("sagaEvents", s.sagaEvents());
                seeded.put("divergenceSamples", s.samples());
                seeded.put("checkRuns", s.checkRuns());

                ObjectNode overview = root.putObject("overview");
                overview.put("definition", "OverviewReader.read: platform figures, 24 h of sagas by hour, divergence, check runs, alerts");
                paired(overview, r.overview(), "SELECT count(*) FROM users");
                overview.put("goalP95Millis", OVERVIEW_GOAL_MILLIS);
                overview.put("goalMet", overviewMet);
                ObjectNode seen = overview.putObject("figures");
                seen.put("users", r.figures().platform().users());
                seen.put("registrationsLastDay", r.figures().registrationsLastDay());
                seen.put("blockedLastDay", r.figures().blockedLastDay());
                seen.put("sagasFinishedLastDay", r.figures().sagas().finished());
                seen.put("rollbackRate", rounded(r.figures().sagas().rate()));
                seen.put("divergence", r.figures().divergence().map(d -> rounded(d.rate())).orElse(0.0));
                seen.put("alerts", r.figures().alerts().size());
                seen.put("lastCheckRunStatus", r.figures().lastCheckRun().map(c -> c.status()).orElse("none"));

                ObjectNode search = root.putObject("search");
                search.put("definition", "UserDirectory.search(query, 50), in turn: a mailbox typed with other capitals, a mailbox beginning,"
                        + " a name every seeded user has, a referral code with one symbol mistyped; every answer checked");
                search.put("measured", r.search().isPresent());
                if (r.search().isPresent()) {
                    paired(search, r.search().get(), "exact look-up by email_normalized of the same users");
                } else {
                    search.put("note", "not measured: the user directory's search is not in this build yet");
                }
                search.put("goalP95Millis", SEARCH_GOAL_MILLIS);
                if (searchMet.isPresent()) {
                    search.put("goalMet", searchMet.get());
                } else {
                    search.putNull("goalMet");
                }

                ObjectNode timeline = root.putObject("timeline");
                timeline.put("definition", "SagaService.show(id): the saga row and its events (6 each), random seeded sagas");
                paired(timeline, r.timeline(), "SELECT * FROM sagas WHERE id = ? (primary key), the same ids");
                printJson(out, root);
            } else {
                out.printf(Locale.ROOT, "setup: %,d users, %,d sagas, %,d saga events, %,d divergence samples, %,d check runs in %.1f s%n",
                        s.users(), s.sagas(), s.sagaEvents(), s.samples(), s.checkRuns(), s.seconds());
                out.printf("%-44s %8s %9s %9s %9s %9s%n", "", "reads", "mean ms", "p50 ms", "p95 ms", "max ms");
                timing(out, "(1) overview (OverviewReader.read)", r.overview().measured());
                timing(out, "    baseline SELECT count(*) FROM users", r.overview().baseline());
                out.printf(Locale.ROOT, "    ratio overview/baseline (p95): %.1fx (goal p95 < %.0f ms: %s)%n", r.overview().ratio(),
                        OVERVIEW_GOAL_MILLIS, overviewMet ? "met" : "NOT met");
                if (r.search().isPresent()) {
                    timing(out, "(2) user search", r.search().get().measured());
                    timing(out, "    baseline look-up by e-mail", r.search().get().baseline());
                    out.printf(Locale.ROOT, "    ratio search/baseline (p95): %.1fx (goal p95 < %.0f ms: %s)%n", r.search().get().ratio(),
                            SEARCH_GOAL_MILLIS, searchMet.orElse(false) ? "met" : "NOT met");
                } else {
                    out.println("(2) user search: not measured (the user directory's search is not in this build yet)");
                }
                timing(out, "(3) saga timeline (SagaService.show)", r.timeline().measured());
                timing(out, "    baseline primary-key look-up", r.timeline().baseline());
                out.printf(Locale.ROOT, "    ratio timeline/baseline (p95): %.1fx%n", r.timeline().ratio());
                out.printf("machine: %s%n", machine());
            }
        }

        private static void paired(ObjectNode node, ConsoleBench.Paired p, String baselineDefinition) {
            timingJson(node, p.measured());
            ObjectNode baseline = node.putObject("baseline");
            baseline.put("definition", baselineDefinition);
            timingJson(baseline, p.baseline());
            node.put("ratio", rounded(p.ratio()));
            node.put("ratioDefinition", "p95 / baseline p95");
        }

        private static void timingJson(ObjectNode node, ConsoleBench.Timing t) {
            node.put("reads", t.count());
            node.put("meanMillis", Math.round(t.meanMillis() * 100) / 100.0);
            node.put("p50Millis", Math.round(t.p50Millis() * 100) / 100.0);
            node.put("p95Millis", Math.round(t.p95Millis() * 100) / 100.0);
            node.put("maxMillis", Math.round(t.maxMillis() * 100) / 100.0);
        }

        private static void timing(PrintWriter out, String name, ConsoleBench.Timing t) {
            out.printf(Locale.ROOT, "%-44s %8d %9.2f %9.2f %9.2f %9.2f%n", name, t.count(), t.meanMillis(), t.p50Millis(), t.p95Millis(),
                    t.maxMillis());
        }
    }

    static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version");
    }
}
