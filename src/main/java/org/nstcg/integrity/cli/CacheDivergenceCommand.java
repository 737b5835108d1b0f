package org.nstcg.integrity.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.cache.CacheKeys;
import org.nstcg.integrity.engine.cache.DivergenceReport;
import org.nstcg.integrity.engine.cache.DivergenceSampler;
import org.nstcg.integrity.engine.cache.DivergenceSampler.Peak;
import org.nstcg.integrity.engine.store.CacheRows.DivergenceSample;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cache divergence}: one sampling round now, and the highest figures stored over the last five minutes. */
@Command(name = "divergence", mixinStandardHelpOptions = true,
        description = "Compares cached entries with their rows now (one sampling round: up to "
                + DivergenceSampler.DEFAULT_BATCH + " entries of user:* and referral:*, plus count:users and"
                + " leaderboard:referrers) and prints per key pattern how many were sampled, how many are older than"
                + " their rows, and how long the oldest has been stale; then the highest figures every instance stored"
                + " over the last 5 minutes.%n"
                + "Exit codes: 0 measured, 2 a server is unreachable (with Redis down there is nothing cached to compare).")
final class CacheDivergenceCommand implements Callable<Integer> {

    static final Duration LOOK_BACK = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (IntegrityEngine engine = EngineStarter.start(spec)) {
            DivergenceSampler sampler = engine.cacheDivergence();
            DivergenceReport report = sampler.sampleNow();
            PrintWriter out = spec.commandLine().getOut();
            if (report.state() != DivergenceReport.State.SAMPLED) {
                String problem = "Redis at " + engine.redisSettings().endpoint() + " does not answer, so there is no cached"
                        + " entry to compare. Start Redis or correct " + engine.redisSettings().setting() + ".";
                if (json) {
                    ObjectNode root = JSON.createObjectNode();
                    root.put("state", report.state().name());
                    root.put("sampledAt", report.at().toString());
                    root.put("error", problem);
                    out.println(JSON.writeValueAsString(root));
                    out.flush();
                }
                spec.commandLine().getErr().println("error: " + problem);
                return ExitCodes.UNAVAILABLE;
            }
            List<Peak> peaks = sampler.peaks(LOOK_BACK);
            if (json) {
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(report, peaks, sampler)));
            } else {
                printText(out, report, peaks, sampler);
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    private static ObjectNode toJson(DivergenceReport report, List<Peak> peaks, DivergenceSampler sampler) {
        ObjectNode root = JSON.createObjectNode();
        root.put("state", report.state().name());
        root.put("sampledAt", report.at().toString());
        root.put("batch", sampler.batchSize());
        root.put("alertThresholdPercent", percent(sampler.threshold()));
        root.put("lookBackSeconds", LOOK_BACK.toSeconds());
        ArrayNode patterns = root.putArray("patterns");
        for (String pattern : CacheKeys.PATTERNS) {
            Optional<DivergenceSample> s = report.pattern(pattern);
            if (s.isEmpty()) {
                continue;
            }
            ObjectNode p = patterns.addObject();
            p.put("pattern", pattern);
            p.put("sampled", s.get().sampled());
            p.put("divergent", s.get().divergent());
            p.put("divergencePercent", percent(s.get().divergence()));
            s.get().oldestStalenessMs().ifPresentOrElse(ms -> p.put("oldestStalenessMs", ms), () -> p.putNull("oldestStalenessMs"));
            peak(peaks, pattern).ifPresent(peak -> {
                ObjectNode last = p.putObject("lastFiveMinutes");
                last.put("rounds", peak.rounds());
                last.put("maxDivergent", peak.maxDivergent());
                last.put("maxDivergencePercent", percent(peak.maxDivergence()));
                peak.maxOldestStalenessMs().ifPresentOrElse(ms -> last.put("maxOldestStalenessMs", ms),
                        () -> last.putNull("maxOldestStalenessMs"));
            });
        }
        return root;
    }

    private static void printText(PrintWriter out, DivergenceReport report, List<Peak> peaks, DivergenceSampler sampler) {
        out.printf(Locale.ROOT, "Cache divergence at %s (up to %d entries per key pattern; alert above %.1f%%)%n",
                report.at().truncatedTo(ChronoUnit.MILLIS), sampler.batchSize(), sampler.threshold() * 100);
        out.printf(Locale.ROOT, "%-15s %8s %10s %11s %16s   %s%n", "PATTERN", "SAMPLED", "DIVERGENT", "DIVERGENCE",
                "OLDEST STALE MS", "LAST 5 MIN: ROUNDS, MAX DIVERGENCE, MAX STALE MS");
        for (String pattern : CacheKeys.PATTERNS) {
            Optional<DivergenceSample> s = report.pattern(pattern);
            if (s.isEmpty()) {
                continue;
            }
            String last = peak(peaks, pattern).map(p -> String.format(Locale.ROOT, "%d, %.2f%%, %s", p.rounds(),
                    p.maxDivergence() * 100, p.maxOldestStalenessMs().map(String::valueOf).orElse("-"))).orElse("-");
            out.printf(Locale.ROOT, "%-15s %8d %10d %10.2f%% %16s   %s%n", pattern, s.get().sampled(), s.get().divergent(),
                    s.get().divergence() * 100, s.get().oldestStalenessMs().map(String::valueOf).orElse("-"), last);
        }
    }

    private static Optional<Peak> peak(List<Peak> peaks, String pattern) {
        return peaks.stream().filter(p -> p.pattern().equals(pattern)).findFirst();
    }

    private static double percent(double fraction) {
        return Math.round(fraction * 10_000) / 100.0;
    }
}
