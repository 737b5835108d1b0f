package org.nstcg.integrity.engine.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
 * the newcomer.
 */
public final class LegacyImportStore {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LegacyImportStore.class);

    /** The shape of a code this engine generates; two such codes are one code when their last 9 symbols agree. */
    static final String GENERATED = "'^([A-Z]{4}-)?[0-9A-HJKMNP-TV-Z]{9}$'";

    public static final String COPY_SQL = "COPY legacy_users (import_id, line_no, email, email_normalized, first_name, last_name,"
            + " legacy_code, referral_code, code_reissued, points, referred_by_code, created_at, status, reason) FROM STDIN (FORMAT text)";

    private final DataSource dataSource;

    public LegacyImportStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public long createImport(Connection c, String fileName, String actor) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO legacy_imports (file_name, actor) VALUES (?, ?) RETURNING id")) {
            ps.setString(1, fileName.length() > 500 ? fileName.substring(fileName.length() - 500) : fileName);
            ps.setString(2, actor);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Starts the staging COPY on {@code c} (text format; rows built by the caller, see {@link CopyText}). */
    public CopyIn beginCopy(Connection c) throws SQLException {
        return c.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY_SQL);
    }

    /** {@code n} fresh values of the referral code sequence, drawn on a connection of their own. */
    public long[] sequenceValues(int n) throws SQLException {
        long[] values = new long[n];
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT nextval('referral_code_seq') FROM generate_series(1, ?)")) {
            ps.setInt(1, n);
            try (ResultSet rs = ps.executeQuery()) {
                int i = 0;
                while (rs.next()) {
                    values[i++] = rs.getLong(1);
                }
            }
        }
        return values;
    }

    /** What promotion did. */
    public record Promotion(Map<String, Integer> counts, List<Long> referrersCounted, int referrersUnresolved) {
    }

    /** Decides collisions and promotes the remaining pending rows of import {@code id}, in the caller's transaction. */
    public Promotion promote(Connection c, long id) throws SQLException {
        analyze(c);
        holdTakenMailboxes(c, id);
        update(c, id, "WITH f AS (SELECT email_normalized, min(line_no) AS first_line FROM legacy_users"
                + " WHERE import_id = ? AND status IN ('pending', 'held') GROUP BY email_normalized HAVING count(*) > 1)"
                + " UPDATE legacy_users l SET status = 'held', collides_with_line = f.first_line,"
                + " reason = 'the mailbox ' || l.email_normalized || ' is also on line ' || f.first_line"
                + " FROM f WHERE l.import_id = ? AND l.status = 'pending' AND l.email_normalized = f.email_normalized AND l.line_no > f.first_line", 2);
        update(c, id, "UPDATE legacy_users l SET status = 'held', collides_with = r.user_id,"
                + " reason = 'the referral code ' || l.referral_code || ' was already issued to user ' || r.user_id"
                + " FROM referral_codes r WHERE l.import_id = ? AND l.status = 'pending' AND NOT l.code_reissued AND r.code = l.referral_code", 1);
        update(c, id, "UPDATE legacy_users l SET status = 'held', collides_with = r.user_id,"
                + " reason = 'the referral code ' || l.referral_code || ' is the code ' || r.code || ' already issued to user ' || r.user_id"
                + " FROM referral_codes r WHERE l.import_id = ? AND l.status = 'pending' AND NOT l.code_reissued"
                + " AND l.referral_code ~ " + GENERATED + " AND r.code ~ " + GENERATED + " AND right(r.code, 9) = right(l.referral_code, 9)", 1);
        update(c, id, "WITH k AS (SELECT line_no, referral_code, CASE WHEN referral_code ~ " + GENERATED + " THEN 'I' || right(referral_code, 9)"
                + " ELSE 'C' || referral_code END AS key FROM legacy_users WHERE import_id = ? AND status = 'pending' AND NOT code_reissued),"
                + " f AS (SELECT key, min(line_no) AS first_line FROM k GROUP BY key HAVING count(*) > 1)"
                + " UPDATE legacy_users l SET status = 'held', collides_with_line = f.first_line,"
                + " reason = 'the referral code ' || l.referral_code || ' is also on line ' || f.first_line"
                + " FROM k JOIN f USING (key) WHERE l.import_id = ? AND l.line_no = k.line_no AND k.line_no > f.first_line", 2);
        update(c, id, "WITH ins AS (INSERT INTO users (email, email_normalized, referral_code, first_name, last_name, created_at)"
                + " SELECT email, email_normalized, referral_code, first_name, last_name, coalesce(created_at, now()) FROM legacy_users"
                + " WHERE import_id = ? AND status = 'pending' ORDER BY line_no"
                + " ON CONFLICT (email_normalized) WHERE status = 'active' DO NOTHING RETURNING id, email_normalized)"
                + " UPDATE legacy_users l SET status = 'imported', user_id = ins.id FROM ins"
                + " WHERE l.import_id = ? AND l.status = 'pending' AND l.email_normalized = ins.email_normalized", 2);
        analyze(c); // most rows changed status: plans that read 'imported' rows must know there are many
        holdTakenMailboxes(c, id); // a registration committed meanwhile
        update(c, id, "UPDATE legacy_users SET status = 'held', reason = 'it could not be imported' WHERE import_id = ? AND status = 'pending'", 1);
        update(c, id, "INSERT INTO gamification_profiles (user_id, points) SELECT user_id, 0 FROM legacy_users"
                + " WHERE import_id = ? AND status = 'imported'", 1);
        update(c, id, "INSERT INTO points_ledger (user_id, delta, reason, idempotency_key)"
                + " SELECT user_id, points, 'import', 'import:' || import_id || ':' || line_no FROM legacy_users"
                + " WHERE import_id = ? AND status = 'imported' AND points > 0", 1);
        // Referrers: by a code ever issued (an alias follows its survivor), else by a re-issued legacy code of this file.
        update(c, id, "UPDATE users u SET referred_by = r.user_id FROM legacy_users l, referral_codes r, users ref"
                + " WHERE l.import_id = ? AND l.status = 'imported' AND l.referred_by_code IS NOT NULL AND u.id = l.user_id"
                + " AND r.code = upper(l.referred_by_code) AND ref.id = r.user_id AND ref.status = 'active' AND r.user_id <> u.id", 1);
        update(c, id, "WITH e AS MATERIALIZED (SELECT legacy_code, user_id FROM legacy_users"
                + " WHERE import_id = ? AND code_reissued AND status = 'imported' AND legacy_code IS NOT NULL)"
                + " UPDATE users u SET referred_by = e.user_id FROM legacy_users l, e"
                + " WHERE l.import_id = ? AND l.status = 'imported' AND l.referred_by_code = e.legacy_code AND u.id = l.user_id"
                + " AND u.referred_by IS NULL AND e.user_id <> u.id", 2);
        List<Long> referrers = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("UPDATE gamification_profiles gp SET referral_count = gp.referral_count + x.n"
                + " FROM (SELECT u.referred_by AS id, count(*)::int AS n FROM legacy_users l JOIN users u ON u.id = l.user_id"
                + " WHERE l.import_id = ? AND l.status = 'imported' AND u.referred_by IS NOT NULL GROUP BY u.referred_by) x"
                + " WHERE gp.user_id = x.id RETURNING gp.user_id")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    referrers.add(rs.getLong(1));
                }
            }
        }
        update(c, id, "UPDATE legacy_users l SET collides_with = coalesce(e.user_id, e.collides_with) FROM legacy_users e"
                + " WHERE l.import_id = ? AND e.import_id = l.import_id AND e.line_no = l.collides_with_line AND l.collides_with IS NULL", 1);
        int unresolved;
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM legacy_users l JOIN users u ON u.id = l.user_id"
                + " WHERE l.import_id = ? AND l.status = 'imported' AND l.referred_by_code IS NOT NULL AND u.referred_by IS NULL")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                unresolved = rs.getInt(1);
            }
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT status, count(*)::int FROM legacy_users WHERE import_id = ? GROUP BY status")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE legacy_imports SET finished_at = now(), total_rows = ?, imported = ?,"
                + " held = ?, invalid = ? WHERE id = ?")) {
            ps.setInt(1, counts.values().stream().mapToInt(Integer::intValue).sum());
            ps.setInt(2, counts.getOrDefault("imported", 0));
            ps.setInt(3, counts.getOrDefault("held", 0));
            ps.setInt(4, counts.getOrDefault("invalid", 0));
            ps.setLong(5, id);
            ps.executeUpdate();
        }
        return new Promotion(counts, referrers, unresolved);
    }

    /**
     * Fresh statistics for the staging rows (sampled, so cheap): without them the planner takes a million copied or
     * promoted rows for a handful and joins them by nested loops, which turned one statement into minutes.
     */
    private static void analyze(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("ANALYZE legacy_users")) {
            ps.execute();
        }
    }

    private static void holdTakenMailboxes(Connection c, long id) throws SQLException {
        update(c, id, "UPDATE legacy_users l SET status = 'held', collides_with = u.id,"
                + " reason = 'the mailbox ' || l.email_normalized || ' belongs to active user ' || u.id"
                + " FROM users u WHERE l.import_id = ? AND l.status = 'pending' AND u.email_normalized = l.email_normalized AND u.status = 'active'", 1);
    }

    /** A legacy row held because its referral code was already issued: where it is, who it is, the code it had. */
    public record HeldForCode(long importId, int line, String mailbox, String firstName, String legacyCode) {
    }

    /** Held rows whose only problem is their referral code: their mailbox is free. Locked when {@code lock}. */
    public List<HeldForCode> heldForCode(Connection c, boolean lock) throws SQLException {
        List<HeldForCode> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT l.import_id, l.line_no, l.email_normalized, l.first_name,"
                + " coalesce(l.legacy_code, l.referral_code) FROM legacy_users l WHERE l.status = 'held'"
                + " AND l.reason LIKE 'the referral code %' AND NOT EXISTS (SELECT 1 FROM users u"
                + " WHERE u.email_normalized = l.email_normalized AND u.status = 'active') ORDER BY l.import_id, l.line_no"
                + (lock ? " FOR UPDATE OF l" : ""))) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new HeldForCode(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5)));
                }
            }
        }
        return out;
    }

    /**
     * Promotes one row held for its referral code, with {@code newCode} instead, in the caller's transaction: the user,
     * its profile and {@code import} ledger entry, its referrer (by a code ever issued). Returns the new user's id, or
     * empty when its mailbox was taken meanwhile (the row stays held).
     */
    public Optional<Long> promoteWithNewCode(Connection c, long importId, int line, String newCode) throws SQLException {
        Long userId = null;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (email, email_normalized, referral_code, first_name, last_name,"
                + " created_at) SELECT email, email_normalized, ?, first_name, last_name, coalesce(created_at, now()) FROM legacy_users"
                + " WHERE import_id = ? AND line_no = ? AND status = 'held'"
                + " ON CONFLICT (email_normalized) WHERE status = 'active' DO NOTHING RETURNING id")) {
            ps.setString(1, newCode);
            ps.setLong(2, importId);
            ps.setInt(3, line);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    userId = rs.getLong(1);
                }
            }
        }
        if (userId == null) {
            return Optional.empty();
        }
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
            try (PreparedStatement ps = c.prepareStatement(steps[i])) {
                int k = 1;
                ps.setLong(k++, userId);
                if (i == 0) {
                    ps.setString(k++, newCode);
                }
                if (i < steps.length - 1) { // the last step needs the user only
                    ps.setLong(k++, importId);
                    ps.setInt(k, line);
                }
                ps.executeUpdate();
            }
        }
        return Optional.of(userId);
    }

    /** Held rows of an import, in file order: line, reason, the user collided with. */
    public record HeldRow(int line, String email, String reason, Long collidesWith) {
    }

    public List<HeldRow> held(long id, int limit) throws SQLException {
        List<HeldRow> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT line_no, email, reason, collides_with"
                + " FROM legacy_users WHERE import_id = ? AND status = 'held' ORDER BY line_no LIMIT ?")) {
            ps.setLong(1, id);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new HeldRow(rs.getInt(1), rs.getString(2), rs.getString(3), (Long) rs.getObject(4)));
                }
            }
        }
        return rows;
    }

    private static int update(Connection c, long id, String sql, int idParams) throws SQLException {
        long start = System.nanoTime();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 1; i <= idParams; i++) {
                ps.setLong(i, id);
            }
            int n = ps.executeUpdate();
            if (log.isDebugEnabled()) {
                log.debug("import {}: {} rows in {} ms: {}", id, n, (System.nanoTime() - start) / 1_000_000,
                        sql.length() > 90 ? sql.substring(0, 90) + "…" : sql);
            }
            return n;
        }
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
