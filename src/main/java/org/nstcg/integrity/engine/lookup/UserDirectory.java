package org.nstcg.integrity.engine.lookup;

import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.account.Actor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.nstcg.integrity.engine.email.EmailNormalizer;
import org.nstcg.integrity.engine.lookup.UserDetails.MergeRef;
import org.nstcg.integrity.engine.lookup.UserDetails.Profile;
import org.nstcg.integrity.engine.lookup.UserLookupStore.Match;
import org.nstcg.integrity.engine.lookup.UserMatch.Reason;
import org.nstcg.integrity.engine.referral.CodeCorrections;
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
 * the results are merged, best reason first, each user once. The statements are {@link UserLookupStore}'s; this class
 * decides which to run and why each user matched.
 */
public final class UserDirectory {

    /** The most results one search returns. */
    public static final int MAX_LIMIT = 500;
    /** How many entries of each list {@link #details} returns. */
    public static final int DETAIL_ROWS = 50;

    private static final Pattern USER_ID = Pattern.compile("#?\\d{1,18}");
    /** Shaped like a legacy referral code (imported as written): letters, digits and hyphens with a digit. */
    private static final Pattern LEGACY_CODE = Pattern.compile("(?=.*\\d)[0-9A-Za-z-]{4,32}");

    private final Jdbc jdbc;
    private final UserLookupStore store = new UserLookupStore();
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
                add(found, max, store.byId(tx, id), Reason.USER_ID, r -> "user id " + id);
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
                    add(found, max, store.mailboxLike(tx, like(prefix), max - found.size()), Reason.EMAIL_PREFIX, r -> "mailbox begins with " + prefix);
                }
            }
            return List.copyOf(found.values());
        });
    }

    private void searchEmail(Tx tx, String q, Map<Long, UserMatch> found, int max) {
        Optional<String> mailbox = emails.normalize(q);
        if (mailbox.isPresent()) {
            String m = mailbox.get();
            add(found, max, store.byMailbox(tx, m, max), Reason.EMAIL,
                    r -> m.equals(q) ? "mailbox " + m : "mailbox " + m + " (" + q + " normalised)");
        }
        String prefix = q.toLowerCase(Locale.ROOT);
        if (found.size() < max) {
            add(found, max, store.mailboxLike(tx, like(prefix), max - found.size()), Reason.EMAIL_PREFIX, r -> "mailbox begins with " + prefix);
        }
    }

    private void searchCode(Tx tx, String q, Map<Long, UserMatch> found, int max) {
        ParsedCode parsed = codes.parse(q);
        if (parsed instanceof ParsedCode.Valid v) {
            String text = v.code().text();
            add(found, max, store.byCodeOrIdentity(tx, text, v.code().identity(), max), Reason.REFERRAL_CODE, r -> codeWhy(r, q));
            return;
        }
        List<String> corrections = CodeCorrections.candidates(q);
        if (!corrections.isEmpty()) {
            add(found, max, store.byIdentities(tx, corrections, max),
                    Reason.CORRECTED_REFERRAL_CODE, r -> codeWhy(r, q) + ", the nearest issued code to " + q);
        }
        if (LEGACY_CODE.matcher(q).matches() && found.size() < max) {
            String legacy = q.toUpperCase(Locale.ROOT);
            add(found, max, store.byExactCode(tx, legacy, max), Reason.REFERRAL_CODE, r -> codeWhy(r, q));
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
            add(found, max, store.firstNameLike(tx, like(w), max - found.size()), Reason.NAME, r -> "first name begins with " + w);
            if (found.size() < max) {
                add(found, max, store.lastNameLike(tx, like(w), max - found.size()), Reason.NAME, r -> "last name begins with " + w);
            }
            if (found.size() < max) {
                add(found, max, store.mailboxLike(tx, like(w), max - found.size()), Reason.EMAIL_PREFIX, r -> "mailbox begins with " + w);
            }
            return;
        }
        // "ada lovelace": first name and last name; "lovelace ada": the other way round; "ada de la cruz": the
        // first word as first name, the rest as last name.
        String first = words[0];
        String rest = String.join(" ", java.util.Arrays.copyOfRange(words, 1, words.length));
        String last = words[words.length - 1];
        String restBefore = String.join(" ", java.util.Arrays.copyOfRange(words, 0, words.length - 1));
        add(found, max, store.firstAndLastLike(tx, like(first), like(rest), max - found.size()), Reason.NAME, r -> "name begins with " + first + " " + rest);
        if (found.size() < max) {
            add(found, max, store.firstAndLastLike(tx, like(last), like(restBefore), max - found.size()), Reason.NAME,
                    r -> "name begins with " + last + " " + restBefore);
        }
    }

    /** A LIKE pattern for "begins with": the text's own wildcards escaped (backslash is LIKE's escape). */
    static String like(String prefix) {
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    private static void add(Map<Long, UserMatch> found, int max, List<Match> rows, Reason reason,
                            java.util.function.Function<Match, String> why) {
        for (Match r : rows) {
            if (found.size() >= max) {
                return;
            }
            found.putIfAbsent(r.id(), new UserMatch(r.id(), r.email(), r.name(), r.referralCode(), r.status(),
                    Optional.ofNullable(r.mergedInto()), r.points(), reason, why.apply(r)));
        }
    }

    // Details ------------------------------------------------------------------------------------------------------

    /** One user with the latest {@value #DETAIL_ROWS} entries of each list, or empty when there is no such user. */
    public Optional<UserDetails> details(Actor by, long userId) {
        by.authorize(Permission.LOOK_UP_USERS);
        // One snapshot, so the lists agree with the profile (points and ledger, referral count and referees).
        return jdbc.snapshot("read user " + userId, tx -> {
            Optional<Profile> profile = store.profile(tx, userId);
            if (profile.isEmpty()) {
                return Optional.empty();
            }
            Profile p = profile.get();
            List<MergeRef> merges = store.merges(tx, userId);
            List<Long> mergedHere = merges.stream().filter(m -> m.survivorId() == userId).map(MergeRef::mergedId).distinct().toList();
            return Optional.of(new UserDetails(p, store.ledger(tx, userId), store.ledgerCount(tx, userId),
                    p.referredBy().flatMap(id -> store.referrer(tx, id)), store.referees(tx, userId), store.refereeCount(tx, userId),
                    merges, store.sagas(tx, p), store.audit(tx, userId, mergedHere)));
        });
    }
}
