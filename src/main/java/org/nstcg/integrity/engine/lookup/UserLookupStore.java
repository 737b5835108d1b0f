package org.nstcg.integrity.engine.lookup;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.lookup.UserDetails.AuditLine;
import org.nstcg.integrity.engine.lookup.UserDetails.CodeRef;
import org.nstcg.integrity.engine.lookup.UserDetails.LedgerEntry;
import org.nstcg.integrity.engine.lookup.UserDetails.MergeRef;
import org.nstcg.integrity.engine.lookup.UserDetails.Profile;
import org.nstcg.integrity.engine.lookup.UserDetails.SagaTouch;
import org.nstcg.integrity.engine.lookup.UserDetails.UserRef;
import org.nstcg.integrity.engine.store.Tx;

/**
 * The SQL of {@link UserDirectory}, each statement in the caller's {@link Tx}: the look-ups a search combines (each
 * an index probe or an index range scan that stops after {@code limit} rows; patterns are LIKE patterns, made by
 * {@link UserDirectory#like}) and the lists of a user's details.
 */
final class UserLookupStore {

    /** The same pattern as the partial index referral_codes_identity_uk (V2), so that index serves the look-up. */
    private static final String IDENTITY_PATTERN = "'^([A-Z]{4}-)?[0-9A-HJKMNP-TV-Z]{9}$'";
    private static final String MATCH_COLUMNS = "u.id, u.email, u.first_name, u.last_name, u.referral_code, u.status, u.merged_into,"
            + " coalesce(p.points, 0)";
    private static final String FROM_USERS = " FROM users u LEFT JOIN profile_totals p ON p.user_id = u.id";

    /** A user a look-up found, with the referral code it was found by (if it was). */
    record Match(long id, String email, String firstName, String lastName, String referralCode, String status, Long mergedInto,
                 int points, String code, String codeKind) {

        String name() {
            return lastName == null || lastName.isBlank() ? firstName : firstName + " " + lastName;
        }
    }

    // Search -------------------------------------------------------------------------------------------------------

    List<Match> byId(Tx tx, long id) {
        return query(tx, "WHERE u.id = ?", List.of(id), 1);
    }

    List<Match> byMailbox(Tx tx, String mailbox, int limit) {
        return query(tx, "WHERE u.email_normalized = ? ORDER BY u.id", List.of(mailbox), limit);
    }

    List<Match> mailboxLike(Tx tx, String pattern, int limit) {
        return query(tx, "WHERE u.email_normalized COLLATE \"C\" LIKE ? ORDER BY u.email_normalized COLLATE \"C\", u.id",
                List.of(pattern), limit);
    }

    /** Users holding a code: exactly, or by its identity whatever its prefix. */
    List<Match> byCodeOrIdentity(Tx tx, String code, String identity, int limit) {
        return byCode(tx, "WHERE r.code = ? OR (right(r.code, 9) = ? AND r.code ~ " + IDENTITY_PATTERN + ")",
                List.of(code, identity), limit);
    }

    /** Users holding a generated code with one of these identities. */
    List<Match> byIdentities(Tx tx, List<String> identities, int limit) {
        return byCode(tx, "WHERE right(r.code, 9) = ANY (?) AND r.code ~ " + IDENTITY_PATTERN, List.of(identities), limit);
    }

    /** Users holding exactly this code (a legacy code, imported as written). */
    List<Match> byExactCode(Tx tx, String code, int limit) {
        return byCode(tx, "WHERE r.code = ?", List.of(code), limit);
    }

    List<Match> firstNameLike(Tx tx, String pattern, int limit) {
        return query(tx, "WHERE lower(u.first_name) COLLATE \"C\" LIKE ?"
                + " ORDER BY lower(u.first_name) COLLATE \"C\", lower(u.last_name) COLLATE \"C\", u.id", List.of(pattern), limit);
    }

    List<Match> lastNameLike(Tx tx, String pattern, int limit) {
        return query(tx, "WHERE u.last_name IS NOT NULL AND lower(u.last_name) COLLATE \"C\" LIKE ?"
                + " ORDER BY lower(u.last_name) COLLATE \"C\", u.id", List.of(pattern), limit);
    }

