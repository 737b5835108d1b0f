package org.nstcg.integrity.engine.store;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The SQL behind the cache: what each cached key holds (with the version of its rows), set-based version look-ups
 * for the divergence sampler, keyset-paged reads for rebuilds, and the durable list of missed invalidations.
 * Values are JSON built by PostgreSQL, so the cache, the sampler and a rebuild all see one shape.
 */
public final class CacheRows {

    /** How many top referrers {@code leaderboard:referrers} holds. */
    public static final int LEADERBOARD_SIZE = 10;

    /** A value to cache: its JSON and the version of the rows it was read from ({@code -1}: not versioned). */
    public record Row(String key, String json, long version, Instant changedAt) {
    }

    /** The columns of {@code user:<id>}; the JSON is built here in Java, which costs PostgreSQL a sixth of jsonb_build_object. */
    private static final String USER_COLUMNS = "u.email, u.first_name, u.last_name, u.referral_code, u.status, u.merged_into,"
            + " coalesce(p.points, 0), coalesce(p.referral_count, 0), u.created_at";
    private static final String USER_VERSION = "u.version + coalesce(p.version, 0)";
    private static final String USER_CHANGED = "greatest(u.updated_at, coalesce(p.updated_at, u.updated_at))";

    private final DataSource dataSource;

    public CacheRows(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** {@code user:<id>}: the user with its points, any status; empty when there is no such user. */
    public Optional<Row> user(long id) throws SQLException {
        List<Row> rows = users(List.of(id));
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** {@code user:<id>} for each id that exists (any order). */
    public List<Row> users(List<Long> ids) throws SQLException {
        String sql = "SELECT u.id, " + USER_VERSION + ", " + USER_CHANGED + ", " + USER_COLUMNS
                + " FROM users u LEFT JOIN profile_totals p ON p.user_id = u.id WHERE u.id = ANY (?)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            Array array = c.createArrayOf("bigint", ids.toArray());
            ps.setArray(1, array);
            return readUsers(ps);
        }
    }

    /** One page of {@code user:<id>} values in id order after {@code afterId}: a rebuild reads all users this way. */
    public List<Row> usersAfter(long afterId, int limit) throws SQLException {
        String sql = "SELECT u.id, " + USER_VERSION + ", " + USER_CHANGED + ", " + USER_COLUMNS
                // p.user_id > ? too: without it the merge join scans the profiles' index from the start on every page.
                + " FROM users u LEFT JOIN profile_totals p ON p.user_id = u.id AND p.user_id > ? WHERE u.id > ? ORDER BY u.id LIMIT ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, afterId);
            ps.setLong(2, afterId);
            ps.setInt(3, limit);
            return readUsers(ps);
        }
    }

    /** How many users there are (for a rebuild's progress). */
    public long userRows() throws SQLException {
        return single("SELECT count(*) FROM users");
    }

    /** How many referral codes there are (for a rebuild's progress). */
    public long referralRows() throws SQLException {
        return single("SELECT count(*) FROM referral_codes");
    }

    /** {@code count:users}: active users, the platform's public sign-up counter. */
    public Row userCount() throws SQLException {
        return new Row("count:users", Long.toString(single("SELECT count(*) FROM users WHERE status = 'active'")), -1, Instant.now());
    }

