package org.nstcg.integrity.engine.store;

import java.util.Collection;
import java.util.List;

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
 * A failure reads "Cannot look for duplicates in PostgreSQL (reason)."
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

    private static final String WHAT = "look for duplicates";

    private final Jdbc jdbc;

    public DuplicateStore(Jdbc jdbc) {
        this.jdbc = jdbc;
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

    public BlockStats blockStats(int maxBlock) {
        String sql = KEYS + ", p AS (SELECT DISTINCT a.id AS x, c.id AS y FROM k a JOIN b ON b.key = a.key AND b.n <= ?"
                + " JOIN k c ON c.key = a.key AND a.id < c.id)"
                + " SELECT (SELECT count(*) FROM users WHERE status = 'active'), (SELECT count(*) FROM b WHERE n <= ?),"
                + " (SELECT count(*) FROM b WHERE n > ?), (SELECT count(*) FROM p)";
        return jdbc.read(WHAT, tx -> tx.single(sql, r -> new BlockStats(r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4)),
                maxBlock, maxBlock, maxBlock));
    }

    /** Receives candidate pairs one at a time. */
    @FunctionalInterface
    public interface CandidateSink {
        void accept(Candidate c);
    }

    /** Streams every candidate pair (each once) with both users, through a cursor: memory stays flat. */
    public void candidates(int maxBlock, CandidateSink sink) {
        String sql = KEYS + ", p AS (SELECT DISTINCT a.id AS x, c.id AS y FROM k a JOIN b ON b.key = a.key AND b.n <= ?"
                + " JOIN k c ON c.key = a.key AND a.id < c.id)"
                + " SELECT ua.id, ua.email, ua.email_normalized, ua.first_name, ua.last_name, ua.status,"
                + " ub.id, ub.email, ub.email_normalized, ub.first_name, ub.last_name, ub.status"
                + " FROM p JOIN users ua ON ua.id = p.x JOIN users ub ON ub.id = p.y";
        // In a transaction, so that the driver reads through a cursor; it writes nothing.
        jdbc.transact(WHAT, tx -> tx.each(sql, 2000, r -> sink.accept(new Candidate(person(r, 1), person(r, 7))), maxBlock));
    }

    /**
     * Up to {@code limit} active users whose normalised mailbox is not plain ASCII, or has an IDN ({@code xn--})
     * label: the only ones that can be look-alikes of another address (a Cyrillic а, a fullwidth ａ). One scan of the
     * active users, as the blocking keys take.
     */
    public List<Person> nonAsciiMailboxes(int limit) {
        return jdbc.read(WHAT, tx -> tx.list("SELECT id, email, email_normalized, first_name, last_name, status FROM users"
                + " WHERE status = 'active' AND (email_normalized !~ '^[ -~]*$' OR email_normalized LIKE '%xn--%') ORDER BY id LIMIT ?",
                r -> person(r, 1), limit));
    }

    /** The active users with one of these normalised mailboxes (by the mailbox index). */
    public List<Person> activeWithMailboxes(Collection<String> mailboxes) {
        if (mailboxes.isEmpty()) {
            return List.of();
        }
        return jdbc.read(WHAT, tx -> tx.list("SELECT id, email, email_normalized, first_name, last_name, status FROM users"
                + " WHERE status = 'active' AND email_normalized = ANY (?)", r -> person(r, 1), Tx.texts(mailboxes)));
    }

    /**
     * Exact duplicates, one page: held legacy rows whose mailbox is an active user's, and merged or archived users
     * whose mailbox is an active user's (except one merged into that very user, which is resolved).
     */
    public List<Exact> exact(int offset, int limit) {
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
        return jdbc.read(WHAT, tx -> tx.list(sql, r -> {
            Long oid = r.getLongOrNull(7);
            return new Exact(person(r, 1), new Person(oid == null ? -1 : oid, r.getString(8), r.getString(9), r.getString(10),
                    r.getString(11), r.getString(12)), r.getLongOrNull(13), r.getIntOrNull(14), r.getString(15));
        }, offset, limit));
    }

    private static Person person(Row r, int i) {
        return new Person(r.getLong(i), r.getString(i + 1), r.getString(i + 2), r.getString(i + 3), r.getString(i + 4), r.getString(i + 5));
    }
}
