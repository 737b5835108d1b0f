package org.nstcg.integrity.console.viewmodel.repairs;

import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.integrity.CheckRun;
import org.nstcg.integrity.engine.integrity.Finding;
import org.nstcg.integrity.engine.integrity.RunSummary;
import org.nstcg.integrity.engine.repair.RepairPlan;
import org.nstcg.integrity.engine.support.ProgressListener;

/**
 * The engine calls of the repairs screen; the console passes the engine's (each checked with the signed-in user's
 * permission, runs and repairs audited under their name), tests a fake. Methods that read or write are only called
 * off the FX thread.
 */
public interface RepairsSource {

    /** A check of the suite: its name, severity label and what it looks for. */
    record CheckInfo(String name, String severity, String description) {
    }

    /** The repair offered for a check's findings. */
    record RepairInfo(String kind, String description) {
    }

    /** The suite's checks, in order; no I/O. */
    List<CheckInfo> checks();

    /** The repair for a check's findings, if one is on offer; no I/O. */
    Optional<RepairInfo> repairFor(String check);

    /** Stored runs, newest first. */
    List<RunSummary> history(int limit);

    /** The findings one check stored in one run, in the order found. */
    List<Finding> findings(long runId, String check, int limit);

    /** Runs the checks now (all of them when {@code only} is empty), stored and audited. */
    CheckRun run(List<String> only, ProgressListener progress);

    /** What the repair would change now; writes nothing. */
    RepairPlan preview(String kind);

    /** Applies the repair, audited with {@code reason}. */
    RepairPlan apply(String kind, String reason);
}