    List<Match> firstAndLastLike(Tx tx, String first, String last, int limit) {
        return query(tx, "WHERE lower(u.first_name) COLLATE \"C\" LIKE ? AND lower(u.last_name) COLLATE \"C\" LIKE ?"
                + " ORDER BY lower(u.first_name) COLLATE \"C\", lower(u.last_name) COLLATE \"C\", u.id", List.of(first, last), limit);
    }

    private static List<Match> query(Tx tx, String where, List<Object> args, int limit) {
        return rows(tx, "SELECT " + MATCH_COLUMNS + ", NULL, NULL" + FROM_USERS + " " + where + " LIMIT ?", args, limit);
    }

    private static List<Match> byCode(Tx tx, String where, List<Object> args, int limit) {
        return rows(tx, "SELECT " + MATCH_COLUMNS + ", r.code, r.kind FROM referral_codes r JOIN users u ON u.id = r.user_id"
                + " LEFT JOIN profile_totals p ON p.user_id = u.id " + where + " ORDER BY r.kind DESC, u.id LIMIT ?", args, limit);
    }

    private static List<Match> rows(Tx tx, String sql, List<Object> args, int limit) {
        if (limit <= 0) {
            return new ArrayList<>();
        }
        List<Object> params = new ArrayList<>();
        for (Object a : args) {
            params.add(a instanceof List<?> list ? Tx.array("text", list) : a);
        }
        params.add(limit);
        return tx.list(sql, row -> new Match(row.getLong(1), row.getString(2), row.getString(3), row.getString(4), row.getString(5),
                row.getString(6), row.getLongOrNull(7), row.getInt(8), row.getString(9), row.getString(10)), params.toArray());
    }

    // Details ------------------------------------------------------------------------------------------------------

    Optional<Profile> profile(Tx tx, long userId) {
        String sql = "SELECT u.id, u.email, u.email_normalized, u.first_name, u.last_name, u.referral_code, u.status, u.merged_into,"
                + " u.referred_by, coalesce(p.points, 0), coalesce(p.referral_count, 0), u.created_at, u.updated_at"
                + FROM_USERS + " WHERE u.id = ?";
        return tx.first(sql, row -> new Profile(row.getLong(1), row.getString(2), row.getString(3), row.getString(4),
                Optional.ofNullable(row.getString(5)), row.getString(6), codes(tx, userId), row.getString(7),
                Optional.ofNullable(row.getLongOrNull(8)), Optional.ofNullable(row.getLongOrNull(9)), row.getInt(10),
                row.getInt(11), row.getInstant(12), row.getInstant(13)), userId);
    }

    List<CodeRef> codes(Tx tx, long userId) {
        return tx.list("SELECT code, kind, issued_at FROM referral_codes WHERE user_id = ? ORDER BY kind DESC, issued_at LIMIT " + UserDirectory.DETAIL_ROWS,
                row -> new CodeRef(row.getString(1), row.getString(2), row.getInstant(3)), userId);
    }

    List<LedgerEntry> ledger(Tx tx, long userId) {
        return tx.list("SELECT id, delta, reason, saga_id, created_at FROM points_ledger WHERE user_id = ? ORDER BY id DESC LIMIT " + UserDirectory.DETAIL_ROWS,
                row -> new LedgerEntry(row.getLong(1), row.getInt(2), row.getString(3), Optional.ofNullable(row.getUuid(4)), row.getInstant(5)),
                userId);
    }

    long ledgerCount(Tx tx, long userId) {
        return count(tx, "SELECT count(*) FROM points_ledger WHERE user_id = ?", userId);
    }

    /** The user who referred this one. */
    Optional<UserRef> referrer(Tx tx, long referrerId) {
        return userRefs(tx, "WHERE id = ?", referrerId).stream().findFirst();
    }

    /** The users this one referred, the first {@value UserDirectory#DETAIL_ROWS}. */
    List<UserRef> referees(Tx tx, long userId) {
        return userRefs(tx, "WHERE referred_by = ? ORDER BY id", userId);
    }

