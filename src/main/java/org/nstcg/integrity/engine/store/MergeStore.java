package org.nstcg.integrity.engine.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The SQL of merging two users and of undoing a merge. Each method is one step of the merge saga (or of its
 * compensation, or of unmerge) in the caller's transaction; what a step changes it records in its
 * {@code user_merges} row, and undoing reads it back from there, so the undo puts back exactly what was changed.
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

    public Optional<UserState> user(Connection c, long id, boolean lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT u.id, u.status, u.merged_into, u.email, u.email_normalized, u.first_name,"
                + " u.last_name, u.referred_by, gp.user_id IS NOT NULL, coalesce(gp.points, 0), coalesce(gp.referral_count, 0)"
                + " FROM users u LEFT JOIN profile_totals gp ON gp.user_id = u.id WHERE u.id = ?" + (lock ? " FOR UPDATE OF u" : ""))) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new UserState(rs.getLong(1), rs.getString(2), (Long) rs.getObject(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), (Long) rs.getObject(8), rs.getBoolean(9), rs.getInt(10), rs.getInt(11)));
            }
        }
    }

    /** Locks both users' rows in id order (so two merges of the same users cannot deadlock). */
    public void lockUsers(Connection c, long a, long b) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM users WHERE id IN (?, ?) ORDER BY id FOR UPDATE")) {
            ps.setLong(1, a);
            ps.setLong(2, b);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // locked
                }
            }
        }
    }

    public List<Long> referredBy(Connection c, long userId, long except) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM users WHERE referred_by = ? AND id <> ? ORDER BY id")) {
            ps.setLong(1, userId);
            ps.setLong(2, except);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    public List<CodeKind> codes(Connection c, long userId) throws SQLException {
        List<CodeKind> codes = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT code, kind FROM referral_codes WHERE user_id = ? ORDER BY issued_at, code")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    codes.add(new CodeKind(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return codes;
    }

    /** Step RecordMerge: the merge's row, status merging; a user merged by a live merge already fails the unique index. */
    public long insertMerge(Connection c, UUID sagaId, long survivorId, long mergedId, String actor, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO user_merges (saga_id, survivor_id, merged_id, status, actor, reason)"
                + " VALUES (?, ?, ?, 'merging', ?, ?) RETURNING id")) {
            ps.setObject(1, sagaId);
            ps.setLong(2, survivorId);
            ps.setLong(3, mergedId);
            ps.setString(4, actor);
            ps.setString(5, reason);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Compensation of RecordMerge. */
    public void rollBackMerge(Connection c, UUID sagaId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE user_merges SET status = 'rolled_back' WHERE saga_id = ? AND status = 'merging'")) {
            ps.setObject(1, sagaId);
            ps.executeUpdate();
        }
    }

    /** Step RepointCodes: every code of the merged user becomes an alias of the survivor; returns them with their old kinds. */
    public List<CodeKind> repointCodes(Connection c, UUID sagaId) throws SQLException {
        List<CodeKind> moved = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("WITH m AS (SELECT survivor_id, merged_id FROM user_merges WHERE saga_id = ? AND status = 'merging'),"
                + " old AS (SELECT r.code, r.kind FROM referral_codes r, m WHERE r.user_id = m.merged_id FOR UPDATE OF r),"
                + " upd AS (UPDATE referral_codes r SET user_id = m.survivor_id, kind = 'alias' FROM m, old WHERE r.code = old.code"
                + " RETURNING r.code, old.kind),"
                + " rec AS (UPDATE user_merges SET codes_moved = (SELECT coalesce(jsonb_agg(jsonb_build_object('code', code, 'kind', kind)"
                + " ORDER BY code), '[]'::jsonb) FROM upd) WHERE saga_id = ?)"
                + " SELECT code, kind FROM upd ORDER BY code")) {
            ps.setObject(1, sagaId);
            ps.setObject(2, sagaId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    moved.add(new CodeKind(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return moved;
    }

    /** Compensation of RepointCodes, and unmerge's: each recorded code goes back to the merged user with its old kind. */
    public int restoreCodes(Connection c, long mergeId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE referral_codes r SET user_id = m.merged_id, kind = x.kind"
                + " FROM user_merges m, jsonb_to_recordset(m.codes_moved) AS x(code TEXT, kind TEXT)"
                + " WHERE m.id = ? AND r.code = x.code AND r.user_id = m.survivor_id")) {
            ps.setLong(1, mergeId);
            return ps.executeUpdate();
        }
    }

    /**
     * Step RepointReferrals (and again in the pivot, for referrals made meanwhile): users referred by the merged user
     * are now referred by the survivor; the survivor itself, if the merged user referred it, is referred by no one
     * (nobody refers themselves). Appends what it changed to the merge row; returns how many users it re-pointed.
     */
    public int repointReferrals(Connection c, UUID sagaId) throws SQLException {
        int n;
        try (PreparedStatement ps = c.prepareStatement("WITH m AS (SELECT id, survivor_id, merged_id FROM user_merges WHERE saga_id = ? AND status = 'merging'),"
                + " moved AS (UPDATE users u SET referred_by = m.survivor_id FROM m WHERE u.referred_by = m.merged_id AND u.id <> m.survivor_id RETURNING u.id)"
                + " UPDATE user_merges um SET referrals_moved = um.referrals_moved || ARRAY(SELECT id FROM moved ORDER BY id)"
                + " FROM m WHERE um.id = m.id RETURNING cardinality(ARRAY(SELECT id FROM moved))")) {
            ps.setObject(1, sagaId);
            try (ResultSet rs = ps.executeQuery()) {
                n = rs.next() ? rs.getInt(1) : 0;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("WITH m AS (SELECT id, survivor_id, merged_id FROM user_merges WHERE saga_id = ? AND status = 'merging'),"
                + " s AS (UPDATE users u SET referred_by = NULL FROM m WHERE u.id = m.survivor_id AND u.referred_by = m.merged_id RETURNING m.merged_id)"
                + " UPDATE user_merges um SET survivor_referred_by = s.merged_id FROM m, s WHERE um.id = m.id")) {
            ps.setObject(1, sagaId);
            ps.executeUpdate();
        }
        return n;
    }

    /** Compensation of RepointReferrals, and unmerge's. */
    public void restoreReferrals(Connection c, long mergeId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE users u SET referred_by = m.merged_id FROM user_merges m"
                + " WHERE m.id = ? AND u.id = ANY (m.referrals_moved) AND u.referred_by = m.survivor_id")) {
            ps.setLong(1, mergeId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE users u SET referred_by = m.survivor_referred_by FROM user_merges m"
                + " WHERE m.id = ? AND m.survivor_referred_by IS NOT NULL AND u.id = m.survivor_id AND u.referred_by IS NULL")) {
            ps.setLong(1, mergeId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE user_merges SET referrals_moved = '{}', survivor_referred_by = NULL"
                + " WHERE id = ? AND status = 'merging'")) {
            ps.setLong(1, mergeId);
            ps.executeUpdate();
        }
    }

    /**
     * The pivot: moves the merged user's points (a negative ledger entry on it, a positive one on the survivor, keyed
     * by the saga) and its referral count, marks it merged into the survivor, and the merge done.
     */
    public void moveAndMark(Connection c, UUID sagaId, long mergeId, long survivorId, long mergedId, int points, int referralCount)
            throws SQLException {
        if (points > 0) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO points_ledger (user_id, delta, reason, idempotency_key, saga_id)"
                    + " VALUES (?, ?, 'merge', ?, ?), (?, ?, 'merge', ?, ?)")) {
                ps.setLong(1, mergedId);
                ps.setInt(2, -points);
                ps.setString(3, "merge:" + sagaId + ":out");
                ps.setObject(4, sagaId);
                ps.setLong(5, survivorId);
                ps.setInt(6, points);
                ps.setString(7, "merge:" + sagaId + ":in");
                ps.setObject(8, sagaId);
                ps.executeUpdate();
            }
        }
        movePoints(c, mergedId, survivorId, points, referralCount);
        try (PreparedStatement ps = c.prepareStatement("UPDATE users SET status = 'merged', merged_into = ? WHERE id = ? AND status = 'active'")) {
            ps.setLong(1, survivorId);
            ps.setLong(2, mergedId);
            if (ps.executeUpdate() != 1) {
                throw new SQLException("user " + mergedId + " is no longer active");
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE user_merges SET status = 'merged', merged_at = now(), points_moved = ?,"
                + " referral_count_moved = ? WHERE id = ? AND status = 'merging'")) {
            ps.setInt(1, points);
            ps.setInt(2, referralCount);
            ps.setLong(3, mergeId);
            ps.executeUpdate();
        }
    }

    /** Moves the referral count; the points moved with the ledger entries written just before (V14 applies them). */
    private static void movePoints(Connection c, long from, long to, int points, int referralCount) throws SQLException {
        if (referralCount == 0) {
            return;
        }
        ProfileCredits.fold(c, from); // the count taken from it may be partly in its stripes (V17)
        try (PreparedStatement ps = c.prepareStatement("UPDATE gamification_profiles"
                + " SET referral_count = referral_count + CASE WHEN user_id = ? THEN -? ELSE ? END WHERE user_id IN (?, ?)")) {
            ps.setLong(1, from);
            ps.setInt(2, referralCount);
            ps.setInt(3, referralCount);
            ps.setLong(4, from);
            ps.setLong(5, to);
            ps.executeUpdate();
        }
    }

    public Optional<MergeRow> liveMergeOf(Connection c, long mergedId, boolean lock) throws SQLException {
        return merge(c, "merged_id = ? AND status = 'merged'", mergedId, lock);
    }

    public Optional<MergeRow> mergeBySaga(Connection c, UUID sagaId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM user_merges WHERE saga_id = ?")) {
            ps.setObject(1, sagaId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return merge(c, "id = ?", rs.getLong(1), false);
            }
        }
    }

    private static Optional<MergeRow> merge(Connection c, String where, long arg, boolean lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, saga_id, survivor_id, merged_id, status, points_moved, referral_count_moved,"
                + " referrals_moved, survivor_referred_by, codes_moved::text FROM user_merges WHERE " + where + (lock ? " FOR UPDATE" : ""))) {
            ps.setLong(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                List<Long> referrals = new ArrayList<>();
                Array a = rs.getArray(8);
                for (Object o : (Object[]) a.getArray()) {
                    referrals.add(((Number) o).longValue());
                }
                return Optional.of(new MergeRow(rs.getLong(1), (UUID) rs.getObject(2), rs.getLong(3), rs.getLong(4), rs.getString(5),
                        rs.getInt(6), rs.getInt(7), referrals, (Long) rs.getObject(9), rs.getString(10)));
            }
        }
    }

    /** The active user holding a mailbox, if any. */
    public Optional<Long> activeUserWithMailbox(Connection c, String mailbox) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM users WHERE email_normalized = ? AND status = 'active'")) {
            ps.setString(1, mailbox);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    /**
     * Unmerge, in the caller's transaction: codes and referrals back, points back through reversing ledger entries
     * (the ledger is append-only), the referral count back, the merged user active again, the merge row unmerged.
     */
    public void unmerge(Connection c, MergeRow m, String actor) throws SQLException {
        restoreCodes(c, m.id());
        restoreReferrals(c, m.id());
        if (m.pointsMoved() > 0) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO points_ledger (user_id, delta, reason, idempotency_key)"
                    + " VALUES (?, ?, 'unmerge', ?), (?, ?, 'unmerge', ?)")) {
                ps.setLong(1, m.mergedId());
                ps.setInt(2, m.pointsMoved());
                ps.setString(3, "unmerge:" + m.id() + ":in");
                ps.setLong(4, m.survivorId());
                ps.setInt(5, -m.pointsMoved());
                ps.setString(6, "unmerge:" + m.id() + ":out");
                ps.executeUpdate();
            }
        }
        movePoints(c, m.survivorId(), m.mergedId(), m.pointsMoved(), m.referralCountMoved());
        try (PreparedStatement ps = c.prepareStatement("UPDATE users SET status = 'active', merged_into = NULL WHERE id = ? AND status = 'merged'")) {
            ps.setLong(1, m.mergedId());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE user_merges SET status = 'unmerged', unmerged_at = now(), unmerged_by = ? WHERE id = ?")) {
            ps.setString(1, actor);
            ps.setLong(2, m.id());
            ps.executeUpdate();
        }
    }
}
