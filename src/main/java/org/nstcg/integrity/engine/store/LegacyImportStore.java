package org.nstcg.integrity.engine.store;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The SQL of a legacy import: staging rows arrive by COPY, then set-based statements decide, in file order, which
 * rows collide with what, and promote the rest into users, profiles and ledger, all in the caller's transaction.
 *
 * <p>Design notes: a row is <b>held</b>, never dropped, when its mailbox belongs to an active user or to an
 * earlier row of the file, or when its referral code (exactly, or by the identity of a generated code) was issued
 * before or appears on an earlier row. The users INSERT also says {@code ON CONFLICT DO NOTHING} on the active
 * mailbox index, so a registration committing meanwhile cannot fail the import: its row is simply held against
 * the newcomer. The COPY is driver work ({@link StagingCopy}), so it stays here, on the raw connection of the caller's
 * {@link Tx}; every other statement goes through the {@link Tx}.
 */
public final class LegacyImportStore {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LegacyImportStore.class);

    /** The shape of a code this engine generates; two such codes are one code when their last 9 symbols agree. */
    static final String GENERATED = "'^([A-Z]{4}-)?[0-9A-HJKMNP-TV-Z]{9}$'";

    /**
     * The held rows (alias {@code l}) whose only problem is their referral code, their mailbox being free: the
     * referral-codes repair imports them with a new code, so {@code referral-code-uniqueness} reports them. One text
     * for both, so a check and its repair cannot disagree on what is held.
     */
    public static final String HELD_FOR_A_TAKEN_CODE = "l.status = 'held' AND l.reason LIKE 'the referral code %' AND NOT EXISTS"
            + " (SELECT 1 FROM users u WHERE u.email_normalized = l.email_normalized AND u.status = 'active')";

    /**
     * The held rows (alias {@code l}) whose mailbox belongs to an active user (alias {@code t}): the duplicate-emails
     * repair folds them into that user, so {@code email-uniqueness} reports them. A FROM clause and its WHERE.
     */
    public static final String HELD_FOR_A_TAKEN_MAILBOX = "legacy_users l JOIN users t ON t.id = coalesce(l.collides_with,"
            + "   (SELECT e.user_id FROM legacy_users e WHERE e.import_id = l.import_id AND e.line_no = l.collides_with_line))"
            + " WHERE l.status = 'held' AND t.email_normalized = l.email_normalized AND t.status = 'active'";

    public static final String COPY_SQL = "COPY legacy_users (import_id, line_no, email, email_normalized, first_name, last_name,"
            + " legacy_code, referral_code, code_reissued, points, referred_by_code, created_at, status, reason) FROM STDIN (FORMAT text)";

    private final Jdbc jdbc;

    public LegacyImportStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public long createImport(Tx tx, String fileName, String actor) {
        return tx.singleLong("INSERT INTO legacy_imports (file_name, actor) VALUES (?, ?) RETURNING id",
                fileName.length() > 500 ? fileName.substring(fileName.length() - 500) : fileName, actor);
    }

    /** Starts the staging COPY in {@code tx}'s transaction (text format; rows built by the caller, see {@link CopyText}). */
    public StagingCopy beginCopy(Tx tx) {
        try {
            return new StagingCopy(tx.connection().unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_SQL));
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    /** The staging COPY of an import: rows written as COPY text, in the import's transaction. */
    public static final class StagingCopy {
        private final CopyIn copy;

        private StagingCopy(CopyIn copy) {
            this.copy = copy;
        }

        /** Sends these bytes of COPY text. */
        public void write(byte[] bytes) {
            try {
                copy.writeToCopy(bytes, 0, bytes.length);
            } catch (SQLException e) {
                throw StoreException.of(e);
            }
        }

        /** Ends the COPY: every row sent is in staging. */
        public void end() {
            try {
                copy.endCopy();
            } catch (SQLException e) {
                throw StoreException.of(e);
            }
        }

        /** Cancels the COPY if it was not ended (after a failure), so that the connection can roll back. */
        public void cancelIfActive() {
            try {
                if (copy.isActive()) {
                    copy.cancelCopy();
                }
            } catch (SQLException e) {
                throw StoreException.of(e);
            }
        }
    }

    /** {@code n} fresh values of the referral code sequence, drawn on a connection of their own. */
    public long[] sequenceValues(int n) {
        return jdbc.read("draw referral code sequence values", tx -> {
            long[] values = new long[n];
            int[] i = {0};
            tx.each("SELECT nextval('referral_code_seq') FROM generate_series(1, ?)", 0, r -> values[i[0]++] = r.getLong(1), n);
            return values;
        });
    }

    /** What promotion did. */
    public record Promotion(Map<String, Integer> counts, List<Long> referrersCounted, int referrersUnresolved) {
    }

    /** Decides collisions and promotes the remaining pending rows of import {@code id}, in the caller's transaction. */
    public Promotion promote(Tx tx, long id) {
        analyze(tx);
        holdTakenMailboxes(tx, id);
        update(tx, id, "WITH f AS (SELECT email_normalized, min(line_no) AS first_line FROM legacy_users"
                + " WHERE import_id = ? AND status IN ('pending', 'held') GROUP BY email_normalized HAVING count(*) > 1)"
                + " UPDATE legacy_users l SET status = 'held', collides_with_line = f.first_line,"
                + " reason = 'the mailbox ' || l.email_normalized || ' is also on line ' || f.first_line"
                + " FROM f WHERE l.import_id = ? AND l.status = 'pending' AND l.email_normalized = f.email_normalized AND l.line_no > f.first_line", 2);
        update(tx, id, "UPDATE legacy_users l SET status = 'held', collides_with = r.user_id,"
                + " reason = 'the referral code ' || l.referral_code || ' was already issued to user ' || r.user_id"
                + " FROM referral_codes r WHERE l.import_id = ? AND l.status = 'pending' AND NOT l.code_reissued AND r.code = l.referral_code", 1);
        update(tx, id, "UPDATE legacy_users l SET status = 'held', collides_with = r.user_id,"
                + " reason = 'the referral code ' || l.referral_code || ' is the code ' || r.code || ' already issued to user ' || r.user_id"
                + " FROM referral_codes r WHERE l.import_id = ? AND l.status = 'pending' AND NOT l.code_reissued"
                + " AND l.referral_code ~ " + GENERATED + " AND r.code ~ " + GENERATED + " AND right(r.code, 9) = right(l.referral_code, 9)", 1);
        update(tx, id, "WITH k AS (SELECT line_no, referral_code, CASE WHEN referral_code ~ " + GENERATED + " THEN 'I' || right(referral_code, 9)"
                + " ELSE 'C' || referral_code END AS key FROM legacy_users WHERE import_id = ? AND status = 'pending' AND NOT code_reissued),"
                + " f AS (SELECT key, min(line_no) AS first_line FROM k GROUP BY key HAVING count(*) > 1)"
                + " UPDATE legacy_users l SET status = 'held', collides_with_line = f.first_line,"
                + " reason = 'the referral code ' || l.referral_code || ' is also on line ' || f.first_line"
                + " FROM k JOIN f USING (key) WHERE l.import_id = ? AND l.line_no = k.line_no AND k.line_no > f.first_line", 2);
        update(tx, id, "WITH ins AS (INSERT INTO users (email, email_normalized, referral_code, first_name, last_name, created_at)"
                + " SELECT email, email_normalized, referral_code, first_name, last_name, coalesce(created_at, now()) FROM legacy_users"
                + " WHERE import_id = ? AND status = 'pending' ORDER BY line_no"
                + " ON CONFLICT (email_normalized) WHERE status = 'active' DO NOTHING RETURNING id, email_normalized)"
                + " UPDATE legacy_users l SET status = 'imported', user_id = ins.id FROM ins"
                + " WHERE l.import_id = ? AND l.status = 'pending' AND l.email_normalized = ins.email_normalized", 2);
        analyze(tx); // most rows changed status: plans that read 'imported' rows must know there are many
        holdTakenMailboxes(tx, id); // a registration committed meanwhile
        update(tx, id, "UPDATE legacy_users SET status = 'held', reason = 'it could not be imported' WHERE import_id = ? AND status = 'pending'", 1);
        update(tx, id, "INSERT INTO gamification_profiles (user_id, points) SELECT user_id, 0 FROM legacy_users"
                + " WHERE import_id = ? AND status = 'imported'", 1);
        update(tx, id, "INSERT INTO points_ledger (user_id, delta, reason, idempotency_key)"
                + " SELECT user_id, points, 'import', 'import:' || import_id || ':' || line_no FROM legacy_users"
                + " WHERE import_id = ? AND status = 'imported' AND points > 0", 1);
        // Referrers: by a code ever issued (an alias follows its survivor), else by a re-issued legacy code of this file.
        update(tx, id, "UPDATE users u SET referred_by = r.user_id FROM legacy_users l, referral_codes r, users ref"
                + " WHERE l.import_id = ? AND l.status = 'imported' AND l.referred_by_code IS NOT NULL AND u.id = l.user_id"
                + " AND r.code = upper(l.referred_by_code) AND ref.id = r.user_id AND ref.status = 'active' AND r.user_id <> u.id", 1);
        update(tx, id, "WITH e AS MATERIALIZED (SELECT legacy_code, user_id FROM legacy_users"
                + " WHERE import_id = ? AND code_reissued AND status = 'imported' AND legacy_code IS NOT NULL)"
                + " UPDATE users u SET referred_by = e.user_id FROM legacy_users l, e"
                + " WHERE l.import_id = ? AND l.status = 'imported' AND l.referred_by_code = e.legacy_code AND u.id = l.user_id"
                + " AND u.referred_by IS NULL AND e.user_id <> u.id", 2);
        List<Long> referrers = tx.list("UPDATE gamification_profiles gp SET referral_count = gp.referral_count + x.n"
                + " FROM (SELECT u.referred_by AS id, count(*)::int AS n FROM legacy_users l JOIN users u ON u.id = l.user_id"
                + " WHERE l.import_id = ? AND l.status = 'imported' AND u.referred_by IS NOT NULL GROUP BY u.referred_by) x"
                + " WHERE gp.user_id = x.id RETURNING gp.user_id", r -> r.getLong(1), id);
        update(tx, id, "UPDATE legacy_users l SET collides_with = coalesce(e.user_id, e.collides_with) FROM legacy_users e"
                + " WHERE l.import_id = ? AND e.import_id = l.import_id AND e.line_no = l.collides_with_line AND l.collides_with IS NULL", 1);
        int unresolved = tx.single("SELECT count(*) FROM legacy_users l JOIN users u ON u.id = l.user_id"
                + " WHERE l.import_id = ? AND l.status = 'imported' AND l.referred_by_code IS NOT NULL AND u.referred_by IS NULL",
                r -> r.getInt(1), id);
        Map<String, Integer> counts = new LinkedHashMap<>();
        tx.each("SELECT status, count(*)::int FROM legacy_users WHERE import_id = ? GROUP BY status", 0,
                r -> counts.put(r.getString(1), r.getInt(2)), id);
        tx.update("UPDATE legacy_imports SET finished_at = now(), total_rows = ?, imported = ?, held = ?, invalid = ? WHERE id = ?",
                counts.values().stream().mapToInt(Integer::intValue).sum(), counts.getOrDefault("imported", 0),
                counts.getOrDefault("held", 0), counts.getOrDefault("invalid", 0), id);
        return new Promotion(counts, referrers, unresolved);
    }

    /**
     * Fresh statistics for the staging rows (sampled, so cheap): without them the planner takes a million copied or
     * promoted rows for a handful and joins them by nested loops, which turned one statement into minutes. Only the
     * table's owner may analyze it, so a runtime role asks {@code analyze_legacy_users} (V20, SECURITY DEFINER).
     */
    private static void analyze(Tx tx) {
        tx.single("SELECT analyze_legacy_users()", r -> null);
    }

    private static void holdTakenMailboxes(Tx tx, long id) {
        update(tx, id, "UPDATE legacy_users l SET status = 'held', collides_with = u.id,"
                + " reason = 'the mailbox ' || l.email_normalized || ' belongs to active user ' || u.id"
                + " FROM users u WHERE l.import_id = ? AND l.status = 'pending' AND u.email_normalized = l.email_normalized AND u.status = 'active'", 1);
    }

    /** A legacy row held because its referral code was already issued: where it is, who it is, the code it had. */
    public record HeldForCode(long importId, int line, String mailbox, String firstName, String legacyCode) {
    }

    /** Held rows whose only problem is their referral code: their mailbox is free. Locked when {@code lock}. */
    public List<HeldForCode> heldForCode(Tx tx, boolean lock) {
        return tx.list("SELECT l.import_id, l.line_no, l.email_normalized, l.first_name,"
                + " coalesce(l.legacy_code, l.referral_code) FROM legacy_users l WHERE " + HELD_FOR_A_TAKEN_CODE
                + " ORDER BY l.import_id, l.line_no"
                + (lock ? " FOR UPDATE OF l" : ""),
                r -> new HeldForCode(r.getLong(1), r.getInt(2), r.getString(3), r.getString(4), r.getString(5)));
    }

    /**
     * Promotes one row held for its referral code, with {@code newCode} instead, in the caller's transaction: the user,
     * its profile and {@code import} ledger entry, its referrer (by a code ever issued). Returns the new user's id, or
     * empty when its mailbox was taken meanwhile (the row stays held).
     */
    public Optional<Long> promoteWithNewCode(Tx tx, long importId, int line, String newCode) {
        Optional<Long> inserted = tx.first("INSERT INTO users (email, email_normalized, referral_code, first_name, last_name,"
                + " created_at) SELECT email, email_normalized, ?, first_name, last_name, coalesce(created_at, now()) FROM legacy_users"
                + " WHERE import_id = ? AND line_no = ? AND status = 'held'"
                + " ON CONFLICT (email_normalized) WHERE status = 'active' DO NOTHING RETURNING id", r -> r.getLong(1), newCode, importId, line);
        if (inserted.isEmpty()) {
            return Optional.empty();
        }
        long userId = inserted.get();
        String[] steps = {
            "UPDATE legacy_users SET status = 'imported', user_id = ?, reason = NULL, collides_with = NULL, collides_with_line = NULL,"
                    + " code_reissued = true, referral_code = ? WHERE import_id = ? AND line_no = ?",
            "INSERT INTO gamification_profiles (user_id, points) SELECT ?, 0 FROM legacy_users"
                    + " WHERE import_id = ? AND line_no = ?",
            "INSERT INTO points_ledger (user_id, delta, reason, idempotency_key) SELECT ?, points, 'import',"
                    + " 'import:' || import_id || ':' || line_no FROM legacy_users WHERE import_id = ? AND line_no = ? AND points > 0",
            "UPDATE users u SET referred_by = r.user_id FROM legacy_users l, referral_codes r, users ref WHERE u.id = ?"
                    + " AND l.import_id = ? AND l.line_no = ? AND l.referred_by_code IS NOT NULL AND r.code = upper(l.referred_by_code)"
                    + " AND ref.id = r.user_id AND ref.status = 'active' AND r.user_id <> u.id",
            "UPDATE gamification_profiles gp SET referral_count = gp.referral_count + 1 FROM users u"
                    + " WHERE u.id = ? AND gp.user_id = u.referred_by"};
        for (int i = 0; i < steps.length; i++) {
            List<Object> args = new ArrayList<>();
            args.add(userId);
            if (i == 0) {
                args.add(newCode);
            }
            if (i < steps.length - 1) { // the last step needs the user only
                args.add(importId);
                args.add(line);
            }
            tx.update(steps[i], args.toArray());
        }
        return Optional.of(userId);
    }

    /** Held rows of an import, in file order: line, reason, the user collided with. */
    public record HeldRow(int line, String email, String reason, Long collidesWith) {
    }

    public List<HeldRow> held(long id, int limit) {
        return jdbc.read("read the held rows of import " + id, tx -> tx.list("SELECT line_no, email, reason, collides_with"
                + " FROM legacy_users WHERE import_id = ? AND status = 'held' ORDER BY line_no LIMIT ?",
                r -> new HeldRow(r.getInt(1), r.getString(2), r.getString(3), r.getLongOrNull(4)), id, limit));
    }

    /** How many rows of an import were given a fresh code but not imported (held or bad). */
    public long reissuedNotImported(long importId) {
        return jdbc.read("count the re-issued codes of import " + importId, tx -> tx.singleLong(
                "SELECT count(*) FROM legacy_users WHERE import_id = ? AND code_reissued AND status <> 'imported'", importId));
    }

    private static int update(Tx tx, long id, String sql, int idParams) {
        long start = System.nanoTime();
        Object[] ids = new Object[idParams];
        java.util.Arrays.fill(ids, id);
        int n = tx.update(sql, ids);
        if (log.isDebugEnabled()) {
            log.debug("import {}: {} rows in {} ms: {}", id, n, (System.nanoTime() - start) / 1_000_000,
                    sql.length() > 90 ? sql.substring(0, 90) + "…" : sql);
        }
        return n;
    }

    /** Builds rows of PostgreSQL's COPY text format. */
    public static final class CopyText {
        private final StringBuilder sb = new StringBuilder(1 << 16);
        private boolean inRow;

        public CopyText field(Object value) {
            if (inRow) {
                sb.append('\t');
            }
            inRow = true;
            if (value == null) {
                sb.append("\\N");
                return this;
            }
            String s = value.toString();
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                switch (ch) {
                    case '\\' -> sb.append("\\\\");
                    case '\t' -> sb.append("\\t");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\0' -> sb.append('\uFFFD');
                    default -> sb.append(ch);
                }
            }
            return this;
        }

        public CopyText endRow() {
            inRow = false;
            sb.append('\n');
            return this;
        }

        public int length() {
            return sb.length();
        }

        /** The buffered rows as UTF-8, emptying the buffer. */
        public byte[] drain() {
            byte[] b = sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            sb.setLength(0);
            return b;
        }
    }
}
