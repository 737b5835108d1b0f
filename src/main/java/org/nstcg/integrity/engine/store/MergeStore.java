package org.nstcg.integrity.engine.store;

import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The SQL of merging two users and of undoing a merge. Each method is one step of the merge saga (or of its
 * compensation, or of unmerge) in the caller's transaction; what a step changes it records in its
 * {@code user_merges} row, and undoing reads it back from there, so the undo puts back exactly what was changed.
 *
 * <p>Design notes: every method runs on the caller's {@link Tx} (a saga step's, or unmerge's transaction).
 */
public final class MergeStore {

    /** A user as a merge sees it. */
    public record UserState(long id, String status, Long mergedInto, String email, String emailNormalized, String firstName,
                            String lastName, Long referredBy, boolean hasProfile, int points, int referralCount) {
    }

    /** A code and its kind. */
    public record CodeKind(String code, String kind) {
    }

    /** A merge row. */
    public record MergeRow(long id, UUID sagaId, long survivorId, long mergedId, String status, int pointsMoved, int referralCountMoved,
                           List<Long> referralsMoved, Long survivorReferredBy, String codesMovedJson) {
    }

    public Optional<UserState> user(Tx tx, long id, boolean lock) {
        return tx.first("SELECT u.id, u.status, u.merged_into, u.email, u.email_normalized, u.first_name,"
                + " u.last_name, u.referred_by, gp.user_id IS NOT NULL, coalesce(gp.points, 0), coalesce(gp.referral_count, 0)"
                + " FROM users u LEFT JOIN profile_totals gp ON gp.user_id = u.id WHERE u.id = ?" + (lock ? " FOR UPDATE OF u" : ""),
                r -> new UserState(r.getLong(1), r.getString(2), r.getLongOrNull(3), r.getString(4), r.getString(5),
                        r.getString(6), r.getString(7), r.getLongOrNull(8), r.getBoolean(9), r.getInt(10), r.getInt(11)), id);
    }

    /** Locks both users' rows in id order (so two merges of the same users cannot deadlock). */
    public void lockUsers(Tx tx, long a, long b) {
        tx.list("SELECT id FROM users WHERE id IN (?, ?) ORDER BY id FOR UPDATE", r -> r.getLong(1), a, b);
    }

    public List<Long> referredBy(Tx tx, long userId, long except) {
        return tx.list("SELECT id FROM users WHERE referred_by = ? AND id <> ? ORDER BY id", r -> r.getLong(1), userId, except);
    }

    public List<CodeKind> codes(Tx tx, long userId) {
        return tx.list("SELECT code, kind FROM referral_codes WHERE user_id = ? ORDER BY issued_at, code",
                r -> new CodeKind(r.getString(1), r.getString(2)), userId);
    }

    /** Step RecordMerge: the merge's row, status merging; a user merged by a live merge already fails the unique index. */
    public long insertMerge(Tx tx, UUID sagaId, long survivorId, long mergedId, String actor, String reason) {
        return tx.singleLong("INSERT INTO user_merges (saga_id, survivor_id, merged_id, status, actor, reason)"
                + " VALUES (?, ?, ?, 'merging', ?, ?) RETURNING id", sagaId, survivorId, mergedId, actor, reason);
    }

    /** Compensation of RecordMerge. */
    public void rollBackMerge(Tx tx, UUID sagaId) {
        tx.update("UPDATE user_merges SET status = 'rolled_back' WHERE saga_id = ? AND status = 'merging'", sagaId);
    }

