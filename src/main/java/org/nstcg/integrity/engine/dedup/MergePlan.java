package org.nstcg.integrity.engine.dedup;

import java.util.List;
import org.nstcg.integrity.engine.support.Counts;

/**
 * Every change a merge would make (its preview) or made.
 *
 * @param survivor             the user that stays
 * @param duplicate            the user merged into it
 * @param pointsMoved          points moved from the duplicate to the survivor (two ledger entries)
 * @param referralCountMoved   counted referrals moved with them (all but the survivor's own, when the duplicate referred it)
 * @param referralsRepointed   users whose referrer becomes the survivor
 * @param survivorReferrerCleared true when the duplicate had referred the survivor: nobody refers themselves
 * @param codesBecomingAliases the duplicate's codes, with their kind now; each becomes an alias of the survivor
 */
public record MergePlan(UserSummary survivor, UserSummary duplicate, int pointsMoved, int referralCountMoved,
                        List<Long> referralsRepointed, boolean survivorReferrerCleared, List<CodeChange> codesBecomingAliases) {

    /** A user as shown in a plan. */
    public record UserSummary(long id, String email, String name, String status, int points, int referralCount) {
    }

    /** A code moving to the survivor as an alias. */
    public record CodeChange(String code, String kindBefore) {
    }

    /** The changes, one sentence each, in the order the merge makes them. */
    public List<String> changes() {
        List<String> lines = new java.util.ArrayList<>();
        for (CodeChange c : codesBecomingAliases) {
            lines.add("referral code " + c.code() + " (" + c.kindBefore() + " of user " + duplicate.id() + ") becomes an alias of user " + survivor.id());
        }
        lines.add(Counts.of(referralsRepointed.size(), "referred user", "referred users") + " re-pointed from user " + duplicate.id() + " to user " + survivor.id()
                + (referralsRepointed.isEmpty() ? "" : ": " + abbreviated(referralsRepointed)));
        if (survivorReferrerCleared) {
            lines.add("user " + survivor.id() + " was referred by user " + duplicate.id() + ": its referrer is cleared");
        }
        lines.add(Counts.of(pointsMoved, "point", "points") + " moved from user " + duplicate.id() + " (" + duplicate.points() + " → " + (duplicate.points() - pointsMoved)
                + ") to user " + survivor.id() + " (" + survivor.points() + " → " + (survivor.points() + pointsMoved) + ") through two ledger entries");
        lines.add(Counts.of(referralCountMoved, "counted referral", "counted referrals") + " moved (user " + survivor.id() + ": " + survivor.referralCount() + " → "
                + (survivor.referralCount() + referralCountMoved) + ")");
        lines.add("user " + duplicate.id() + " status " + duplicate.status() + " → merged into " + survivor.id());
        return lines;
    }

    private static String abbreviated(List<Long> ids) {
        List<String> shown = ids.stream().limit(20).map(String::valueOf).toList();
        return String.join(", ", shown) + (ids.size() > 20 ? " … (" + (ids.size() - 20) + " more)" : "");
    }
}
