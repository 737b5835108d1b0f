package org.nstcg.integrity.engine.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Striped profile credits (V17, decision record 0007). A profile's points and referral count are its
 * {@code gamification_profiles} row plus its {@code profile_credit_stripes}, where credits go while another
 * transaction holds the row; readers read the view {@code profile_totals} (user_id, points, referral_count, version,
 * updated_at, created_at, created_by_saga: row and stripes together). A debit must first fold the stripes into the row, so
 * the row alone can take it: the ledger trigger does so for points, and {@link #fold} is for the code that takes a
 * referral count back.
 */
public final class ProfileCredits {

    private ProfileCredits() {
    }

    /**
     * Active users whose referral count (row and stripes) differs from the number of users they referred, whatever
     * those users' status now and whether or not their registration saga has recorded its completion yet (the user row
     * and the referrer's count commit in one statement, decision record 0007): columns {@code user_id},
     * {@code referral_count}, {@code referred}. The {@code referral-count} check reports exactly these rows and its
     * repair sets exactly these counts, so the two cannot disagree (RepairsMatchTheirChecksIT).
     */
    public static final String REFERRAL_COUNT_MISMATCHES = "SELECT p.user_id, p.referral_count, coalesce(r.n, 0) AS referred"
            + " FROM profile_totals p JOIN users ru ON ru.id = p.user_id AND ru.status = 'active'"
            + " LEFT JOIN (SELECT u.referred_by AS id, count(*) AS n FROM users u WHERE u.referred_by IS NOT NULL"
            + " GROUP BY u.referred_by) r ON r.id = p.user_id"
            + " WHERE p.referral_count <> coalesce(r.n, 0)";

    /** Moves the stripes of these users into their profile rows, locking the rows first; totals are unchanged. */
    public static void fold(Tx tx, long... userIds) {
        tx.single("SELECT fold_profile_credits(?::bigint[])", r -> Boolean.TRUE, Tx.bigints(userIds));
    }

    /** Locks the profile rows of the users a query selects, in id order, as a repair does before reading their figures. */
    public static void lockRows(Tx tx, String userIdQuery) {
        tx.list("SELECT 1 FROM gamification_profiles WHERE user_id IN (" + userIdQuery + ") ORDER BY user_id FOR NO KEY UPDATE",
                r -> Boolean.TRUE);
    }

    /**
     * For a repair that sets a figure on rows it has locked ({@link #lockRows}): zeroes {@code column}
     * ({@code points} or {@code referral_count}) in the stripes of the users a query selects, so the row alone holds
     * that figure and can be set to the right value (a direct change of striped points is checked against the
     * ledger at commit).
     */
    public static void clearStripes(Tx tx, String column, String userIdQuery) {
        if (!column.equals("points") && !column.equals("referral_count")) {
            throw new IllegalArgumentException("not a striped figure: " + column);
        }
        tx.update("UPDATE profile_credit_stripes SET " + column + " = 0 WHERE " + column + " <> 0 AND user_id IN (" + userIdQuery + ")");
    }
}
