package org.nstcg.integrity.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.dedup.ImportResult;
import org.nstcg.integrity.engine.dedup.LegacyColumns;
import org.nstcg.integrity.engine.dedup.LegacyImportException;
import org.nstcg.integrity.engine.support.Durations;
import org.nstcg.integrity.engine.support.ProgressListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code import FILE.csv}: imports legacy users, keeping duplicates and conflicting codes aside for repair. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Imports legacy users from a UTF-8 CSV file whose first line is the header"
                + " email,first_name,last_name,referral_code,points,referred_by_code,created_at (any order; email and"
                + " first_name required). Rows whose mailbox or referral code collides with an existing user or an earlier"
                + " row are held in legacy_users (see duplicates list --exact), bad rows are reported by line, the rest"
                + " become users. All or nothing: a failed import leaves nothing. Progress goes to standard error.%n"
                + "Exit codes: 0 every row imported, 1 imported but some rows were bad or held, 2 a server is unreachable,"
                + " 4 the file cannot be imported (missing, not UTF-8, wrong header, a NUL byte, a field over 4,096 or a row over"
                + " 65,536 characters: the error names the line), 64 bad command line.")
final class ImportCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE.csv", description = "The legacy users file.")
    Path file;

    @Mixin
    AuditActor who;

    @Option(names = "--json", description = "Print one JSON object with the result instead of text (no progress lines).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (!who.valid(spec)) {
            return ExitCodes.USAGE;
        }
        ProgressListener progress = json ? ProgressListener.NONE : withSteps(new CacheRebuildCommand.TextProgress(err, System.console() != null), err);
        ImportResult r;
        try (IntegrityEngine engine = EngineStarter.start(spec)) {
            r = engine.dedup().importer().importFile(file, who.actor(engine), progress);
        } catch (LegacyImportException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.INVALID;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(r)));
        } else {
            out.printf(Locale.ROOT, "Import %d of %s: %,d rows, %,d imported, %,d held, %,d bad (%,d given fresh referral codes,"
                            + " %,d referrers not found) in %s.%n", r.importId(), r.fileName(), r.rows(), r.imported(), r.held(), r.invalid(),
                    r.codesReissued(), r.referrersUnresolved(), Durations.human(r.duration()));
            for (ImportResult.BadRow b : r.badRows()) {
                out.println("line " + b.line() + ": " + b.reason());
            }
            if (r.invalid() > r.badRows().size()) {
                out.printf(Locale.ROOT, "… and %,d more bad rows (all kept in legacy_users, import %d, status invalid).%n",
                        r.invalid() - r.badRows().size(), r.importId());
            }
            for (ImportResult.HeldRow h : r.heldRows()) {
                out.println("line " + h.line() + ": held: " + h.reason());
            }
            if (r.held() > r.heldRows().size()) {
                out.printf(Locale.ROOT, "… and %,d more held rows (see duplicates list --exact).%n", r.held() - r.heldRows().size());
            }
        }
        out.flush();
        return r.clean() ? ExitCodes.OK : ExitCodes.FINDINGS;
    }

    /** The bar while rows are read; then each phase as a line (promotion of a large file takes a while). */
    private static ProgressListener withSteps(ProgressListener bar, PrintWriter err) {
        return (message, done, total) -> {
            if (done < 0) {
                err.println(message);
                err.flush();
            } else {
                bar.progress(message, done, total);
            }
        };
    }

    static ObjectNode toJson(ImportResult r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("importId", r.importId());
        root.put("file", r.fileName());
        root.put("rows", r.rows());
        root.put("imported", r.imported());
        root.put("held", r.held());
        root.put("bad", r.invalid());
        root.put("codesReissued", r.codesReissued());
        root.put("referrersUnresolved", r.referrersUnresolved());
        root.put("durationMillis", r.duration().toMillis());
        root.put("header", LegacyColumns.documentedHeader());
        ArrayNode bad = root.putArray("badRows");
        r.badRows().forEach(b -> bad.addObject().put("line", b.line()).put("reason", b.reason()));
        ArrayNode held = root.putArray("heldRows");
        r.heldRows().forEach(h -> {
            ObjectNode n = held.addObject().put("line", h.line()).put("email", h.email()).put("reason", h.reason());
            if (h.collidesWith() != null) {
                n.put("collidesWith", h.collidesWith());
            }
        });
        return root;
    }
}
