package org.nstcg.integrity.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.dedup.DuplicateCandidate;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code duplicates list}: users that may be one person. */
@Command(name = "duplicates", mixinStandardHelpOptions = true,
        description = "Duplicate users: exact (the same normalised mailbox: legacy rows held at import, merged or archived"
                + " users) and likely (similar names and mailbox names across providers), ranked by score with reasons.%n"
                + "Exit codes: 0 done (whether or not duplicates were found), 2 a server is unreachable, 64 bad command line.",
        subcommands = {DuplicatesCommand.ListDuplicates.class})
final class DuplicatesCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code duplicates list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Pairs of records, best first: score, the two sides, the reasons. Both kinds unless one is asked for.")
    static final class ListDuplicates implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        static final class Kind {
            @Option(names = "--exact", description = "Only exact duplicates (the same mailbox).")
            boolean exact;
            @Option(names = "--likely", description = "Only likely duplicates (similar names and mailbox names).")
            boolean likely;
        }

        @ArgGroup(exclusive = true)
        Kind kind;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N pairs per kind, 1 to 10000 (default ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--offset", paramLabel = "N", defaultValue = "0", description = "Skip the first N pairs of each kind (paging; default 0).")
        int offset;

        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            if (limit < 1 || limit > 10_000) {
                err.println("error: --limit takes 1 to 10000, not " + limit + ".");
                return ExitCodes.USAGE;
            }
            if (offset < 0 || offset > 1_000_000) {
                err.println("error: --offset takes 0 to 1000000, not " + offset + ".");
                return ExitCodes.USAGE;
            }
            boolean exact = kind == null || kind.exact;
            boolean likely = kind == null || kind.likely;
            List<DuplicateCandidate> pairs = new ArrayList<>();
            try (IntegrityEngine engine = EngineStarter.start(spec)) {
                if (exact) {
                    pairs.addAll(engine.dedup().duplicates().exact(AuditActor.reader(engine), offset, limit));
                }
                if (likely) {
                    pairs.addAll(engine.dedup().duplicates().likely(AuditActor.reader(engine), offset, limit));
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectNode root = JSON.createObjectNode();
                root.put("offset", offset);
                root.put("limit", limit);
                ArrayNode list = root.putArray("duplicates");
                for (DuplicateCandidate d : pairs) {
                    ObjectNode n = list.addObject();
                    n.put("kind", d.kind().name().toLowerCase(Locale.ROOT));
                    n.put("score", d.score());
                    n.set("left", JSON.valueToTree(d.left()));
                    n.set("right", JSON.valueToTree(d.right()));
                    n.set("reasons", JSON.valueToTree(d.reasons()));
                }
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            } else if (pairs.isEmpty()) {
                out.println("No duplicates found" + (offset > 0 ? " after the first " + offset : "") + ".");
            } else {
                for (DuplicateCandidate d : pairs) {
                    out.printf(Locale.ROOT, "%-6s %.2f  %s <%s> %s  ~  %s <%s> %s%n", d.kind().name().toLowerCase(Locale.ROOT), d.score(),
                            d.left().label(), d.left().email(), d.left().name(), d.right().label(), d.right().email(), d.right().name());
                    out.println("              " + String.join("; ", d.reasons()));
                }
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
