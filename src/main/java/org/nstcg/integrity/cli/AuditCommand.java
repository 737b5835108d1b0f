package org.nstcg.integrity.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.nstcg.integrity.engine.support.DeepLink;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.audit.AuditAnchor;
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
                + "Exit codes: 0 done (verify: intact), 1 verify found the trail broken or could not check its seals, 2 server unreachable, 64 bad command line.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Anchor.class, AuditCommand.ListEntries.class})
final class AuditCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code audit verify}. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Checks the whole trail: recomputes every entry's hash and checks every link, checks every entry's seal"
                    + " against the deployment's audit key (audit.key-file), and checks the anchors of this deployment in the"
                    + " anchor file (audit.anchor-file), in --anchors files and in --expect; names the first entry changed, removed,"
                    + " inserted or cut from the end behind the engine's back, and prints the head as ID:HASH (keep it elsewhere).")
    static final class Verify implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;

        @Option(names = "--expect", paramLabel = "ID:HASH",
                description = "An anchor kept elsewhere, as verify or anchor printed it: entry ID must still exist with HASH (repeatable).")
        List<String> expect = new ArrayList<>();

        @Option(names = "--anchors", paramLabel = "FILE",
                description = "Another anchor file (a copy of audit.anchor-file kept elsewhere): each anchor of this deployment in it must hold (repeatable).")
        List<Path> anchorFiles = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            List<AuditAnchor> expected = new ArrayList<>();
            for (String e : expect) {
                try {
                    expected.add(AuditAnchor.parse(e, "--expect " + e));
                } catch (IllegalArgumentException ex) {
                    spec.commandLine().getErr().println("error: --expect: " + ex.getMessage() + ".");
                    return ExitCodes.USAGE;
                }
            }
            for (Path f : anchorFiles) {
                if (!Files.isRegularFile(f)) {
                    spec.commandLine().getErr().println("error: --anchors " + f + ": no such file.");
                    return ExitCodes.USAGE;
                }
            }
            try (IntegrityEngine engine = EngineStarter.start(spec)) {
                for (Path f : anchorFiles) {
                    expected.addAll(engine.audit().anchorsIn(f));
                }
                AuditVerification v = engine.audit().verify(AuditActor.reader(engine), expected);
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    ObjectNode root = JSON.createObjectNode().put("intact", v.intact()).put("entries", v.entries());
                    v.firstBadId().ifPresentOrElse(id -> root.put("firstBadId", id), () -> root.putNull("firstBadId"));
                    v.problem().ifPresentOrElse(p -> root.put("problem", p), () -> root.putNull("problem"));
                    v.headId().ifPresentOrElse(id -> root.put("headId", id), () -> root.putNull("headId"));
                    v.headHash().ifPresentOrElse(h -> root.put("headHash", h), () -> root.putNull("headHash"));
                    root.put("sealing", v.sealing()).put("sealedEntries", v.sealedEntries()).put("anchorsChecked", v.anchorsChecked());
                    out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
                } else if (v.intact()) {
                    out.printf("Audit trail intact: %,d entr%s verified.%s%n", v.entries(), v.entries() == 1 ? "y" : "ies",
                            v.headId().map(id -> " Head: " + id + ":" + v.headHash().orElse("?") + " (keep it elsewhere; check it later with --expect).").orElse(""));
                    out.println(v.sealing()
                            ? String.format("Seals: %,d entr%s sealed with the deployment's audit key. Anchors: %d checked.",
                                    v.sealedEntries(), v.sealedEntries() == 1 ? "y" : "ies", v.anchorsChecked())
                            : String.format("Seals: none yet (no console or server has registered an audit key). Anchors: %d checked.",
                                    v.anchorsChecked()));
                } else if (v.firstBadId().isPresent()) {
                    out.printf("Audit trail BROKEN at entry %d: %s. Restore the trail from a backup and investigate who changed"
                            + " the database.%n", v.firstBadId().get(), v.problem().orElse("?"));
                } else {
                    out.printf("Audit trail NOT VERIFIED: %s%n", v.problem().orElse("?"));
                }
                out.flush();
                return v.intact() ? ExitCodes.OK : ExitCodes.FINDINGS;
            }
        }
    }

    /** {@code audit anchor}. */
    @Command(name = "anchor", mixinStandardHelpOptions = true,
            description = "Writes the trail's head to the anchor file (audit.anchor-file) and the outbox now, as consoles and servers"
                    + " do every audit.anchor-interval, and prints it as ID:HASH: keep that line somewhere the database's users"
                    + " cannot reach, and check it later with audit verify --expect.")
    static final class Anchor implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (IntegrityEngine engine = EngineStarter.start(spec)) {
                PrintWriter out = spec.commandLine().getOut();
                Optional<AuditAnchor> anchor = engine.audit().anchor(AuditActor.reader(engine));
                anchor.ifPresentOrElse(a -> out.println(a.text()), () -> out.println("The audit trail is empty: nothing to anchor."));
                out.flush();
                return ExitCodes.OK;
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
                List<AuditEntry> entries = engine.audit().list(AuditActor.reader(engine), Optional.ofNullable(actor), Optional.ofNullable(action),
                        Optional.ofNullable(target), Optional.ofNullable(since).map(d -> engine.clock().instant().minus(d)), limit);
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    ArrayNode array = JSON.createArrayNode();
                    for (AuditEntry e : entries) {
                        ObjectNode n = array.addObject().put("id", e.id()).put("link", DeepLink.audit(e.id()).text())
                                .put("occurredAt", e.occurredAt().toString())
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
                    // the actor column as wide as its longest name (a CLI actor carries its OS user and label), at most 60
                    int width = Math.min(60, Math.max(16, entries.stream().mapToInt(e -> ControlCharacters.escape(e.actor()).length()).max().orElse(0)));
                    String row = "%-8s %-20s %-" + width + "s %-18s %-40s %s%n";
                    out.printf(row, "id", "when (UTC)", "actor", "action", "target", "details");
                    for (AuditEntry e : entries) {
                        // Control and bidirectional characters stored before they were refused are shown as \\u202E, never sent to the terminal.
                        out.printf(row.replaceFirst("%-8s", "%-8d"), e.id(), e.occurredAt().toString().substring(0, 19).replace('T', ' '),
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
