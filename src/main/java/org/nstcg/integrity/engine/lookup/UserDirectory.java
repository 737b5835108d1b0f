package org.nstcg.integrity.engine.lookup;

import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.account.Actor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
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
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.store.Tx;

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

    private final Jdbc jdbc;
    private final EmailNormalizer emails;
    private final ReferralCodeParser codes = new ReferralCodeParser();

    public UserDirectory(Jdbc jdbc, EmailNormalizer emails) {
        this.jdbc = jdbc;
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
        return jdbc.read("search users", tx -> {
            if (USER_ID.matcher(q).matches()) {
                long id = Long.parseLong(q.startsWith("#") ? q.substring(1) : q);
                add(found, max, query(tx, "WHERE u.id = ?", List.of(id), 1), Reason.USER_ID, r -> "user id " + id);
                if (q.startsWith("#")) {
                    return List.copyOf(found.values());
                }
            }
            if (q.indexOf('@') >= 0) {
                searchEmail(tx, q, found, max);
            } else {
                searchCode(tx, q, found, max);
                if (q.chars().noneMatch(Character::isDigit)) {
                    searchName(tx, q, found, max);
                } else if (q.indexOf(' ') < 0 && found.size() < max) {
                    String prefix = q.toLowerCase(Locale.ROOT);
                    add(found, max, emailPrefix(tx, prefix, max - found.size()), Reason.EMAIL_PREFIX, r -> "mailbox begins with " + prefix);
                }
            }
            return List.copyOf(found.values());
        });
    }

    private void searchEmail(Tx tx, String q, Map<Long, UserMatch> found, int max) {
        Optional<String> mailbox = emails.normalize(q);
        if (mailbox.isPresent()) {
            String m = mailbox.get();
            add(found, max, query(tx, "WHERE u.email_normalized = ? ORDER BY u.id", List.of(m), max), Reason.EMAIL,
                    r -> m.equals(q) ? "mailbox " + m : "mailbox " + m + " (" + q + " normalised)");
        }
        String prefix = q.toLowerCase(Locale.ROOT);
        if (found.size() < max) {
            add(found, max, emailPrefix(tx, prefix, max - found.size()), Reason.EMAIL_PREFIX, r -> "mailbox begins with " + prefix);
        }
    }

    private void searchCode(Tx tx, String q, Map<Long, UserMatch> found, int max) {
        ParsedCode parsed = codes.parse(q);
        if (parsed instanceof ParsedCode.Valid v) {
            String text = v.code().text();
            add(found, max, byCode(tx, "WHERE r.code = ? OR (right(r.code, 9) = ? AND r.code ~ " + IDENTITY_PATTERN + ")",
                    List.of(text, v.code().identity()), max), Reason.REFERRAL_CODE, r -> codeWhy(r, q));
            return;
        }
        List<String> corrections = CodeCorrections.candidates(q);
        if (!corrections.isEmpty()) {
            add(found, max, byCode(tx, "WHERE right(r.code, 9) = ANY (?) AND r.code ~ " + IDENTITY_PATTERN, List.of(corrections), max),
                    Reason.CORRECTED_REFERRAL_CODE, r -> codeWhy(r, q) + ", the nearest issued code to " + q);
        }
        if (LEGACY_CODE.matcher(q).matches() && found.size() < max) {
            String legacy = q.toUpperCase(Locale.ROOT);
            add(found, max, byCode(tx, "WHERE r.code = ?", List.of(legacy), max), Reason.REFERRAL_CODE, r -> codeWhy(r, q));
        }
    }

    private static String codeWhy(Match r, String typed) {
        String kind = r.codeKind() == null || r.codeKind().equals("primary") ? "referral code " : "alias referral code ";
        return kind + r.code() + (r.code().equalsIgnoreCase(typed.strip()) ? "" : " (typed " + typed.strip() + ")");
    }

    private void searchName(Tx tx, String q, Map<Long, UserMatch> found, int max) {
        String[] words = q.toLowerCase(Locale.ROOT).split("\\s+");
        if (found.size() >= max) {
            return;
        }
        if (words.length == 1) {
            String w = words[0];
            add(found, max, query(tx, "WHERE lower(u.first_name) COLLATE \"C\" LIKE ?"
                            + " ORDER BY lower(u.first_name) COLLATE \"C\", lower(u.last_name) COLLATE \"C\", u.id",
                    List.of(like(w)), max - found.size()), Reason.NAME, r -> "first name begins with " + w);
            if (found.size() < max) {
                add(found, max, query(tx, "WHERE u.last_name IS NOT NULL AND lower(u.last_name) COLLATE \"C\" LIKE ?"
                                + " ORDER BY lower(u.last_name) COLLATE \"C\", u.id", List.of(like(w)), max - found.size()),
                        Reason.NAME, r -> "last name begins with " + w);
            }
            if (found.size() < max) {
                add(found, max, emailPrefix(tx, w, max - found.size()), Reason.EMAIL_PREFIX, r -> "mailbox begins with " + w);
            }
            return;
        }
        // "ada lovelace": first name and last name; "lovelace ada": the other way round; "ada de la cruz": the
        // first word as first name, the rest as last name.
        String first = words[0];
        String rest = String.join(" ", java.util.Arrays.copyOfRange(words, 1, words.length));
        String last = words[words.length - 1];
        String restBefore = String.join(" ", java.util.Arrays.copyOfRange(words, 0, words.length - 1));
        add(found, max, firstAndLast(tx, first, rest, max - found.size()), Reason.NAME, r -> "name begins with " + first + " " + rest);
        if (found.size() < max) {
            add(found, max, firstAndLast(tx, last, restBefore, max - found.size()), Reason.NAME,
                    r -> "name begins with " + last + " " + restBefore);
        }
    }

    private List<Match> firstAndLast(Tx tx, String first, String last, int limit) {
        return query(tx, "WHERE lower(u.first_name) COLLATE \"C\" LIKE ? AND lower(u.last_name) COLLATE \"C\" LIKE ?"
                + " ORDER BY lower(u.first_name) COLLATE \"C\", lower(u.last_name) COLLATE \"C\", u.id", List.of(like(first), like(last)), limit);
    }

    private List<Match> emailPrefix(Tx tx, String prefix, int limit) {
        return query(tx, "WHERE u.email_normalized COLLATE \"C\" LIKE ? ORDER BY u.email_normalized COLLATE \"C\", u.id",
                List.of(like(prefix)), limit);
    }

    /** A LIKE pattern for "begins with": the text's own wildcards escaped (backslash is LIKE's escape). */
    static String like(String prefix) {
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    private record Match(long id, String email, String firstName, String lastName, String referralCode, String status, Long mergedInto,
                       int points, String code, String codeKind) {

        String name() {
            return lastName == null || lastName.isBlank() ? firstName : firstName + " " + lastName;
        }
    }

    private static void add(Map<Long, UserMatch> found, int max, List<Match> rows, Reason reason, java.util.function.Function<Match, String> why) {
        for (Match r : rows) {
            if (found.size() >= max) {
                return;
            }
            found.putIfAbsent(r.id(), new UserMatch(r.id(), r.email(), r.name(), r.referralCode(), r.status(),
                    Optional.ofNullable(r.mergedInto()), r.points(), reason, why.apply(r)));
        }
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

    /** One user with the latest {@value #DETAIL_ROWS} entries of each list, or empty when there is no such user. */
    public Optional<UserDetails> details(Actor by, long userId) {
        by.authorize(Permission.LOOK_UP_USERS);
        // One snapshot, so the lists agree with the profile (points and ledger, referral count and referees).
        return jdbc.snapshot("read user " + userId, tx -> {
            Optional<Profile> profile = profile(tx, userId);
            if (profile.isEmpty()) {
                return Optional.empty();
            }
            Profile p = profile.get();
            List<MergeRef> merges = merges(tx, userId);
            List<Long> mergedHere = merges.stream().filter(m -> m.survivorId() == userId).map(MergeRef::mergedId).distinct().toList();
            return Optional.of(new UserDetails(p, ledger(tx, userId), count(tx, "SELECT count(*) FROM points_ledger WHERE user_id = ?", userId),
                    p.referredBy().flatMap(id -> userRefs(tx, "WHERE id = ?", id).stream().findFirst()),
                    userRefs(tx, "WHERE referred_by = ? ORDER BY id", userId),
                    count(tx, "SELECT count(*) FROM users WHERE referred_by = ?", userId), merges, sagas(tx, p), audit(tx, userId, mergedHere)));
        });
    }

    private static Optional<Profile> profile(Tx tx, long userId) {
        String sql = "SELECT u.id, u.email, u.email_normalized, u.first_name, u.last_name, u.referral_code, u.status, u.merged_into,"
                + " u.referred_by, coalesce(p.points, 0), coalesce(p.referral_count, 0), u.created_at, u.updated_at"
                + FROM_USERS + " WHERE u.id = ?";
        return tx.first(sql, row -> new Profile(row.getLong(1), row.getString(2), row.getString(3), row.getString(4),
                Optional.ofNullable(row.getString(5)), row.getString(6), codes(tx, userId), row.getString(7),
                Optional.ofNullable(row.getLongOrNull(8)), Optional.ofNullable(row.getLongOrNull(9)), row.getInt(10),
                row.getInt(11), row.getInstant(12), row.getInstant(13)), userId);
    }

    private static List<CodeRef> codes(Tx tx, long userId) {
        return tx.list("SELECT code, kind, issued_at FROM referral_codes WHERE user_id = ? ORDER BY kind DESC, issued_at LIMIT " + DETAIL_ROWS,
                row -> new CodeRef(row.getString(1), row.getString(2), row.getInstant(3)), userId);
    }

    private static List<LedgerEntry> ledger(Tx tx, long userId) {
        return tx.list("SELECT id, delta, reason, saga_id, created_at FROM points_ledger WHERE user_id = ? ORDER BY id DESC LIMIT " + DETAIL_ROWS,
                row -> new LedgerEntry(row.getLong(1), row.getInt(2), row.getString(3), Optional.ofNullable(row.getUuid(4)), row.getInstant(5)),
                userId);
    }

    private static long count(Tx tx, String sql, long userId) {
        return tx.singleLong(sql, userId);
    }

    private static List<UserRef> userRefs(Tx tx, String where, long id) {
        return tx.list("SELECT id, email, first_name, last_name, status, referral_code FROM users " + where + " LIMIT " + DETAIL_ROWS, row -> {
            String last = row.getString(4);
            return new UserRef(row.getLong(1), row.getString(2), last == null ? row.getString(3) : row.getString(3) + " " + last,
                    row.getString(5), row.getString(6));
        }, id);
    }

    private static List<MergeRef> merges(Tx tx, long userId) {
        return tx.list("SELECT id, survivor_id, merged_id, status, actor, reason, merged_at, unmerged_at,"
                + " unmerged_by FROM user_merges WHERE id IN (SELECT id FROM user_merges WHERE survivor_id = ?"
                + " UNION SELECT id FROM user_merges WHERE merged_id = ?) ORDER BY id DESC LIMIT " + DETAIL_ROWS,
                row -> new MergeRef(row.getLong(1), row.getLong(2), row.getLong(3), row.getString(4), row.getString(5),
                        Optional.ofNullable(row.getString(6)), Optional.ofNullable(row.getInstant(7)), Optional.ofNullable(row.getInstant(8)),
                        Optional.ofNullable(row.getString(9))), userId, userId);
    }

    /**
     * Sagas that touched the user: the registration of its mailbox (business key), the saga that created its row,
     * those that wrote its ledger entries (bonuses for referring someone), and merges it took part in.
     */
    private static List<SagaTouch> sagas(Tx tx, Profile p) {
        String sql = "WITH ids AS ("
                + " SELECT created_by_saga AS id FROM users WHERE id = ? AND created_by_saga IS NOT NULL"
                + " UNION SELECT saga_id FROM points_ledger WHERE user_id = ? AND saga_id IS NOT NULL"
                + " UNION SELECT saga_id FROM user_merges WHERE survivor_id = ?"
                + " UNION SELECT saga_id FROM user_merges WHERE merged_id = ?"
                + " UNION SELECT id FROM sagas WHERE business_key IN (?, ?))"
                + " SELECT s.id, s.saga_type, s.status, s.business_key, s.created_at, s.finished_at,"
                + " s.data->>'survivorId', s.data->>'mergedId', s.data->>'mailbox'"
                + " FROM sagas s JOIN ids ON ids.id = s.id ORDER BY s.created_at DESC LIMIT " + DETAIL_ROWS;
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

    private static List<AuditLine> audit(Tx tx, long userId, List<Long> mergedHere) {
        List<String> targets = new ArrayList<>();
        targets.add(Long.toString(userId));
        mergedHere.forEach(id -> targets.add(Long.toString(id)));
        return tx.list("SELECT id, occurred_at, actor, action, target_id, details FROM audit_log"
                + " WHERE target_type = 'user' AND target_id = ANY (?) ORDER BY id DESC LIMIT " + DETAIL_ROWS,
                row -> new AuditLine(row.getLong(1), row.getInstant(2), row.getString(3), row.getString(4), row.getString(5),
                        Optional.ofNullable(row.getString(6))), Tx.texts(targets));
    }
}
