package org.nstcg.integrity.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.dedup.MergeOutcome;
import org.nstcg.integrity.engine.dedup.MergePlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code merge}: merges a duplicate user into a survivor (support staff). */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Merges the duplicate into the survivor: its points move through ledger entries, the users it referred"
                + " are re-pointed, its referral codes become aliases of the survivor, and it becomes 'merged into' the"
                + " survivor. Runs as a saga (finished or undone after a crash), audited; undo with unmerge.%n"
                + "Exit codes: 0 merged (or previewed), 2 a server is unreachable or the merge failed and was undone,"
                + " 3 refused (unknown user, the same user twice, a user not active), 5 unfinished: needs attention,"
                + " 64 bad command line.")
final class MergeCommand implements Callable<Integer> {

    static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--survivor", paramLabel = "ID", required = true, description = "The user that stays.")
    long survivor;

    @Option(names = "--duplicate", paramLabel = "ID", required = true, description = "The user merged into the survivor.")
    long duplicate;

    @Option(names = "--dry-run", description = "Only list every change the merge would make; write nothing.")
    boolean dryRun;

    @Mixin
    AuditActor who;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why, recorded in the audit trail.")
    String reason;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (!who.valid(spec)) {
            return ExitCodes.USAGE;
        }
        MergeOutcome o;
        try (IntegrityEngine engine = EngineStarter.start(spec)) {
            o = dryRun ? engine.dedup().merges().preview(who.actor(engine), survivor, duplicate)
                    : engine.dedup().merges().merge(survivor, duplicate, who.actor(engine), reason == null || reason.isBlank() ? null : reason.strip());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (o instanceof MergeOutcome.Refused r) {
            err.println("error: cannot merge user " + duplicate + " into user " + survivor + ": " + r.reason() + ".");
            return ExitCodes.NOT_APPLICABLE;
        }
        if (o instanceof MergeOutcome.RolledBack r) {
            err.println("error: " + r.message() + "; nothing changed (saga " + r.sagaId() + ").");
            return ExitCodes.UNAVAILABLE;
        }
        if (o instanceof MergeOutcome.Unfinished u) {
            err.println("error: " + u.message() + ".");
            return ExitCodes.STILL_NEEDS_ATTENTION;
        }
        MergePlan plan = o instanceof MergeOutcome.Previewed p ? p.plan() : ((MergeOutcome.Merged) o).plan();
        if (json) {
            ObjectNode root = JSON.valueToTree(plan);
            root.put("dryRun", dryRun);
            root.set("changes", JSON.valueToTree(plan.changes()));
            if (o instanceof MergeOutcome.Merged m) {
                root.put("mergeId", m.mergeId());
                root.put("sagaId", m.sagaId().toString());
            }
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } else {
            out.println(dryRun ? "Merging user " + duplicate + " into user " + survivor + " would make these changes (nothing was written):"
                    : "Merged user " + duplicate + " into user " + survivor + " (merge " + ((MergeOutcome.Merged) o).mergeId()
                    + "; undo with: unmerge " + duplicate + "):");
            plan.changes().forEach(line -> out.println("  - " + line));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
