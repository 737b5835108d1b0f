package org.nstcg.integrity.engine.lookup;

import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.account.Actor;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.nstcg.integrity.engine.email.EmailNormalizer;
import org.nstcg.integrity.engine.lookup.UserDetails.AuditLine;
import org.nstcg.integrity.engine.lookup.UserDetails.CodeRef;
import org.nstcg.integrity.engine.lookup.UserDetails.LedgerEntry;
import org.nstcg.integrity.engine.lookup.UserDetails.MergeRef;
import org.nstcg.integrity.engine.lookup.UserDetails.Profile;
import org.nstcg.integrity.engine.lookup.UserDetails.SagaTouch;
import org.nstcg.integrity.engine.lookup.UserDetails.UserRef;
import org.nstcg.integrity.engine.lookup.UserMatch.Reason;
import org.nstcg.integrity.engine.referral.ParsedCode;
import org.nstcg.integrity.engine.referral.ReferralCodeParser;
import org.nstcg.integrity.engine.store.ConnectionFailures;
import org.nstcg.integrity.engine.support.EngineException;

/**
 * Finds users for support staff by whatever they were told: an email address (as typed or normalised), a name, a
 * referral code (typos tolerated) or a user id; and shows one user with everything that concerns them.
 *
 * <p>Design notes: every search is a handful of index probes or index range scans that stop after {@code limit}
 * rows, never a scan of the users table, so it costs the same on a million users as on a thousand. Addresses are
 * normalised by the same {@link EmailNormalizer} as sign-up and found through {@code users_email_normalized_ix};
 * referral codes are parsed by the engine's {@link ReferralCodeParser} (case, confusable symbols, missing or wrong
 * prefix) and, when the check symbol says there is a typo, corrected by {@link CodeCorrections} and found through
 * the identity index {@code referral_codes_identity_uk}; names and mailbox beginnings use the C-collated prefix
 * indexes of V10, read in index order so {@code ORDER BY … LIMIT} reads only the first entries. A query may be
 * several things at once ("Alexandra" is a name and, to the parser, a mistyped code), so each reading is tried and
 * the results are merged, best reason first, each user once.
 */
public final class UserDirectory {

    /** The most results one search returns. */
    public static final int MAX_LIMIT = 500;
    /** How many entries of each list {@link #details} returns. */
    public static final int DETAIL_ROWS = 50;

    private static final Pattern USER_ID = Pattern.compile("#?\\d{1,18}");
    /** Shaped like a legacy referral code (imported as written): letters, digits and hyphens with a digit. */
    private static final Pattern LEGACY_CODE = Pattern.compile("(?=.*\\d)[0-9A-Za-z-]{4,32}");
    /** The same pattern as the partial index referral_codes_identity_uk (V2), so that index serves the look-up. */
    private static final String IDENTITY_PATTERN = "'^([A-Z]{4}-)?[0-9A-HJKMNP-TV-Z]{9}$'";
    private static final String MATCH_COLUMNS = "u.id, u.email, u.first_name, u.last_name, u.referral_code, u.status, u.merged_into,"
            + " coalesce(p.points, 0)";
    private static final String FROM_USERS = " FROM users u LEFT JOIN profile_totals p ON p.user_id = u.id";

    private final DataSource dataSource;
    private final EmailNormalizer emails;
    private final ReferralCodeParser codes = new ReferralCodeParser();

    public UserDirectory(DataSource dataSource, EmailNormalizer emails) {
        this.dataSource = dataSource;
        this.emails = emails;
    }

