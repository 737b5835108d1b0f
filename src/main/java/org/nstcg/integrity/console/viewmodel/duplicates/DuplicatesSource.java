package org.nstcg.integrity.console.viewmodel.duplicates;

import java.util.List;
import java.util.function.BooleanSupplier;
import org.nstcg.integrity.engine.dedup.MergePair;
import org.nstcg.integrity.engine.support.BulkPreview;
import org.nstcg.integrity.engine.support.BulkResult;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.engine.dedup.DuplicateCandidate;
import org.nstcg.integrity.engine.lookup.DuplicateAlerts;

/** The engine calls the Duplicates screen makes (the engine checks the permission on each). */
public interface DuplicatesSource {

    /** The duplicate findings of the latest integrity check run. */
    DuplicateAlerts.Report alerts();

    /** Whether the signed-in user may apply repairs (and so fold a held legacy row in); support may not. */
    default boolean mayApplyRepairs() {
        return false;
    }

    /** A page of exact duplicates (the same mailbox). */
    List<DuplicateCandidate> exact(int offset, int limit);

    /** A page of likely duplicates, best first. */
    List<DuplicateCandidate> likely(int offset, int limit);

    /** What merging each pair would do, as the signed-in user (who must be allowed to merge); writes nothing. */
    BulkPreview<MergePair> mergePreview(List<MergePair> pairs);

    /** Merges each pair with one reason, as the signed-in user; stops before the next once cancelled. */
    BulkResult<MergePair> mergeRun(List<MergePair> pairs, String reason, ProgressListener progress, BooleanSupplier cancelled);
}
