package org.nstcg.integrity.engine.store;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SQL behind the cache: what each cached key holds (with the version of its rows), set-based version look-ups
 * for the divergence sampler, keyset-paged reads for rebuilds, and the durable list of missed invalidations.
 * Values are JSON built by PostgreSQL, so the cache, the sampler and a rebuild all see one shape. Each method runs on
 * a pooled connection of its own ({@link Jdbc}); a failure is a {@link StoreException} saying what was being done.
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

    private final Jdbc jdbc;

    public CacheRows(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** The engine secret called {@code name} ({@link EngineSecrets}), such as the key that seals cached values. */
    public byte[] engineSecret(String name) {
        return EngineSecrets.getOrCreate(jdbc, name);
    }

    /** {@code user:<id>}: the user with its points, any status; empty when there is no such user. */
    public Optional<Row> user(long id) {
        List<Row> rows = users(List.of(id));
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** {@code user:<id>} for each id that exists (any order). */
    public List<Row> users(List<Long> ids) {
        String sql = "SELECT u.id, " + USER_VERSION + ", " + USER_CHANGED + ", " + USER_COLUMNS
                + " FROM users u LEFT JOIN profile_totals p ON p.user_id = u.id WHERE u.id = ANY (?)";
        return jdbc.read("read users for the cache", tx -> readUsers(tx, sql, Tx.bigints(ids)));
    }

    /** One page of {@code user:<id>} values in id order after {@code afterId}: a rebuild reads all users this way. */
    public List<Row> usersAfter(long afterId, int limit) {
        String sql = "SELECT u.id, " + USER_VERSION + ", " + USER_CHANGED + ", " + USER_COLUMNS
                // p.user_id > ? too: without it the merge join scans the profiles' index from the start on every page.
                + " FROM users u LEFT JOIN profile_totals p ON p.user_id = u.id AND p.user_id > ? WHERE u.id > ? ORDER BY u.id LIMIT ?";
        return jdbc.read("read users for the cache", tx -> readUsers(tx, sql, afterId, afterId, limit));
    }

    /** The lowest and highest user id, or null when there are none (to split a rebuild's reading into ranges). */
    public long[] userIdBounds() {
        return jdbc.read("read the range of user ids", tx -> tx.single("SELECT min(id), max(id) FROM users", r -> {
            Long min = r.getLongOrNull(1);
            return min == null ? null : new long[] {min, r.getLong(2)};
        }));
    }

    /** How many users there are (for a rebuild's progress). */
    public long userRows() {
        return single("count users", "SELECT count(*) FROM users");
    }

    /** How many referral codes there are (for a rebuild's progress). */
    public long referralRows() {
        return single("count referral codes", "SELECT count(*) FROM referral_codes");
    }

    /** {@code count:users}: active users, the platform's public sign-up counter. */
    public Row userCount() {
        return new Row("count:users", Long.toString(single("count active users", "SELECT count(*) FROM users WHERE status = 'active'")), -1,
                Instant.now());
    }

    /** {@code leaderboard:referrers}: the top active referrers by points, as a JSON array. */
    public Row leaderboard() {
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
        String json = jdbc.read("read the referrer leaderboard", tx -> tx.single(sql, r -> r.getString(1)));
        return new Row("leaderboard:referrers", json, -1, Instant.now());
    }

    /** {@code referral:<code>}: who a code (primary or alias) belongs to; empty when no such code was issued. */
    public Optional<Row> referral(String code) {
        List<Row> rows = referrals(List.of(code));
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** {@code referral:<code>} for each code that was issued. */
    public List<Row> referrals(List<String> codes) {
        String sql = "SELECT r.code, jsonb_build_object('code', r.code, 'kind', r.kind, 'userId', u.id, 'status', u.status,"
                + " 'mergedInto', u.merged_into)::text, u.version, u.updated_at FROM referral_codes r JOIN users u ON u.id = r.user_id"
                + " WHERE r.code = ANY (?)";
        return jdbc.read("read referral codes for the cache", tx -> tx.list(sql, r -> referralRow(r), Tx.array("varchar", codes)));
    }

    /** One page of {@code referral:<code>} values in code order after {@code afterCode}. */
    public List<Row> referralsAfter(String afterCode, int limit) {
        String sql = "SELECT r.code, jsonb_build_object('code', r.code, 'kind', r.kind, 'userId', u.id, 'status', u.status,"
                + " 'mergedInto', u.merged_into)::text, u.version, u.updated_at FROM referral_codes r JOIN users u ON u.id = r.user_id"
                + " WHERE r.code > ? ORDER BY r.code LIMIT ?";
        return jdbc.read("read referral codes for the cache", tx -> tx.list(sql, r -> referralRow(r), afterCode, limit));
    }

    /** The current version and last change of each user id's {@code user:<id>} value; absent ids are missing from the map. */
    public Map<Long, Row> userVersions(List<Long> ids) {
        Map<Long, Row> out = new HashMap<>();
        for (Row r : users(ids)) {
            out.put(Long.parseLong(r.key().substring("user:".length())), r);
        }
        return out;
    }

    /** Reads rows of (id, version, changed, USER_COLUMNS) into {@code user:<id>} values. */
    private static List<Row> readUsers(Tx tx, String sql, Object... args) {
        StringBuilder json = new StringBuilder(256);
        return tx.list(sql, rs -> {
            long id = rs.getLong(1);
            json.setLength(0);
            json.append("{\"id\":").append(id);
            field(json, "email", rs.getString(4));
            field(json, "firstName", rs.getString(5));
            field(json, "lastName", rs.getString(6));
            field(json, "referralCode", rs.getString(7));
            field(json, "status", rs.getString(8));
            Long mergedInto = rs.getLongOrNull(9);
            json.append(",\"mergedInto\":").append(mergedInto == null ? "null" : Long.toString(mergedInto));
            json.append(",\"points\":").append(rs.getLong(10));
            json.append(",\"referralCount\":").append(rs.getLong(11));
            field(json, "createdAt", rs.getInstant(12).toString());
            json.append('}');
            return new Row("user:" + id, json.toString(), rs.getLong(2), rs.getInstant(3));
        }, args);
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

    /** A {@code referral:<code>} value from a row of (code, json, version, changed). */
    private static Row referralRow(org.nstcg.integrity.engine.store.Row r) {
        Instant changed = r.getInstant(4);
        return new Row("referral:" + r.getString(1), r.getString(2), r.getLong(3), changed == null ? Instant.EPOCH : changed);
    }

    private long single(String what, String sql) {
        return jdbc.read(what, tx -> tx.singleLong(sql));
    }

    // Missed invalidations -------------------------------------------------------------------------------------

    /** A key (or pattern) whose invalidation could not reach Redis. */
    public record Missed(String key, boolean pattern) {
    }

    /** Records invalidations that could not reach Redis, so that any instance replays them later. */
    public void recordMissed(List<Missed> missed, String instanceId) {
        List<List<Object>> rows = new ArrayList<>(missed.size());
        for (Missed m : missed) {
            rows.add(Arrays.asList(m.key(), m.pattern(), instanceId));
        }
        jdbc.read("record missed cache invalidations", tx -> tx.batch(
                "INSERT INTO cache_missed_invalidations (cache_key, is_pattern, instance_id) VALUES (?, ?, ?)", rows));
    }

    /** Whether any missed invalidation waits to be replayed (cheap; polled). */
    public boolean anyMissed() {
        return single("look for missed cache invalidations", "SELECT count(*) FROM (SELECT 1 FROM cache_missed_invalidations LIMIT 1) t") > 0;
    }

    /** How many missed invalidations wait. */
    public long missedCount() {
        return single("count the cache's missed invalidations", "SELECT count(*) FROM cache_missed_invalidations");
    }

    /**
     * Applies a batch of missed invalidations: what {@code apply} is given is removed only if it returns normally.
     *
     * @throws Exception what {@code apply} threw (the batch stays recorded), or a {@link StoreException}
     */
    public int replayMissed(int limit, MissedApplier apply) throws Exception {
        try {
            return jdbc.inTransaction("replay missed cache invalidations", tx -> {
                List<Missed> batch = tx.list("DELETE FROM cache_missed_invalidations WHERE id IN (SELECT id FROM"
                        + " cache_missed_invalidations ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING cache_key, is_pattern",
                        r -> new Missed(r.getString(1), r.getBoolean(2)), limit);
                if (!batch.isEmpty()) {
                    try {
                        apply.apply(batch);
                    } catch (RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new ApplierFailed(e); // rolls the transaction back, unwrapped below
                    }
                }
                return batch.size();
            });
        } catch (ApplierFailed e) {
            throw e.checked;
        }
    }

    /** Carries a checked exception of a {@link MissedApplier} out of the transaction that it rolled back. */
    private static final class ApplierFailed extends RuntimeException {
        final Exception checked;

        ApplierFailed(Exception checked) {
            super(null, checked, false, false);
            this.checked = checked;
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

    public void recordSamples(List<DivergenceSample> samples, String instanceId) {
        List<List<Object>> rows = new ArrayList<>(samples.size());
        for (DivergenceSample s : samples) {
            rows.add(Arrays.asList(s.sampledAt(), s.pattern(), s.sampled(), s.divergent(),
                    s.oldestStalenessMs().isPresent() ? s.oldestStalenessMs().get() : Tx.nullOf(Tx.SqlType.BIGINT), instanceId));
        }
        jdbc.read("record cache divergence samples", tx -> tx.batch("INSERT INTO cache_divergence_samples (sampled_at, key_pattern,"
                + " sampled, divergent, oldest_staleness_ms, instance_id) VALUES (?, ?, ?, ?, ?, ?)", rows));
    }

    /** Deletes samples taken before {@code before}; returns how many. */
    public int pruneSamples(Instant before) {
        return jdbc.read("prune cache divergence samples", tx -> tx.update("DELETE FROM cache_divergence_samples WHERE sampled_at < ?", before));
    }

    /** Samples recorded since {@code since}, oldest first (the console's chart). */
    public List<DivergenceSample> samplesSince(Instant since, int limit) {
        return jdbc.read("read the cache divergence history", tx -> tx.list("SELECT sampled_at, key_pattern, sampled, divergent,"
                + " oldest_staleness_ms FROM cache_divergence_samples WHERE sampled_at >= ? ORDER BY sampled_at, key_pattern LIMIT ?",
                r -> new DivergenceSample(r.getInstant(1), r.getString(2), r.getInt(3), r.getInt(4), Optional.ofNullable(r.getLongOrNull(5))),
                since, limit));
    }

    /**
     * The samples since {@code since} summed per key pattern over buckets of {@code bucketSeconds}, oldest first: each
     * bucket's start, the sums of {@code sampled} and {@code divergent} (capped at {@link Integer#MAX_VALUE}) and the
     * highest staleness.
     */
    public List<DivergenceSample> samplesByBucket(Instant since, long bucketSeconds, int limit) {
        String sql = "SELECT to_timestamp(floor(extract(epoch FROM sampled_at) / ?) * ?), key_pattern, sum(sampled), sum(divergent),"
                + " max(oldest_staleness_ms) FROM cache_divergence_samples WHERE sampled_at >= ? GROUP BY 1, 2 ORDER BY 1, 2 LIMIT ?";
        return jdbc.read("read the cache divergence history", tx -> tx.list(sql,
                r -> new DivergenceSample(r.getInstant(1), r.getString(2), (int) Math.min(Integer.MAX_VALUE, r.getLong(3)),
                        (int) Math.min(Integer.MAX_VALUE, r.getLong(4)), Optional.ofNullable(r.getLongOrNull(5))),
                bucketSeconds, bucketSeconds, since, limit));
    }
}