    /** Step RepointCodes: every code of the merged user becomes an alias of the survivor; returns them with their old kinds. */
    public List<CodeKind> repointCodes(Tx tx, UUID sagaId) {
        return tx.list("WITH m AS (SELECT survivor_id, merged_id FROM user_merges WHERE saga_id = ? AND status = 'merging'),"
                + " old AS (SELECT r.code, r.kind FROM referral_codes r, m WHERE r.user_id = m.merged_id FOR UPDATE OF r),"
                + " upd AS (UPDATE referral_codes r SET user_id = m.survivor_id, kind = 'alias' FROM m, old WHERE r.code = old.code"
                + " RETURNING r.code, old.kind),"
                + " rec AS (UPDATE user_merges SET codes_moved = (SELECT coalesce(jsonb_agg(jsonb_build_object('code', code, 'kind', kind)"
                + " ORDER BY code), '[]'::jsonb) FROM upd) WHERE saga_id = ?)"
                + " SELECT code, kind FROM upd ORDER BY code", r -> new CodeKind(r.getString(1), r.getString(2)), sagaId, sagaId);
    }

    /** Compensation of RepointCodes, and unmerge's: each recorded code goes back to the merged user with its old kind. */
    public int restoreCodes(Tx tx, long mergeId) {
        return tx.update("UPDATE referral_codes r SET user_id = m.merged_id, kind = x.kind"
                + " FROM user_merges m, jsonb_to_recordset(m.codes_moved) AS x(code TEXT, kind TEXT)"
                + " WHERE m.id = ? AND r.code = x.code AND r.user_id = m.survivor_id", mergeId);
    }

    /**
     * Step RepointReferrals (and again in the pivot, for referrals made meanwhile): users referred by the merged user
     * are now referred by the survivor; the survivor itself, if the merged user referred it, is referred by no one
     * (nobody refers themselves). Appends what it changed to the merge row; returns how many users it re-pointed.
     */
    public int repointReferrals(Tx tx, UUID sagaId) {
        int n = tx.first("WITH m AS (SELECT id, survivor_id, merged_id FROM user_merges WHERE saga_id = ? AND status = 'merging'),"
                + " moved AS (UPDATE users u SET referred_by = m.survivor_id FROM m WHERE u.referred_by = m.merged_id AND u.id <> m.survivor_id RETURNING u.id)"
                + " UPDATE user_merges um SET referrals_moved = um.referrals_moved || ARRAY(SELECT id FROM moved ORDER BY id)"
                + " FROM m WHERE um.id = m.id RETURNING cardinality(ARRAY(SELECT id FROM moved))", r -> r.getInt(1), sagaId).orElse(0);
        tx.update("WITH m AS (SELECT id, survivor_id, merged_id FROM user_merges WHERE saga_id = ? AND status = 'merging'),"
                + " s AS (UPDATE users u SET referred_by = NULL FROM m WHERE u.id = m.survivor_id AND u.referred_by = m.merged_id RETURNING m.merged_id)"
                + " UPDATE user_merges um SET survivor_referred_by = s.merged_id FROM m, s WHERE um.id = m.id", sagaId);
        return n;
    }

    /** Compensation of RepointReferrals, and unmerge's. */
    public void restoreReferrals(Tx tx, long mergeId) {
        tx.update("UPDATE users u SET referred_by = m.merged_id FROM user_merges m"
                + " WHERE m.id = ? AND u.id = ANY (m.referrals_moved) AND u.referred_by = m.survivor_id", mergeId);
        tx.update("UPDATE users u SET referred_by = m.survivor_referred_by FROM user_merges m"
                + " WHERE m.id = ? AND m.survivor_referred_by IS NOT NULL AND u.id = m.survivor_id AND u.referred_by IS NULL", mergeId);
        tx.update("UPDATE user_merges SET referrals_moved = '{}', survivor_referred_by = NULL"
                + " WHERE id = ? AND status = 'merging'", mergeId);
    }

