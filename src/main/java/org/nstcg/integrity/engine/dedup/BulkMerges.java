package org.nstcg.integrity.engine.dedup;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.nstcg.integrity.engine.account.AccessDeniedException;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.support.BulkPreview;
import org.nstcg.integrity.engine.support.BulkResult;
import org.nstcg.integrity.engine.support.BulkResult.Outcome;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.engine.support.Reasons;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges several pairs of duplicate users at once (support's "Merge selected" of exact duplicates): a preview of
 * every merge, then the merges one by one.
 *
 * <p>Design notes: each pair is merged by {@link MergeService#merge}, its own saga with its own audit entry, which
 * also names the run's bulk id. A pair whose merge no longer applies when its turn comes (one of the users was merged
 * meanwhile, or by an earlier pair of the same run) is refused by the merge before anything changes, and reported as
 * skipped with the merge's reason. The permission is checked before anything runs and again by every merge.
 */
public final class BulkMerges {

    private static final Logger log = LoggerFactory.getLogger(BulkMerges.class);

    private final MergeService merges;

    BulkMerges(MergeService merges) {
        this.merges = merges;
    }

    /**
     * What merging each pair would do, in order; a pair that cannot be merged is listed as left alone, with why.
     * Writes nothing.
     *
     * @throws AccessDeniedException when {@code by} may not merge users
     */
    public BulkPreview<MergePair> preview(Actor by, List<MergePair> pairs) {
        by.authorize(Permission.MERGE_USERS);
        requireSize(pairs);
        List<BulkPreview.Item<MergePair>> items = new ArrayList<>();
        for (MergePair pair : pairs) {
            MergeOutcome preview = merges.preview(by, pair.survivorId(), pair.duplicateId());
            if (preview instanceof MergeOutcome.Previewed p) {
                items.add(new BulkPreview.Item<>(pair, label(p.plan()), plan(p.plan()), true));
            } else {
                items.add(new BulkPreview.Item<>(pair, pair.label(), "left alone: " + why(preview), false));
            }
        }
        return new BulkPreview<>("merge", items, false);
    }

    /**
     * Merges each pair in order (normally {@link BulkPreview#keys()} of a preview), each with its own audit entry
     * carrying {@code reason} and the run's bulk id. Stops before the next pair once {@code cancelled} says so.
     *
     * @throws AccessDeniedException when {@code by} may not merge users (nothing was done)
     * @throws EngineException       when the reason is blank or not acceptable (nothing was done)
     */
    public BulkResult<MergePair> run(Actor by, List<MergePair> pairs, String reason, ProgressListener progress, BooleanSupplier cancelled) {
        by.authorize(Permission.MERGE_USERS);
        if (reason == null || reason.isBlank()) {
            throw new EngineException("A bulk merge needs a reason: say why these users are the same people.");
        }
        Reasons.check(reason);
        requireSize(pairs);
        String why = reason.strip();
        UUID bulkId = UUID.randomUUID();
        List<BulkResult.Item<MergePair>> results = new ArrayList<>();
        int total = pairs.size();
        boolean stopped = false;
        String notRun = "not run: the merges were cancelled before this one";
        for (int i = 0; i < total; i++) {
            MergePair pair = pairs.get(i);
            if (!stopped && cancelled.getAsBoolean()) {
                stopped = true;
            }
            if (stopped) {
                results.add(new BulkResult.Item<>(pair, pair.label(), Outcome.NOT_RUN, notRun));
                continue;
            }
            progress.progress("Merging pair " + (i + 1) + " of " + total + "…", i, total);
            try {
                MergeOutcome outcome = merges.merge(pair.survivorId(), pair.duplicateId(), by, why, bulkId);
                results.add(ended(pair, outcome));
            } catch (AccessDeniedException e) {
                results.add(new BulkResult.Item<>(pair, pair.label(), Outcome.FAILED, e.getMessage()));
                stopped = true;
                notRun = "not run: " + e.getMessage();
            } catch (EngineException e) {
                results.add(new BulkResult.Item<>(pair, pair.label(), Outcome.FAILED, e.getMessage()));
            } catch (RuntimeException e) {
                log.error("Bulk merge {}: {} failed unexpectedly", bulkId, pair.label(), e);
                results.add(new BulkResult.Item<>(pair, pair.label(), Outcome.FAILED, "an unexpected error; the log file has the details"));
            }
        }
        BulkResult<MergePair> result = new BulkResult<>(bulkId, "merge", results, results.stream().anyMatch(r -> r.outcome() == Outcome.NOT_RUN));
        progress.progress("Merging finished: " + result.count(Outcome.DONE) + " of " + total + " done.", total, total);
        log.info("Bulk merge {}: {} done, {} skipped, {} failed, {} not run", bulkId, result.count(Outcome.DONE),
                result.count(Outcome.SKIPPED), result.count(Outcome.FAILED), result.count(Outcome.NOT_RUN));
        return result;
    }

    private static BulkResult.Item<MergePair> ended(MergePair pair, MergeOutcome outcome) {
        if (outcome instanceof MergeOutcome.Merged m) {
            return new BulkResult.Item<>(pair, pair.label(), Outcome.DONE, "merged (merge " + m.mergeId() + ")");
        }
        if (outcome instanceof MergeOutcome.Refused r) {
            return new BulkResult.Item<>(pair, pair.label(), Outcome.SKIPPED, r.reason());
        }
        if (outcome instanceof MergeOutcome.RolledBack r) {
            return new BulkResult.Item<>(pair, pair.label(), Outcome.FAILED, r.message());
        }
        if (outcome instanceof MergeOutcome.Unfinished u) {
            return new BulkResult.Item<>(pair, pair.label(), Outcome.FAILED, u.message());
        }
        throw new IllegalStateException("a merge ended as " + outcome);
    }

    private static String label(MergePlan plan) {
        return "user " + plan.duplicate().id() + " (" + plan.duplicate().email() + ") into user " + plan.survivor().id()
                + " (" + plan.survivor().email() + ")";
    }

    private static String plan(MergePlan plan) {
        int codes = plan.codesBecomingAliases().size();
        int referred = plan.referralsRepointed().size();
        return "merge: moves " + count(plan.pointsMoved(), "point", "points") + " and " + count(referred, "referred user", "referred users")
                + "; " + count(codes, "code becomes an alias", "codes become aliases");
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    private static String why(MergeOutcome outcome) {
        return outcome instanceof MergeOutcome.Refused r ? r.reason() : "it cannot be merged now";
    }

    private static void requireSize(List<MergePair> pairs) {
        if (pairs.size() > BulkPreview.MAX_ITEMS) {
            throw new EngineException("A bulk merge takes at most " + BulkPreview.MAX_ITEMS + " pairs, not " + pairs.size() + ".");
        }
    }
}
