package org.nstcg.integrity.engine.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The SQL of duplicate detection. Exact duplicates share a normalised mailbox; likely ones are found by
 * <b>blocking</b>: each active user gets a few keys, and only users sharing a key are ever compared.
 *
 * <p>Design notes: keys are computed in one set-based statement, so the candidate pairs cost a sort of the key
 * table, not n² comparisons. Keys (letters only, lower case):
 * <ul>
 *   <li>{@code e:} the mailbox's local part without +tag, digits, dots, underscores or hyphens ({@code jane.doe42} →
 *   {@code janedoe}), <i>and</i> the names written as such a local part ({@code janedoe}, {@code jdoe}), so that
 *   {@code j.doe@…} meets Jane Doe and {@code janedoe@outlook.com} meets {@code jane.doe@gmail.com};</li>
 *   <li>{@code p:} first initial and a consonant skeleton of the last name (vowels, h, w, y dropped, repeats
 *   collapsed), a phonetic key that survives Jon/John, Smyth/Smith.</li>
 * </ul>
 * Keys shorter than 3 letters are dropped, and blocks larger than {@code maxBlock} (info@, the Smiths) are skipped
 * and counted: a block of k users costs k² comparisons. pg_trgm and fuzzystrmatch would help but are not
 * installable in every database we run on (an extension is per database, not per schema), so scoring is in Java.
 */
public final class DuplicateStore {

    /** One side of a candidate pair. */
    public record Person(long id, String email, String emailNormalized, String firstName, String lastName, String status) {
    }

    /** A pair of users sharing at least one blocking key. */
    public record Candidate(Person a, Person b) {
    }

    /** An exact duplicate: the same mailbox. {@code legacyImport}/{@code legacyLine} set when the other side is a held legacy row. */
    public record Exact(Person user, Person other, Long legacyImport, Integer legacyLine, String legacyReason) {
    }

    private final DataSource dataSource;

    public DuplicateStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    static final String KEYS = "WITH u AS (SELECT id, lower(first_name) AS f, lower(coalesce(last_name, '')) AS l,"
            + " regexp_replace(split_part(email_normalized, '@', 1), '\\+.*$', '') AS lp FROM users WHERE status = 'active'),"
            + " k0 AS (SELECT id, 'e:' || regexp_replace(lp, '[^a-z]', '', 'g') AS key FROM u"
            + "  UNION ALL SELECT id, 'e:' || regexp_replace(f || l, '[^a-z]', '', 'g') FROM u WHERE l <> ''"
            + "  UNION ALL SELECT id, 'e:' || regexp_replace(left(f, 1) || l, '[^a-z]', '', 'g') FROM u WHERE l <> ''"
            + "  UNION ALL SELECT id, 'p:' || left(regexp_replace(f, '[^a-z]', '', 'g'), 1) || ':'"
            + "   || regexp_replace(regexp_replace(regexp_replace(l, '[^a-z]', '', 'g'), '[aeiouyhw]', '', 'g'), '(.)\\1+', '\\1', 'g')"
            + "   FROM u WHERE l <> ''),"
            + " k AS (SELECT DISTINCT id, key FROM k0 WHERE CASE WHEN key LIKE 'e:%' THEN length(key) >= 5 ELSE length(key) >= 6 AND key !~ ':$' END),"
            + " b AS (SELECT key, count(*) AS n FROM k GROUP BY key HAVING count(*) >= 2)";

    /** How many blocks, how many skipped as too large, and how many distinct candidate pairs. */
    public record BlockStats(long activeUsers, long blocks, long skippedBlocks, long candidatePairs) {
    }

    public BlockStats blockStats(int maxBlock) throws SQLException {
        String sql = KEYS + ", p AS (SELECT DISTINCT a.id AS x, c.id AS y FROM k a JOIN b ON b.key = a.key AND b.n <= ?"
                + " JOIN k c ON c.key = a.key AND a.id < c.id)"
                + " SELECT (SELECT count(*) FROM users WHERE status = 'active'), (SELECT count(*) FROM b WHERE n <= ?),"
                + " (SELECT count(*) FROM b WHERE n > ?), (SELECT count(*) FROM p)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, maxBlock);
            ps.setInt(2, maxBlock);
            ps.setInt(3, maxBlock);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new BlockStats(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
            }
        }
    }

    /** Receives candidate pairs one at a time. */
    @FunctionalInterface
    public interface CandidateSink {
        void accept(Candidate c);
    }

    /** Streams every candidate pair (each once) with both users, through a cursor: memory stays flat. */
    public void candidates(int maxBlock, CandidateSink sink) throws SQLException {
        String sql = KEYS + ", p AS (SELECT DISTINCT a.id AS x, c.id AS y FROM k a JOIN b ON b.key = a.key AND b.n <= ?"
                + " JOIN k c ON c.key = a.key AND a.id < c.id)"
                + " SELECT ua.id, ua.email, ua.email_normalized, ua.first_name, ua.last_name, ua.status,"
                + " ub.id, ub.email, ub.email_normalized, ub.first_name, ub.last_name, ub.status"
                + " FROM p JOIN users ua ON ua.id = p.x JOIN users ub ON ub.id = p.y";
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setFetchSize(2000);
                ps.setInt(1, maxBlock);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(new Candidate(person(rs, 1), person(rs, 7)));
                    }
                }
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }

    /**
     * Exact duplicates, one page: held legacy rows whose mailbox is an active user's, and merged or archived users
     * whose mailbox is an active user's (except one merged into that very user, which is resolved).
     */
    public List<Exact> exact(int offset, int limit) throws SQLException {
        String sql = "SELECT * FROM ("
                + " SELECT a.id, a.email, a.email_normalized, a.first_name, a.last_name, a.status,"
                + "  h.id AS oid, h.email AS oemail, h.email_normalized AS onorm, h.first_name AS ofirst, h.last_name AS olast, h.status AS ostatus,"
                + "  NULL::bigint AS imp, NULL::int AS line, NULL::text AS why"
                + " FROM users h JOIN users a ON a.email_normalized = h.email_normalized AND a.status = 'active'"
                + " WHERE h.status <> 'active' AND h.merged_into IS DISTINCT FROM a.id"
                + " UNION ALL"
                + " SELECT a.id, a.email, a.email_normalized, a.first_name, a.last_name, a.status,"
                + "  NULL, l.email, l.email_normalized, l.first_name, l.last_name, 'held', l.import_id, l.line_no, l.reason"
                + " FROM legacy_users l JOIN users a ON a.email_normalized = l.email_normalized AND a.status = 'active'"
                + " WHERE l.status = 'held') x ORDER BY email_normalized, id, imp NULLS FIRST, line, oid OFFSET ? LIMIT ?";
        List<Exact> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, offset);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Long oid = (Long) rs.getObject(7);
                    out.add(new Exact(person(rs, 1), new Person(oid == null ? -1 : oid, rs.getString(8), rs.getString(9), rs.getString(10),
                            rs.getString(11), rs.getString(12)), (Long) rs.getObject(13), (Integer) rs.getObject(14), rs.getString(15)));
                }
            }
        }
        return out;
    }

    private static Person person(ResultSet rs, int i) throws SQLException {
        return new Person(rs.getLong(i), rs.getString(i + 1), rs.getString(i + 2), rs.getString(i + 3), rs.getString(i + 4), rs.getString(i + 5));
    }
}