    long refereeCount(Tx tx, long userId) {
        return count(tx, "SELECT count(*) FROM users WHERE referred_by = ?", userId);
    }

    private static long count(Tx tx, String sql, long userId) {
        return tx.singleLong(sql, userId);
    }

    private static List<UserRef> userRefs(Tx tx, String where, long id) {
        return tx.list("SELECT id, email, first_name, last_name, status, referral_code FROM users " + where + " LIMIT " + UserDirectory.DETAIL_ROWS, row -> {
            String last = row.getString(4);
            return new UserRef(row.getLong(1), row.getString(2), last == null ? row.getString(3) : row.getString(3) + " " + last,
                    row.getString(5), row.getString(6));
        }, id);
    }

    List<MergeRef> merges(Tx tx, long userId) {
        return tx.list("SELECT id, survivor_id, merged_id, status, actor, reason, merged_at, unmerged_at,"
                + " unmerged_by FROM user_merges WHERE id IN (SELECT id FROM user_merges WHERE survivor_id = ?"
                + " UNION SELECT id FROM user_merges WHERE merged_id = ?) ORDER BY id DESC LIMIT " + UserDirectory.DETAIL_ROWS,
                row -> new MergeRef(row.getLong(1), row.getLong(2), row.getLong(3), row.getString(4), row.getString(5),
                        Optional.ofNullable(row.getString(6)), Optional.ofNullable(row.getInstant(7)), Optional.ofNullable(row.getInstant(8)),
                        Optional.ofNullable(row.getString(9))), userId, userId);
    }

    /**
     * Sagas that touched the user: the registration of its mailbox (business key), the saga that created its row,
     * those that wrote its ledger entries (bonuses for referring someone), and merges it took part in.
     */
    List<SagaTouch> sagas(Tx tx, Profile p) {
        String sql = "WITH ids AS ("
                + " SELECT created_by_saga AS id FROM users WHERE id = ? AND created_by_saga IS NOT NULL"
                + " UNION SELECT saga_id FROM points_ledger WHERE user_id = ? AND saga_id IS NOT NULL"
                + " UNION SELECT saga_id FROM user_merges WHERE survivor_id = ?"
                + " UNION SELECT saga_id FROM user_merges WHERE merged_id = ?"
                + " UNION SELECT id FROM sagas WHERE business_key IN (?, ?))"
                + " SELECT s.id, s.saga_type, s.status, s.business_key, s.created_at, s.finished_at,"
                + " s.data->>'survivorId', s.data->>'mergedId', s.data->>'mailbox'"
                + " FROM sagas s JOIN ids ON ids.id = s.id ORDER BY s.created_at DESC LIMIT " + UserDirectory.DETAIL_ROWS;
        return tx.list(sql, row -> {
            String type = row.getString(2);
            String how = row.getString(7) != null && row.getString(8) != null
                    ? "merge of user " + row.getString(8) + " into user " + row.getString(7)
                    : row.getString(9) != null && row.getString(9).equals(p.emailNormalized()) ? "registration of " + row.getString(9)
                    : row.getString(9) != null ? "registration of " + row.getString(9) + ", referred by this user"
                    : type + " " + row.getString(4);
            return new SagaTouch(row.getUuid(1), type, row.getString(3), row.getString(4), how,
                    row.getInstant(5), Optional.ofNullable(row.getInstant(6)));
        }, p.id(), p.id(), p.id(), p.id(), p.emailNormalized(), "merge:" + p.id());
    }

    List<AuditLine> audit(Tx tx, long userId, List<Long> mergedHere) {
        List<String> targets = new ArrayList<>();
        targets.add(Long.toString(userId));
        mergedHere.forEach(id -> targets.add(Long.toString(id)));
        return tx.list("SELECT id, occurred_at, actor, action, target_id, details FROM audit_log"
                + " WHERE target_type = 'user' AND target_id = ANY (?) ORDER BY id DESC LIMIT " + UserDirectory.DETAIL_ROWS,
                row -> new AuditLine(row.getLong(1), row.getInstant(2), row.getString(3), row.getString(4), row.getString(5),
                        Optional.ofNullable(row.getString(6))), Tx.texts(targets));
    }
}
