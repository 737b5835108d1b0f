package org.nstcg.integrity.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.audit.AuditEntry;
import org.nstcg.integrity.engine.audit.AuditVerification;
import org.nstcg.integrity.engine.support.ControlCharacters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code audit}: the tamper-evident trail of administrative actions. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "The audit trail: every administrative action with who, when, what and before/after, hash-chained.%n"
                + "Exit codes: 0 done (verify: intact), 1 verify found the chain broken, 2 server unreachable, 64 bad command line.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.ListEntries.class})
final class AuditCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code audit verify}. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Recomputes every entry's hash and checks every link; names the first entry changed, removed or inserted"
                    + " behind the engine's back, and prints the chain's head (keep it elsewhere to detect a cut end).")
    static final class Verify implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try (IntegrityEngine engine = EngineStarter.start(spec)) {
                AuditVerification v = engine.audit().verify(AuditActor.reader());
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    ObjectNode root = JSON.createObjectNode().put("intact", v.intact()).put("entries", v.entries());
                    v.firstBadId().ifPresentOrElse(id -> root.put("firstBadId", id), () -> root.putNull("firstBadId"));
                    v.problem().ifPresentOrElse(p -> root.put("problem", p), () -> root.putNull("problem"));
                    v.headId().ifPresentOrElse(id -> root.put("headId", id), () -> root.putNull("headId"));
                    v.headHash().ifPresentOrElse(h -> root.put("headHash", h), () -> root.putNull("headHash"));
                    out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
                } else if (v.intact()) {
                    out.printf("Audit trail intact: %,d entr%s verified.%s%n", v.entries(), v.entries() == 1 ? "y" : "ies",
                            v.headId().map(id -> " Head: entry " + id + ", hash " + v.headHash().orElse("?") + ".").orElse(""));
                } else {
                    out.printf("Audit trail BROKEN at entry %d: %s. Entries before it are intact; restore the trail from a backup"
                            + " or investigate who changed the database.%n", v.firstBadId().get(), v.problem().orElse("?"));
                }
                out.flush();
                return v.intact() ? ExitCodes.OK : ExitCodes.FINDINGS;
            }
        }
    }

    /** {@code audit list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Entries, newest first.")
    static final class ListEntries implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--actor", paramLabel = "NAME", description = "Only this actor's actions.")
        String actor;

        @Option(names = "--action", paramLabel = "ACTION", description = "Only this action, e.g. saga.retry, or a prefix with *: cache.*")
        String action;

        @Option(names = "--target", paramLabel = "ID", description = "Only actions on this target id (a saga id, a user id…).")
        String target;

        @Option(names = "--since", paramLabel = "DURATION", converter = SagaArguments.Since.class,
                description = "Only entries within this look-back: 30s, 15m, 2h, 7d, 2w.")
        Duration since;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N entries, 1 to 10000 (default ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (limit < 1 || limit > 10_000) {
                spec.commandLine().getErr().println("error: --limit takes 1 to 10000, not " + limit + ".");
                return ExitCodes.USAGE;
            }
            try (IntegrityEngine engine = EngineStarter.start(spec)) {
                List<AuditEntry> entries = engine.audit().list(AuditActor.reader(), Optional.ofNullable(actor), Optional.ofNullable(action),
                        Optional.ofNullable(target), Optional.ofNullable(since).map(d -> engine.clock().instant().minus(d)), limit);
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    ArrayNode array = JSON.createArrayNode();
                    for (AuditEntry e : entries) {
                        ObjectNode n = array.addObject().put("id", e.id()).put("occurredAt", e.occurredAt().toString())
                                .put("actor", e.actor()).put("action", e.action());
                        n.put("targetType", e.targetType().orElse(null)).put("targetId", e.targetId().orElse(null));
                        n.set("before", e.before().orElse(null));
                        n.set("after", e.after().orElse(null));
                        n.put("details", e.details().orElse(null)).put("hash", e.hash());
                    }
                    out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.createObjectNode().set("entries", array)));
                } else if (entries.isEmpty()) {
                    out.println("No audit entries match.");
                } else {
                    out.printf("%-8s %-20s %-16s %-18s %-40s %s%n", "id", "when (UTC)", "actor", "action", "target", "details");
                    for (AuditEntry e : entries) {
                        // Control and bidirectional characters stored before they were refused are shown as \\u202E, never sent to the terminal.
                        out.printf("%-8d %-20s %-16s %-18s %-40s %s%n", e.id(), e.occurredAt().toString().substring(0, 19).replace('T', ' '),
                                ControlCharacters.escape(e.actor()), ControlCharacters.escape(e.action()),
                                ControlCharacters.escape(e.targetType().map(t -> t + " " + e.targetId().orElse("")).orElse("-")),
                                ControlCharacters.escape(e.details().orElse("")));
                    }
                }
                out.flush();
            }
            return ExitCodes.OK;
        }
    }
}
