package org.nstcg.integrity.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nstcg.integrity.engine.support.DeepLink;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.integrity.BuiltInChecks;
import org.nstcg.integrity.engine.integrity.CheckResult;
import org.nstcg.integrity.engine.integrity.CheckRun;
import org.nstcg.integrity.engine.integrity.Finding;
import org.nstcg.integrity.engine.support.ProgressListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code check}: runs the integrity checks now, stores the run and records it in the audit trail. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Runs the integrity checks now and prints, per check, its severity, findings and duration, with the first"
                + " findings. The run and its findings are stored ('checks history') and recorded in the audit trail.%n"
                + "Checks: referral-code-uniqueness, email-uniqueness, cache-consistency, orphans, points-ledger, referral-count,"
                + " stuck-sagas, outbox-backlog.%n"
                + "Exit codes: 0 nothing found, 1 findings, 2 server unreachable (or a check could not run), 64 bad command line.")
final class CheckCommand implements Callable<Integer> {

    static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--only", paramLabel = "NAME", split = ",",
            description = "Run only this check; repeat it or separate names with commas.")
    List<String> only = new ArrayList<>();

    @Mixin
    AuditActor who;

    @Option(names = "--show", paramLabel = "N", defaultValue = "5", description = "Findings printed per check, 0 to 1000 (default ${DEFAULT-VALUE}).")
    int show;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        List<String> names = only.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        for (String name : names) {
            if (!BuiltInChecks.NAMES.contains(name)) {
                err.println("error: there is no check named '" + name + "'; use one of: " + String.join(", ", BuiltInChecks.NAMES) + ".");
                return ExitCodes.USAGE;
            }
        }
        if (!who.valid(spec)) {
            return ExitCodes.USAGE;
        }
        if (show < 0 || show > 1000) {
            err.println("error: --show takes 0 to 1000, not " + show + ".");
            return ExitCodes.USAGE;
        }
        try (IntegrityEngine engine = EngineStarter.start(spec)) {
            CheckRun run = engine.checks().run(who.actor(engine), names, ProgressListener.NONE);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json(run, show)));
            } else {
                text(out, run, show);
            }
            out.flush();
            return switch (run.status()) {
                case PASSED -> ExitCodes.OK;
                case FAILED -> ExitCodes.FINDINGS;
                case ERROR -> {
                    run.results().stream().filter(r -> r.status() == CheckResult.Status.ERROR).forEach(r ->
                            err.println("error: the check " + r.name() + " could not run: " + r.error().orElse("unknown reason") + "."));
                    yield ExitCodes.UNAVAILABLE;
                }
            };
        }
    }

    static ObjectNode json(CheckRun run, int show) {
        ObjectNode root = JSON.createObjectNode().put("runId", run.id()).put("link", DeepLink.run(run.id()).text())
                .put("trigger", run.trigger().label())
                .put("actor", run.actor().orElse(null)).put("status", run.status().label())
                .put("startedAt", run.startedAt().toString()).put("finishedAt", run.finishedAt().toString())
                .put("durationMs", run.duration().toMillis()).put("findings", run.totalFindings());
        ArrayNode checks = root.putArray("checks");
        for (CheckResult r : run.results()) {
            ObjectNode n = checks.addObject().put("name", r.name()).put("severity", r.severity().label()).put("status", r.status().label())
                    .put("findings", r.totalFindings()).put("durationMs", r.duration().toMillis()).put("error", r.error().orElse(null));
            ArrayNode shown = n.putArray("shown");
            for (Finding f : r.findings().subList(0, Math.min(show, r.findings().size()))) {
                ObjectNode fn = shown.addObject();
                ArrayNode ids = fn.putArray("affectedIds");
                f.affectedIds().forEach(ids::add);
                fn.put("message", f.message());
                fn.set("details", f.details());
            }
        }
        return root;
    }

    static void text(PrintWriter out, CheckRun run, int show) {
        out.printf(Locale.ROOT, "Integrity check run %d (%s by %s): %s, %d finding%s in %d check%s, %.2f s.%n", run.id(),
                run.trigger().label(), run.actor().orElse("schedule"), run.status().label().toUpperCase(Locale.ROOT), run.totalFindings(),
                run.totalFindings() == 1 ? "" : "s", run.results().size(), run.results().size() == 1 ? "" : "s",
                run.duration().toMillis() / 1000.0);
        out.println("link: " + DeepLink.run(run.id()).text());
        out.printf("%-26s %-9s %-7s %10s %10s%n", "check", "severity", "status", "findings", "duration");
        for (CheckResult r : run.results()) {
            out.printf(Locale.ROOT, "%-26s %-9s %-7s %,10d %7d ms%n", r.name(), r.severity().label(), r.status().label(), r.totalFindings(),
                    r.duration().toMillis());
            r.error().ifPresent(e -> out.println("    could not run: " + e));
            List<Finding> shown = r.findings().subList(0, Math.min(show, r.findings().size()));
            for (Finding f : shown) {
                out.println("    - " + f.message() + (f.affectedIds().isEmpty() ? "" : " [ids " + ids(f.affectedIds()) + "]"));
            }
            if (r.totalFindings() > shown.size() && show > 0) {
                out.printf(Locale.ROOT, "    … and %,d more (%,d stored with run %d).%n", r.totalFindings() - shown.size(), r.findings().size(), run.id());
            }
        }
    }

    private static String ids(List<Long> ids) {
        List<String> parts = ids.stream().limit(10).map(String::valueOf).toList();
        return String.join(", ", parts) + (ids.size() > 10 ? ", … (" + ids.size() + ")" : "");
    }
}
