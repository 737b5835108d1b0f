package org.nstcg.integrity.engine.integrity;

import java.util.List;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.store.Tx;
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
     * Creates {@code n} consistent users in the (empty) schema that {@code jdbc} works on: one transaction per chunk of
     * {@value #CHUNK} users (the first also disables the row triggers), one more that enables them again, then statistics.
     *
     * @throws EngineException when the schema already holds users: this is for throwaway schemas only
     */
    public static void createUsers(Jdbc jdbc, long n) {
        List<String> triggered = List.of("users", "referral_codes", "gamification_profiles", "points_ledger");
        jdbc.read("create the bench users", tx -> {
            if (tx.single("SELECT EXISTS (SELECT 1 FROM users)", r -> r.getBoolean(1))) {
                throw new EngineException("The schema already holds users: time the checks in an empty, throwaway schema.");
            }
            boolean[] disabled = {false};
            Jdbc.Action disableTriggers = t -> {
                if (!disabled[0]) {
                    for (String table : triggered) {
                        t.update("ALTER TABLE " + table + " DISABLE TRIGGER USER");
                    }
                    disabled[0] = true;
                }
            };
            String code = "'BNCH-' || (SELECT string_agg(substr('" + CROCKFORD + "', ((g >> (5 * (8 - i))) & 31)::int + 1, 1), '' ORDER BY i)"
                    + " FROM generate_series(0, 8) i)";
            for (long from = 1; from <= n; from += CHUNK) {
                long to = Math.min(n, from + CHUNK - 1);
                String series = " FROM generate_series(" + from + "::bigint, " + to + "::bigint) g";
                long first = from;
                tx.transaction(t -> {
                    disableTriggers.run(t);
                    insertChunk(t, n, first, to, series, code);
                    return null;
                });
            }
            tx.transaction(t -> {
                disableTriggers.run(t);
                for (String table : triggered) {
                    t.update("ALTER TABLE " + table + " ENABLE TRIGGER USER");
                }
                return null;
            });
            tx.single("SELECT setval(pg_get_serial_sequence('users', 'id'), " + Math.max(1, n) + ")", r -> null);
            tx.single("SELECT setval(pg_get_serial_sequence('points_ledger', 'id'), (SELECT coalesce(max(id), 1) FROM points_ledger))", r -> null);
            for (String table : List.of("users", "referral_codes", "gamification_profiles", "points_ledger", "sagas", "outbox_events")) {
                // As autovacuum would have by now: statistics, and a visibility map for index-only scans.
                tx.update("VACUUM ANALYZE " + table);
            }
            return null;
        });
    }

    private static void insertChunk(Tx t, long n, long from, long to, String series, String code) {
        t.update("INSERT INTO sagas (id, saga_type, business_key, status, current_step, step_count, created_at, finished_at)"
                + " SELECT " + SAGA_ID + ", 'registration', 'user' || g || '@bench.example.org', 'COMPLETED', 5, 5, now(), now()" + series);
        t.update("INSERT INTO users (id, email, email_normalized, referral_code, first_name, last_name, referred_by, created_by_saga)"
                + " SELECT g, 'user' || g || '@bench.example.org', 'user' || g || '@bench.example.org', " + code + ","
                + " 'Bench', 'User ' || g, CASE WHEN g > 1 AND g % 2 = 0 THEN g / 2 END, " + SAGA_ID + series);
        t.update("INSERT INTO outbox_events (aggregate_type, aggregate_id, event_type, payload, dedup_key, published_at, saga_id)"
                + " SELECT 'user', g::text, 'user.registered', jsonb_build_object('userId', g), 'user.registered:' || g, now(), "
                + SAGA_ID + series);
        t.update("INSERT INTO referral_codes (code, user_id, kind) SELECT u.referral_code, u.id, 'primary' FROM users u"
                + " WHERE u.id BETWEEN " + from + " AND " + to);
        t.update("INSERT INTO points_ledger (user_id, delta, reason, idempotency_key) SELECT g, 10, 'signup', 'bench-signup:' || g"
                + series);
        t.update("INSERT INTO points_ledger (user_id, delta, reason, idempotency_key)"
                + " SELECT g / 2, 25, 'referral_bonus', 'bench-bonus:' || g" + series + " WHERE g > 1 AND g % 2 = 0");
        t.update("INSERT INTO gamification_profiles (user_id, points, referral_count)"
                + " SELECT g, CASE WHEN 2 * g <= " + n + " THEN 35 ELSE 10 END, CASE WHEN 2 * g <= " + n + " THEN 1 ELSE 0 END" + series);
    }

    /** Runs the whole suite once (a manual run by {@code actor}, stored and audited) and returns each check's time. */
    public static List<Timing> time(IntegrityChecks checks, Actor actor) {
        CheckRun run = checks.run(actor);
        return run.results().stream()
                .map(r -> new Timing(r.name(), r.status().label(), r.totalFindings(), r.duration().toNanos() / 1e9)).toList();
    }
}