    /** {@code leaderboard:referrers}: the top active referrers by points, as a JSON array. */
    public Row leaderboard() throws SQLException {
        String sql = "SELECT coalesce(jsonb_agg(jsonb_build_object('userId', t.id, 'firstName', t.first_name,"
                + " 'referralCode', t.referral_code, 'points', t.points, 'referralCount', t.referral_count)"
                + " ORDER BY t.points DESC, t.id), '[]'::jsonb)::text FROM (SELECT u.id, u.first_name, u.referral_code, p.points,"
                + " p.referral_count FROM profile_totals p JOIN users u ON u.id = p.user_id"
                + " WHERE u.status = 'active' AND p.referral_count > 0 AND p.user_id IN ("
                // The candidates: the top by row points (a user without stripes has no other figures) and every user
                // with stripes (whose figures only ever exceed the row's), so the top by totals is among them.
                + "SELECT r.user_id FROM (SELECT g.user_id FROM gamification_profiles g JOIN users gu ON gu.id = g.user_id"
                + " WHERE gu.status = 'active' AND g.referral_count > 0 ORDER BY g.points DESC, g.user_id LIMIT " + LEADERBOARD_SIZE + ") r"
                + " UNION SELECT user_id FROM profile_credit_stripes)"
                + " ORDER BY p.points DESC, u.id LIMIT " + LEADERBOARD_SIZE + ") t";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Row("leaderboard:referrers", rs.getString(1), -1, Instant.now());
        }
    }

    /** {@code referral:<code>}: who a code (primary or alias) belongs to; empty when no such code was issued. */
    public Optional<Row> referral(String code) throws SQLException {
        List<Row> rows = referrals(List.of(code));
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** {@code referral:<code>} for each code that was issued. */
    public List<Row> referrals(List<String> codes) throws SQLException {
        String sql = "SELECT r.code, jsonb_build_object('code', r.code, 'kind', r.kind, 'userId', u.id, 'status', u.status,"
                + " 'mergedInto', u.merged_into)::text, u.version, u.updated_at FROM referral_codes r JOIN users u ON u.id = r.user_id"
                + " WHERE r.code = ANY (?)";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("varchar", codes.toArray()));
            return readRows(ps, "referral:");
        }
    }

    /** One page of {@code referral:<code>} values in code order after {@code afterCode}. */
    public List<Row> referralsAfter(String afterCode, int limit) throws SQLException {
        String sql = "SELECT r.code, jsonb_build_object('code', r.code, 'kind', r.kind, 'userId', u.id, 'status', u.status,"
                + " 'mergedInto', u.merged_into)::text, u.version, u.updated_at FROM referral_codes r JOIN users u ON u.id = r.user_id"
                + " WHERE r.code > ? ORDER BY r.code LIMIT ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, afterCode);
            ps.setInt(2, limit);
            return readRows(ps, "referral:");
        }
    }

    /** The current version and last change of each user id's {@code user:<id>} value; absent ids are missing from the map. */
    public Map<Long, Row> userVersions(List<Long> ids) throws SQLException {
        Map<Long, Row> out = new HashMap<>();
        for (Row r : users(ids)) {
            out.put(Long.parseLong(r.key().substring("user:".length())), r);
        }
        return out;
    }

    /** Reads rows of (id, version, changed, USER_COLUMNS) into {@code user:<id>} values. */
    private static List<Row> readUsers(PreparedStatement ps) throws SQLException {
        List<Row> out = new ArrayList<>();
        StringBuilder json = new StringBuilder(256);
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long id = rs.getLong(1);
                json.setLength(0);
                json.append("{\"id\":").append(id);
                field(json, "email", rs.getString(4));
                field(json, "firstName", rs.getString(5));
                field(json, "lastName", rs.getString(6));
                field(json, "referralCode", rs.getString(7));
                field(json, "status", rs.getString(8));
                long mergedInto = rs.getLong(9);
                json.append(",\"mergedInto\":").append(rs.wasNull() ? "null" : Long.toString(mergedInto));
                json.append(",\"points\":").append(rs.getLong(10));
                json.append(",\"referralCount\":").append(rs.getLong(11));
                field(json, "createdAt", rs.getTimestamp(12).toInstant().toString());
                json.append('}');
                Timestamp changed = rs.getTimestamp(3);
                out.add(new Row("user:" + id, json.toString(), rs.getLong(2), changed.toInstant()));
            }
        }
        return out;
    }

    private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();

    private static void field(StringBuilder json, String name, String value) {
        json.append(",\"").append(name).append("\":");
        if (value == null) {
            json.append("null");
        } else {
            json.append('"');
            ENCODER.quoteAsString(value, json);
            json.append('"');
        }
    }

    private static List<Row> readRows(PreparedStatement ps, String keyPrefix) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Timestamp changed = rs.getTimestamp(4);
                out.add(new Row(keyPrefix + rs.getString(1), rs.getString(2), rs.getLong(3),
                        changed == null ? Instant.EPOCH : changed.toInstant()));
            }
        }
        return out;
    }

    private long single(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // Missed invalidations -------------------------------------------------------------------------------------

    /** A key (or pattern) whose invalidation could not reach Redis. */
    public record Missed(String key, boolean pattern) {
    }

    /** Records invalidations that could not reach Redis, so that any instance replays them later. */
    public void recordMissed(List<Missed> missed, String instanceId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO cache_missed_invalidations (cache_key, is_pattern, instance_id) VALUES (?, ?, ?)")) {
            for (Missed m : missed) {
                ps.setString(1, m.key());
                ps.setBoolean(2, m.pattern());
                ps.setString(3, instanceId);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Whether any missed invalidation waits to be replayed (cheap; polled). */
    public boolean anyMissed() throws SQLException {
        return single("SELECT count(*) FROM (SELECT 1 FROM cache_missed_invalidations LIMIT 1) t") > 0;
    }

    /** How many missed invalidations wait. */
    public long missedCount() throws SQLException {
        return single("SELECT count(*) FROM cache_missed_invalidations");
    }

    /** Applies a batch of missed invalidations: what {@code apply} is given is removed only if it returns normally. */
    public int replayMissed(int limit, MissedApplier apply) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<Missed> batch = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM cache_missed_invalidations WHERE id IN (SELECT id FROM"
                        + " cache_missed_invalidations ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING cache_key, is_pattern")) {
                    ps.setInt(1, limit);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            batch.add(new Missed(rs.getString(1), rs.getBoolean(2)));
                        }
                    }
                }
                if (!batch.isEmpty()) {
                    apply.apply(batch);
                }
                c.commit();
                return batch.size();
            } catch (Throwable e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** Applies missed invalidations to Redis; throws when Redis did not take them. */
    @FunctionalInterface
    public interface MissedApplier {
        void apply(List<Missed> batch) throws Exception;
    }

    // Divergence samples -------------------------------------------------------------------------------------

    /** One sampling round's figures for one key pattern. */
    public record DivergenceSample(Instant sampledAt, String pattern, int sampled, int divergent, Optional<Long> oldestStalenessMs) {
        public double divergence() {
            return sampled == 0 ? 0 : (double) divergent / sampled;
        }
    }

    public void recordSamples(List<DivergenceSample> samples, String instanceId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO cache_divergence_samples (sampled_at, key_pattern, sampled, divergent,"
                     + " oldest_staleness_ms, instance_id) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (DivergenceSample s : samples) {
                ps.setTimestamp(1, Timestamp.from(s.sampledAt()));
                ps.setString(2, s.pattern());
                ps.setInt(3, s.sampled());
                ps.setInt(4, s.divergent());
                if (s.oldestStalenessMs().isPresent()) {
                    ps.setLong(5, s.oldestStalenessMs().get());
                } else {
                    ps.setNull(5, java.sql.Types.BIGINT);
                }
                ps.setString(6, instanceId);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Deletes samples taken before {@code before}; returns how many. */
    public int pruneSamples(Instant before) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM cache_divergence_samples WHERE sampled_at < ?")) {
            ps.setTimestamp(1, Timestamp.from(before));
            return ps.executeUpdate();
        }
    }

    /** Samples recorded since {@code since}, oldest first (the console's chart). */
    public List<DivergenceSample> samplesSince(Instant since, int limit) throws SQLException {
        List<DivergenceSample> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT sampled_at, key_pattern, sampled, divergent, oldest_staleness_ms"
                     + " FROM cache_divergence_samples WHERE sampled_at >= ? ORDER BY sampled_at, key_pattern LIMIT ?")) {
            ps.setTimestamp(1, Timestamp.from(since));
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long staleness = rs.getLong(5);
                    // wasNull() speaks of the last column read: ask it before reading another.
                    Optional<Long> oldest = rs.wasNull() ? Optional.empty() : Optional.of(staleness);
                    out.add(new DivergenceSample(rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getInt(3), rs.getInt(4), oldest));
                }
            }
        }
        return out;
    }
}
