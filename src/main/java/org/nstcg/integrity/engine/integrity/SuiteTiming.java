package org.nstcg.integrity.engine.integrity;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.support.EngineException;

/**
 * Times the check suite on a large platform, for {@code bench integrity}: {@link #createUsers} fills an
 * <em>empty, throwaway</em> schema with a consistent platform, set-based; {@link #time} runs the suite once and
 * returns each check's seconds.
 *
 * <p>The platform made: users 1..n, active, with a referral code of the generated form ({@code BNCH-} and nine
 * Crockford symbols, so the identity index is exercised) registered in {@code referral_codes}; user {@code g > 1}
 * even was referred by {@code g / 2}; every user has a profile, a signup ledger entry of +10 and, per referral, a
 * +25 bonus entry; points and referral counts match; each user was made by a COMPLETED registration saga and has a
 * published "user registered" outbox event. The triggers that would check each row one by one are
 * disabled while inserting (the schema's owner may do so) and enabled again; the rows are made consistent instead.
 */
public final class SuiteTiming {

    private static final int CHUNK = 200_000;
    private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final String SAGA_ID = "md5('bench-saga:' || g)::uuid";

    /** One check's time in one run. */
    public record Timing(String check, String status, long findings, double seconds) {
    }

    private SuiteTiming() {
    }

    /**
     * Creates {@code n} consistent users in the (empty) schema of {@code dataSource}.
     *
     * @throws EngineException when the schema already holds users: this is for throwaway schemas only
     */
    public static void createUsers(DataSource dataSource, long n) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM users)")) {
                rs.next();
                if (rs.getBoolean(1)) {
                    throw new EngineException("The schema already holds users: time the checks in an empty, throwaway schema.");
                }
            }
            c.setAutoCommit(false);
            for (String table : List.of("users", "referral_codes", "gamification_profiles", "points_ledger")) {
                st.execute("ALTER TABLE " + table + " DISABLE TRIGGER USER");
            }
            String code = "'BNCH-' || (SELECT string_agg(substr('" + CROCKFORD + "', ((g >> (5 * (8 - i))) & 31)::int + 1, 1), '' ORDER BY i)"
                    + " FROM generate_series(0, 8) i)";
            for (long from = 1; from <= n; from += CHUNK) {
                long to = Math.min(n, from + CHUNK - 1);
                String series = " FROM generate_series(" + from + "::bigint, " + to + "::bigint) g";
                st.execute("INSERT INTO sagas (id, saga_type, business_key, status, current_step, step_count, created_at, finished_at)"
                        + " SELECT " + SAGA_ID + ", 'registration', 'user' || g || '@bench.example.org', 'COMPLETED', 5, 5, now(), now()" + series);
                st.execute("INSERT INTO users (id, email, email_normalized, referral_code, first_name, last_name, referred_by, created_by_saga)"
                        + " SELECT g, 'user' || g || '@bench.example.org', 'user' || g || '@bench.example.org', " + code + ","
                        + " 'Bench', 'User ' || g, CASE WHEN g > 1 AND g % 2 = 0 THEN g / 2 END, " + SAGA_ID + series);
                st.execute("INSERT INTO outbox_events (aggregate_type, aggregate_id, event_type, payload, dedup_key, published_at, saga_id)"
                        + " SELECT 'user', g::text, 'user.registered', jsonb_build_object('userId', g), 'user.registered:' || g, now(), "
                        + SAGA_ID + series);
                st.execute("INSERT INTO referral_codes (code, user_id, kind) SELECT u.referral_code, u.id, 'primary' FROM users u"
                        + " WHERE u.id BETWEEN " + from + " AND " + to);
                st.execute("INSERT INTO points_ledger (user_id, delta, reason, idempotency_key) SELECT g, 10, 'signup', 'bench-signup:' || g"
                        + series);
                st.execute("INSERT INTO points_ledger (user_id, delta, reason, idempotency_key)"
                        + " SELECT g / 2, 25, 'referral_bonus', 'bench-bonus:' || g" + series + " WHERE g > 1 AND g % 2 = 0");
                st.execute("INSERT INTO gamification_profiles (user_id, points, referral_count)"
                        + " SELECT g, CASE WHEN 2 * g <= " + n + " THEN 35 ELSE 10 END, CASE WHEN 2 * g <= " + n + " THEN 1 ELSE 0 END" + series);
                c.commit();
            }
            for (String table : List.of("users", "referral_codes", "gamification_profiles", "points_ledger")) {
                st.execute("ALTER TABLE " + table + " ENABLE TRIGGER USER");
            }
            c.commit();
            c.setAutoCommit(true);
            st.execute("SELECT setval(pg_get_serial_sequence('users', 'id'), " + Math.max(1, n) + ")");
            st.execute("SELECT setval(pg_get_serial_sequence('points_ledger', 'id'), (SELECT coalesce(max(id), 1) FROM points_ledger))");
            for (String table : List.of("users", "referral_codes", "gamification_profiles", "points_ledger", "sagas", "outbox_events")) {
                // As autovacuum would have by now: statistics, and a visibility map for index-only scans.
                st.execute("VACUUM ANALYZE " + table);
            }
        }
    }

    /** Runs the whole suite once (a manual run by {@code actor}, stored and audited) and returns each check's time. */
    public static List<Timing> time(IntegrityChecks checks, Actor actor) {
        CheckRun run = checks.run(actor);
        return run.results().stream()
                .map(r -> new Timing(r.name(), r.status().label(), r.totalFindings(), r.duration().toNanos() / 1e9)).toList();
    }
}