    /**
     * The pivot: moves the merged user's points (a negative ledger entry on it, a positive one on the survivor, keyed
     * by the saga) and its referral count, marks it merged into the survivor, and the merge done.
     *
     * @throws StoreException (without SQL state) when the merged user is no longer active
     */
    public void moveAndMark(Tx tx, UUID sagaId, long mergeId, long survivorId, long mergedId, int points, int referralCount) {
        if (points > 0) {
            tx.update("INSERT INTO points_ledger (user_id, delta, reason, idempotency_key, saga_id)"
                    + " VALUES (?, ?, 'merge', ?, ?), (?, ?, 'merge', ?, ?)",
                    mergedId, -points, "merge:" + sagaId + ":out", sagaId, survivorId, points, "merge:" + sagaId + ":in", sagaId);
        }
        movePoints(tx, mergedId, survivorId, points, referralCount);
        if (tx.update("UPDATE users SET status = 'merged', merged_into = ? WHERE id = ? AND status = 'active'", survivorId, mergedId) != 1) {
            // object_not_in_prerequisite_state: a refused step, not an outage (StoreException.isConnectionFailure is false)
            throw StoreException.of(new SQLException("user " + mergedId + " is no longer active", "55000"));
        }
        tx.update("UPDATE user_merges SET status = 'merged', merged_at = now(), points_moved = ?,"
                + " referral_count_moved = ? WHERE id = ? AND status = 'merging'", points, referralCount, mergeId);
    }

    /** Moves the referral count; the points moved with the ledger entries written just before (V14 applies them). */
    private static void movePoints(Tx tx, long from, long to, int points, int referralCount) {
        if (referralCount == 0) {
            return;
        }
        ProfileCredits.fold(tx, from); // the count taken from it may be partly in its stripes (V17)
        tx.update("UPDATE gamification_profiles"
                + " SET referral_count = referral_count + CASE WHEN user_id = ? THEN -? ELSE ? END WHERE user_id IN (?, ?)",
                from, referralCount, referralCount, from, to);
    }

    public Optional<MergeRow> liveMergeOf(Tx tx, long mergedId, boolean lock) {
        return merge(tx, "merged_id = ? AND status = 'merged'", mergedId, lock);
    }

    public Optional<MergeRow> mergeBySaga(Tx tx, UUID sagaId) {
        Optional<Long> id = tx.first("SELECT id FROM user_merges WHERE saga_id = ?", r -> r.getLong(1), sagaId);
        return id.isEmpty() ? Optional.empty() : merge(tx, "id = ?", id.get(), false);
    }

    private static Optional<MergeRow> merge(Tx tx, String where, long arg, boolean lock) {
        return tx.first("SELECT id, saga_id, survivor_id, merged_id, status, points_moved, referral_count_moved,"
                + " referrals_moved, survivor_referred_by, codes_moved::text FROM user_merges WHERE " + where + (lock ? " FOR UPDATE" : ""),
                r -> new MergeRow(r.getLong(1), r.getUuid(2), r.getLong(3), r.getLong(4), r.getString(5),
                        r.getInt(6), r.getInt(7), r.getLongs(8), r.getLongOrNull(9), r.getString(10)), arg);
    }

    /** The active user holding a mailbox, if any. */
    public Optional<Long> activeUserWithMailbox(Tx tx, String mailbox) {
        return tx.first("SELECT id FROM users WHERE email_normalized = ? AND status = 'active'", r -> r.getLong(1), mailbox);
    }

    /**
     * Unmerge, in the caller's transaction: codes and referrals back, points back through reversing ledger entries
     * (the ledger is append-only), the referral count back, the merged user active again, the merge row unmerged.
     */
    public void unmerge(Tx tx, MergeRow m, String actor) {
        restoreCodes(tx, m.id());
        restoreReferrals(tx, m.id());
        if (m.pointsMoved() > 0) {
            tx.update("INSERT INTO points_ledger (user_id, delta, reason, idempotency_key)"
                    + " VALUES (?, ?, 'unmerge', ?), (?, ?, 'unmerge', ?)",
                    m.mergedId(), m.pointsMoved(), "unmerge:" + m.id() + ":in", m.survivorId(), -m.pointsMoved(), "unmerge:" + m.id() + ":out");
        }
        movePoints(tx, m.survivorId(), m.mergedId(), m.pointsMoved(), m.referralCountMoved());
        tx.update("UPDATE users SET status = 'active', merged_into = NULL WHERE id = ? AND status = 'merged'", m.mergedId());
        tx.update("UPDATE user_merges SET status = 'unmerged', unmerged_at = now(), unmerged_by = ? WHERE id = ?", actor, m.id());
    }
}