    /**
     * Users matching free text, best first, at most {@code limit} (1 to {@value #MAX_LIMIT}). The text is read as a
     * user id ({@code 42} or {@code #42}), an address (with {@code @}: its normalised mailbox, then mailboxes that
     * begin with it), a referral code (exact, by identity whatever its prefix, or corrected when mistyped) and a name
     * (first-name prefix, last-name prefix, both for two or more words; and mailboxes beginning with it).
     */
    public List<UserMatch> search(Actor by, String query, int limit) {
        by.authorize(Permission.LOOK_UP_USERS);
        String q = query == null ? "" : query.strip();
        int max = Math.max(1, Math.min(limit, MAX_LIMIT));
        if (q.isEmpty()) {
            return List.of();
        }
        Map<Long, UserMatch> found = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection()) {
            c.setReadOnly(true);
            try {
                if (USER_ID.matcher(q).matches()) {
                    long id = Long.parseLong(q.startsWith("#") ? q.substring(1) : q);
                    add(found, max, query(c, "WHERE u.id = ?", List.of(id), 1), Reason.USER_ID, r -> "user id " + id);
                    if (q.startsWith("#")) {
                        return List.copyOf(found.values());
                    }
                }
                if (q.indexOf('@') >= 0) {
                    searchEmail(c, q, found, max);
                } else {
                    searchCode(c, q, found, max);
                    if (q.chars().noneMatch(Character::isDigit)) {
                        searchName(c, q, found, max);
                    } else if (q.indexOf(' ') < 0 && found.size() < max) {
                        String prefix = q.toLowerCase(Locale.ROOT);
                        add(found, max, emailPrefix(c, prefix, max - found.size()), Reason.EMAIL_PREFIX, r -> "mailbox begins with " + prefix);
                    }
                }
            } finally {
                c.setReadOnly(false);
            }
        } catch (SQLException e) {
            throw new EngineException("Cannot search users in PostgreSQL (" + ConnectionFailures.reason(e) + ").", e);
        }
        return List.copyOf(found.values());
    }

    private void searchEmail(Connection c, String q, Map<Long, UserMatch> found, int max) throws SQLException {
        Optional<String> mailbox = emails.normalize(q);
        if (mailbox.isPresent()) {
            String m = mailbox.get();
            add(found, max, query(c, "WHERE u.email_normalized = ? ORDER BY u.id", List.of(m), max), Reason.EMAIL,
                    r -> m.equals(q) ? "mailbox " + m : "mailbox " + m + " (" + q + " normalised)");
        }
        String prefix = q.toLowerCase(Locale.ROOT);
        if (found.size() < max) {
            add(found, max, emailPrefix(c, prefix, max - found.size()), Reason.EMAIL_PREFIX, r -> "mailbox begins with " + prefix);
        }
    }

    private void searchCode(Connection c, String q, Map<Long, UserMatch> found, int max) throws SQLException {
        ParsedCode parsed = codes.parse(q);
        if (parsed instanceof ParsedCode.Valid v) {
            String text = v.code().text();
            add(found, max, byCode(c, "WHERE r.code = ? OR (right(r.code, 9) = ? AND r.code ~ " + IDENTITY_PATTERN + ")",
                    List.of(text, v.code().identity()), max), Reason.REFERRAL_CODE, r -> codeWhy(r, q));
            return;
        }
        List<String> corrections = CodeCorrections.candidates(q);
        if (!corrections.isEmpty()) {
            add(found, max, byCode(c, "WHERE right(r.code, 9) = ANY (?) AND r.code ~ " + IDENTITY_PATTERN, List.of(corrections), max),
                    Reason.CORRECTED_REFERRAL_CODE, r -> codeWhy(r, q) + ", the nearest issued code to " + q);
        }
        if (LEGACY_CODE.matcher(q).matches() && found.size() < max) {
            String legacy = q.toUpperCase(Locale.ROOT);
            add(found, max, byCode(c, "WHERE r.code = ?", List.of(legacy), max), Reason.REFERRAL_CODE, r -> codeWhy(r, q));
        }
    }

    private static String codeWhy(Row r, String typed) {
        String kind = r.codeKind() == null || r.codeKind().equals("primary") ? "referral code " : "alias referral code ";
        return kind + r.code() + (r.code().equalsIgnoreCase(typed.strip()) ? "" : " (typed " + typed.strip() + ")");
    }

    private void searchName(Connection c, String q, Map<Long, UserMatch> found, int max) throws SQLException {
        String[] words = q.toLowerCase(Locale.ROOT).split("\\s+");
        if (found.size() >= max) {
            return;
        }
        if (words.length == 1) {
            String w = words[0];
            add(found, max, query(c, "WHERE lower(u.first_name) COLLATE \"C\" LIKE ?"
                            + " ORDER BY lower(u.first_name) COLLATE \"C\", lower(u.last_name) COLLATE \"C\", u.id",
                    List.of(like(w)), max - found.size()), Reason.NAME, r -> "first name begins with " + w);
            if (found.size() < max) {
                add(found, max, query(c, "WHERE u.last_name IS NOT NULL AND lower(u.last_name) COLLATE \"C\" LIKE ?"
                                + " ORDER BY lower(u.last_name) COLLATE \"C\", u.id", List.of(like(w)), max - found.size()),
                        Reason.NAME, r -> "last name begins with " + w);
            }
            if (found.size() < max) {
                add(found, max, emailPrefix(c, w, max - found.size()), Reason.EMAIL_PREFIX, r -> "mailbox begins with " + w);
            }
            return;
        }
        // "ada lovelace": first name and last name; "lovelace ada": the other way round; "ada de la cruz": the
        // first word as first name, the rest as last name.
        String first = words[0];
        String rest = String.join(" ", java.util.Arrays.copyOfRange(words, 1, words.length));
        String last = words[words.length - 1];
        String restBefore = String.join(" ", java.util.Arrays.copyOfRange(words, 0, words.length - 1));
        add(found, max, firstAndLast(c, first, rest, max - found.size()), Reason.NAME, r -> "name begins with " + first + " " + rest);
        if (found.size() < max) {
            add(found, max, firstAndLast(c, last, restBefore, max - found.size()), Reason.NAME,
                    r -> "name begins with " + last + " " + restBefore);
        }
    }

    private List<Row> firstAndLast(Connection c, String first, String last, int limit) throws SQLException {
        return query(c, "WHERE lower(u.first_name) COLLATE \"C\" LIKE ? AND lower(u.last_name) COLLATE \"C\" LIKE ?"
                + " ORDER BY lower(u.first_name) COLLATE \"C\", lower(u.last_name) COLLATE \"C\", u.id", List.of(like(first), like(last)), limit);
    }

    private List<Row> emailPrefix(Connection c, String prefix, int limit) throws SQLException {
        return query(c, "WHERE u.email_normalized COLLATE \"C\" LIKE ? ORDER BY u.email_normalized COLLATE \"C\", u.id",
                List.of(like(prefix)), limit);
    }

    /** A LIKE pattern for "begins with": the text's own wildcards escaped (backslash is LIKE's escape). */
    static String like(String prefix) {
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    private record Row(long id, String email, String firstName, String lastName, String referralCode, String status, Long mergedInto,
                       int points, String code, String codeKind) {

        String name() {
            return lastName == null || lastName.isBlank() ? firstName : firstName + " " + lastName;
        }
    }

    private static void add(Map<Long, UserMatch> found, int max, List<Row> rows, Reason reason, java.util.function.Function<Row, String> why) {
        for (Row r : rows) {
            if (found.size() >= max) {
                return;
            }
            found.putIfAbsent(r.id(), new UserMatch(r.id(), r.email(), r.name(), r.referralCode(), r.status(),
                    Optional.ofNullable(r.mergedInto()), r.points(), reason, why.apply(r)));
        }
    }

    private static List<Row> query(Connection c, String where, List<Object> args, int limit) throws SQLException {
        return rows(c, "SELECT " + MATCH_COLUMNS + ", NULL, NULL" + FROM_USERS + " " + where + " LIMIT ?", args, limit);
    }

    private static List<Row> byCode(Connection c, String where, List<Object> args, int limit) throws SQLException {
        return rows(c, "SELECT " + MATCH_COLUMNS + ", r.code, r.kind FROM referral_codes r JOIN users u ON u.id = r.user_id"
                + " LEFT JOIN profile_totals p ON p.user_id = u.id " + where + " ORDER BY r.kind DESC, u.id LIMIT ?", args, limit);
    }

    private static List<Row> rows(Connection c, String sql, List<Object> args, int limit) throws SQLException {
        List<Row> out = new ArrayList<>();
        if (limit <= 0) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (Object a : args) {
                if (a instanceof List<?> list) {
                    ps.setArray(i++, c.createArrayOf("text", list.toArray()));
                } else {
                    ps.setObject(i++, a);
                }
            }
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                            (Long) rs.getObject(7), rs.getInt(8), rs.getString(9), rs.getString(10)));
                }
            }
        }
        return out;
    }

    // Details ------------------------------------------------------------------------------------------------------

    /** One user with the latest {@value #DETAIL_ROWS} entries of each list, or empty when there is no such user. */
    public Optional<UserDetails> details(Actor by, long userId) {
        by.authorize(Permission.LOOK_UP_USERS);
        try (Connection c = dataSource.getConnection()) {
            c.setReadOnly(true);
            // One snapshot, so the lists agree with the profile (points and ledger, referral count and referees).
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                Optional<Profile> profile = profile(c, userId);
                if (profile.isEmpty()) {
                    return Optional.empty();
                }
                Profile p = profile.get();
                List<MergeRef> merges = merges(c, userId);
                List<Long> mergedHere = merges.stream().filter(m -> m.survivorId() == userId).map(MergeRef::mergedId).distinct().toList();
                return Optional.of(new UserDetails(p, ledger(c, userId), count(c, "SELECT count(*) FROM points_ledger WHERE user_id = ?", userId),
                        p.referredBy().flatMap(id -> userRefs(c, "WHERE id = ?", id).stream().findFirst()),
                        userRefs(c, "WHERE referred_by = ? ORDER BY id", userId),
                        count(c, "SELECT count(*) FROM users WHERE referred_by = ?", userId), merges, sagas(c, p), audit(c, userId, mergedHere)));
            } finally {
                c.rollback();
                c.setAutoCommit(true);
                c.setReadOnly(false);
            }
        } catch (SQLException e) {
            throw new EngineException("Cannot read user " + userId + " from PostgreSQL (" + ConnectionFailures.reason(e) + ").", e);
        } catch (UncheckedSql e) {
            throw new EngineException("Cannot read user " + userId + " from PostgreSQL (" + ConnectionFailures.reason(e.getCause()) + ").",
                    e.getCause());
        }
    }

    private static Optional<Profile> profile(Connection c, long userId) throws SQLException {
        String sql = "SELECT u.id, u.email, u.email_normalized, u.first_name, u.last_name, u.referral_code, u.status, u.merged_into,"
                + " u.referred_by, coalesce(p.points, 0), coalesce(p.referral_count, 0), u.created_at, u.updated_at"
                + FROM_USERS + " WHERE u.id = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Profile(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        Optional.ofNullable(rs.getString(5)), rs.getString(6), codes(c, userId), rs.getString(7),
                        Optional.ofNullable((Long) rs.getObject(8)), Optional.ofNullable((Long) rs.getObject(9)), rs.getInt(10),
                        rs.getInt(11), rs.getTimestamp(12).toInstant(), rs.getTimestamp(13).toInstant()));
            }
        }
    }

    private static List<CodeRef> codes(Connection c, long userId) throws SQLException {
        List<CodeRef> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT code, kind, issued_at FROM referral_codes WHERE user_id = ? ORDER BY kind DESC, issued_at LIMIT " + DETAIL_ROWS)) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new CodeRef(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant()));
                }
            }
        }
        return out;
    }

    private static List<LedgerEntry> ledger(Connection c, long userId) throws SQLException {
        List<LedgerEntry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, delta, reason, saga_id, created_at FROM points_ledger WHERE user_id = ? ORDER BY id DESC LIMIT " + DETAIL_ROWS)) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new LedgerEntry(rs.getLong(1), rs.getInt(2), rs.getString(3), Optional.ofNullable((UUID) rs.getObject(4)),
                            rs.getTimestamp(5).toInstant()));
                }
            }
        }
        return out;
    }

    private static long count(Connection c, String sql, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static List<UserRef> userRefs(Connection c, String where, long id) {
        List<UserRef> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, email, first_name, last_name, status, referral_code FROM users "
                + where + " LIMIT " + DETAIL_ROWS)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String last = rs.getString(4);
                    out.add(new UserRef(rs.getLong(1), rs.getString(2), last == null ? rs.getString(3) : rs.getString(3) + " " + last,
                            rs.getString(5), rs.getString(6)));
                }
            }
        } catch (SQLException e) {
            throw new UncheckedSql(e);
        }
        return out;
    }

    private static List<MergeRef> merges(Connection c, long userId) throws SQLException {
        List<MergeRef> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, survivor_id, merged_id, status, actor, reason, merged_at, unmerged_at,"
                + " unmerged_by FROM user_merges WHERE id IN (SELECT id FROM user_merges WHERE survivor_id = ?"
                + " UNION SELECT id FROM user_merges WHERE merged_id = ?) ORDER BY id DESC LIMIT " + DETAIL_ROWS)) {
            ps.setLong(1, userId);
            ps.setLong(2, userId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new MergeRef(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                            Optional.ofNullable(rs.getString(6)), instant(rs.getTimestamp(7)), instant(rs.getTimestamp(8)),
                            Optional.ofNullable(rs.getString(9))));
                }
            }
        }
        return out;
    }

    /**
     * Sagas that touched the user: the registration of its mailbox (business key), the saga that created its row,
     * those that wrote its ledger entries (bonuses for referring someone), and merges it took part in.
     */
    private static List<SagaTouch> sagas(Connection c, Profile p) throws SQLException {
        String sql = "WITH ids AS ("
                + " SELECT created_by_saga AS id FROM users WHERE id = ? AND created_by_saga IS NOT NULL"
                + " UNION SELECT saga_id FROM points_ledger WHERE user_id = ? AND saga_id IS NOT NULL"
                + " UNION SELECT saga_id FROM user_merges WHERE survivor_id = ?"
                + " UNION SELECT saga_id FROM user_merges WHERE merged_id = ?"
                + " UNION SELECT id FROM sagas WHERE business_key IN (?, ?))"
                + " SELECT s.id, s.saga_type, s.status, s.business_key, s.created_at, s.finished_at,"
                + " s.data->>'survivorId', s.data->>'mergedId', s.data->>'mailbox'"
                + " FROM sagas s JOIN ids ON ids.id = s.id ORDER BY s.created_at DESC LIMIT " + DETAIL_ROWS;
        List<SagaTouch> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 1; i <= 4; i++) {
                ps.setLong(i, p.id());
            }
            ps.setString(5, p.emailNormalized());
            ps.setString(6, "merge:" + p.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String type = rs.getString(2);
                    String how = rs.getString(7) != null && rs.getString(8) != null
                            ? "merge of user " + rs.getString(8) + " into user " + rs.getString(7)
                            : rs.getString(9) != null && rs.getString(9).equals(p.emailNormalized()) ? "registration of " + rs.getString(9)
                            : rs.getString(9) != null ? "registration of " + rs.getString(9) + ", referred by this user"
                            : type + " " + rs.getString(4);
                    out.add(new SagaTouch((UUID) rs.getObject(1), type, rs.getString(3), rs.getString(4), how,
                            rs.getTimestamp(5).toInstant(), instant(rs.getTimestamp(6))));
                }
            }
        }
        return out;
    }

    private static List<AuditLine> audit(Connection c, long userId, List<Long> mergedHere) throws SQLException {
        List<String> targets = new ArrayList<>();
        targets.add(Long.toString(userId));
        mergedHere.forEach(id -> targets.add(Long.toString(id)));
        List<AuditLine> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, occurred_at, actor, action, target_id, details FROM audit_log"
                + " WHERE target_type = 'user' AND target_id = ANY (?) ORDER BY id DESC LIMIT " + DETAIL_ROWS)) {
            Array array = c.createArrayOf("text", targets.toArray());
            ps.setArray(1, array);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AuditLine(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4), rs.getString(5),
                            Optional.ofNullable(rs.getString(6))));
                }
            }
        }
        return out;
    }

    private static Optional<java.time.Instant> instant(Timestamp t) {
        return Optional.ofNullable(t).map(Timestamp::toInstant);
    }

    /** Carries an SQLException out of a lambda-friendly helper; unwrapped by {@link #details}. */
    private static final class UncheckedSql extends RuntimeException {
        UncheckedSql(SQLException e) {
            super(e);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }
}
