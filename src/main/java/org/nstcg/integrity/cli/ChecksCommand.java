package org.nstcg.integrity.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.nstcg.integrity.engine.support.DeepLink;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.integrity.RunSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code checks}: the stored integrity check runs. */
@Command(name = "checks", mixinStandardHelpOptions = true,
        description = "Stored integrity check runs (manual and scheduled) and their findings counts.%n"
                + "Exit codes: 0 done, 2 server unreachable, 64 bad command line.",
        subcommands = {ChecksCommand.History.class})
final class ChecksCommand {

    /** {@code checks history}. */
    @Command(name = "history", mixinStandardHelpOptions = true,
            description = "Recent runs, newest first: when, why (manual/scheduled), by whom, status, and per check its findings.")
    static final class History implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most N runs, 1 to 10000 (default ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--since", paramLabel = "DURATION", converter = SagaArguments.Since.class,
                description = "Only runs started within this look-back: 30s, 15m, 2h, 7d, 2w.")
        Duration since;

        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (limit < 1 || limit > 10_000) {
                spec.commandLine().getErr().println("error: --limit takes 1 to 10000, not " + limit + ".");
                return ExitCodes.USAGE;
            }
            try (IntegrityEngine engine = EngineStarter.start(spec)) {
                List<RunSummary> runs = engine.checks().history(AuditActor.reader(engine), Optional.ofNullable(since).map(d -> engine.clock().instant().minus(d)), limit);
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    ArrayNode array = CheckCommand.JSON.createArrayNode();
                    for (RunSummary r : runs) {
                        ObjectNode n = array.addObject().put("runId", r.id()).put("link", DeepLink.run(r.id()).text())
                                .put("startedAt", r.startedAt().toString())
                                .put("finishedAt", r.finishedAt().map(Object::toString).orElse(null)).put("trigger", r.trigger())
                                .put("status", r.status()).put("actor", r.actor().orElse(null)).put("instance", r.instanceId().orElse(null))
                                .put("findings", r.totalFindings());
                        ObjectNode checks = n.putObject("checks");
                        r.checks().forEach((name, f) -> checks.putObject(name).put("severity", f.severity()).put("status", f.status())
                                .put("findings", f.findings()).put("durationMs", f.durationMillis()));
                    }
                    out.println(CheckCommand.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(
                            CheckCommand.JSON.createObjectNode().set("runs", array)));
                } else if (runs.isEmpty()) {
                    out.println("No integrity check runs yet. Run 'check' to run them now.");
                } else {
                    out.printf("%-7s %-20s %-10s %-8s %-14s %9s  %s%n", "run", "started (UTC)", "trigger", "status", "actor", "findings",
                            "per check (findings, or error)");
                    for (RunSummary r : runs) {
                        StringBuilder per = new StringBuilder();
                        r.checks().forEach((name, f) -> per.append(per.length() == 0 ? "" : "  ").append(name).append('=')
                                .append(f.status().equals("error") ? "error" : Long.toString(f.findings())));
                        out.printf(Locale.ROOT, "%-7d %-20s %-10s %-8s %-14s %,9d  %s%n", r.id(),
                                r.startedAt().toString().substring(0, 19).replace('T', ' '), r.trigger(), r.status(), r.actor().orElse("-"),
                                r.totalFindings(), per);
                    }
                }
                out.flush();
            }
            return ExitCodes.OK;
        }
    }
}
