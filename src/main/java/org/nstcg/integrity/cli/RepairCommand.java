package org.nstcg.integrity.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.repair.PlannedChange;
import org.nstcg.integrity.engine.repair.Repair;
import org.nstcg.integrity.engine.repair.RepairPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code repair KIND [--dry-run]}: previews or applies the repair for one kind of integrity finding. */
@Command(name = "repair", mixinStandardHelpOptions = true,
        description = "Repairs one kind of integrity finding. --dry-run lists exactly what would change and writes nothing;"
                + " without it the repair is applied and recorded in the audit trail. 'repair list' shows the kinds.%n"
                + "Applying a repair is administrator-only: it needs the schema owner's credentials in the configuration"
                + " (db.migration-user and db.migration-password, or one login that owns the schema, as the embedded default"
                + " does) or --sign-in with a console administrator's account; --dry-run does not.%n"
                + "Exit codes: 0 done (or nothing to repair), 2 server unreachable, 4 the reason is longer than 500 characters"
                + " or holds control characters, 64 unknown kind, 77 not allowed.")
final class RepairCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SHOWN = 20;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "KIND", description = "What to repair (see 'repair list'), or list.")
    String kind;

    @Option(names = "--dry-run", description = "Only list what would change.")
    boolean dryRun;

    @Mixin
    AuditActor who;

    @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "repair run from the command line",
            description = "Why, recorded in the audit trail.")
    String reason;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!kind.equals("list") && !dryRun && !who.valid(spec)) {
            return ExitCodes.USAGE;
        }
        try (IntegrityEngine engine = EngineStarter.start(spec)) {
            PrintWriter out = spec.commandLine().getOut();
            if (kind.equals("list")) {
                for (Repair r : engine.repairs().all()) {
                    out.printf("%-16s %s%n", r.kind(), r.description());
                }
                out.flush();
                return ExitCodes.OK;
            }
            Optional<Repair> repair = engine.repairs().find(kind);
            if (repair.isEmpty()) {
                spec.commandLine().getErr().println("error: there is no repair '" + kind + "'; the repairs are " + engine.repairs().kinds() + ".");
                return ExitCodes.USAGE;
            }
            RepairPlan plan = dryRun ? repair.get().preview(who.actor(engine)) : repair.get().apply(who.actor(engine), reason);
            if (json) {
                ObjectNode root = JSON.createObjectNode().put("kind", plan.kind()).put("applied", plan.applied()).put("total", plan.total());
                ArrayNode changes = root.putArray("changes");
                for (PlannedChange c : plan.changes()) {
                    ObjectNode n = changes.addObject().put("targetType", c.targetType()).put("targetId", c.targetId()).put("summary", c.summary());
                    n.set("before", c.before());
                    n.set("after", c.after());
                }
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            } else if (plan.nothingToDo()) {
                out.println("Nothing to repair: " + plan.kind() + " found nothing wrong.");
            } else {
                out.printf("%s %,d change%s (%s):%n", plan.applied() ? "Applied" : "Would apply", plan.total(), plan.total() == 1 ? "" : "s",
                        plan.kind());
                plan.changes().stream().limit(SHOWN).forEach(c -> out.println("  " + c.summary()));
                if (plan.total() > SHOWN) {
                    out.printf("  … and %,d more (--json lists up to %,d)%n", plan.total() - SHOWN, Repair.MAX_LISTED);
                }
                if (!plan.applied()) {
                    out.println("Nothing was written. Run without --dry-run to apply.");
                }
            }
            out.flush();
        }
        return ExitCodes.OK;
    }
}
