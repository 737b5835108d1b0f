package org.nstcg.integrity.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.dedup.UnmergeOutcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code unmerge ID}: undoes the merge of user ID, exactly. */
@Command(name = "unmerge", mixinStandardHelpOptions = true,
        description = "Undoes the merge of user ID into its survivor: its codes, referrals, points (through reversing ledger"
                + " entries) and referral count come back and it is active again. Audited.%n"
                + "Exit codes: 0 unmerged, 2 a server is unreachable, 3 refused (unknown user, not merged, the survivor was"
                + " merged since, the mailbox is taken again), 64 bad command line.")
final class UnmergeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The user that was merged (the duplicate).")
    long userId;

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
        UnmergeOutcome o;
        try (IntegrityEngine engine = EngineStarter.start(spec)) {
            o = engine.dedup().merges().unmerge(userId, who.actor(engine), reason == null || reason.isBlank() ? null : reason.strip());
        }
        if (o instanceof UnmergeOutcome.Refused r) {
            err.println("error: cannot unmerge user " + userId + ": " + r.reason() + ".");
            return ExitCodes.NOT_APPLICABLE;
        }
        UnmergeOutcome.Unmerged u = (UnmergeOutcome.Unmerged) o;
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode root = MergeCommand.JSON.valueToTree(u);
            out.println(MergeCommand.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } else {
            out.println("Unmerged user " + u.userId() + " from user " + u.survivorId() + " (merge " + u.mergeId() + "): "
                    + counted(u.pointsReturned(), "point", "points") + ", " + counted(u.referralsReturned(), "referred user", "referred users")
                    + " and " + counted(u.codesReturned(), "referral code", "referral codes") + " returned.");
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** "1 point", "30 points". */
    static String counted(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
