package org.nstcg.integrity.engine.integrity;

import org.nstcg.integrity.engine.store.Tx;

/**
 * The SQL that fills a throwaway schema with a consistent bench platform for {@link SuiteTiming}, each statement in
 * the caller's {@link Tx}; every insert is set-based over users {@code from..to} of {@code n}. Which tables, in which
 * order and in which transactions is {@link SuiteTiming}'s.
 */
final class BenchPlatformStore {

    private static final String CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final String SAGA_ID = "md5('bench-saga:' || g)::uuid";
    /** User {@code g}'s referral code: {@code BNCH-} and nine Crockford symbols of {@code g}. */
    private static final String CODE = "'BNCH-' || (SELECT string_agg(substr('" + CROCKFORD + "', ((g >> (5 * (8 - i))) & 31)::int + 1, 1), ''"
            + " ORDER BY i) FROM generate_series(0, 8) i)";

    boolean hasUsers(Tx tx) {
        return tx.single("SELECT EXISTS (SELECT 1 FROM users)", r -> r.getBoolean(1));
    }

    /** Disables the user (non-system) triggers of {@code table}: the schema's owner may. */
    void disableTriggers(Tx tx, String table) {
        tx.update("ALTER TABLE " + table + " DISABLE TRIGGER USER");
    }

    void enableTriggers(Tx tx, String table) {
        tx.update("ALTER TABLE " + table + " ENABLE TRIGGER USER");
    }

    /** A COMPLETED registration saga per user. */
    void insertSagas(Tx tx, long from, long to) {
        tx.update("INSERT INTO sagas (id, saga_type, business_key, status, current_step, step_count, created_at, finished_at)"
                + " SELECT " + SAGA_ID + ", 'registration', 'user' || g || '@bench.example.org', 'COMPLETED', 5, 5, now(), now()"
                + series(from, to));
    }

    /** The users, active, each with its code; user {@code g > 1} even referred by {@code g / 2}. */
    void insertUsers(Tx tx, long from, long to) {
        tx.update("INSERT INTO users (id, email, email_normalized, referral_code, first_name, last_name, referred_by, created_by_saga)"
                + " SELECT g, 'user' || g || '@bench.example.org', 'user' || g || '@bench.example.org', " + CODE + ","
                + " 'Bench', 'User ' || g, CASE WHEN g > 1 AND g % 2 = 0 THEN g / 2 END, " + SAGA_ID + series(from, to));
    }

    /** A published "user registered" outbox event per user. */
    void insertOutboxEvents(Tx tx, long from, long to) {
        tx.update("INSERT INTO outbox_events (aggregate_type, aggregate_id, event_type, payload, dedup_key, published_at, saga_id)"
                + " SELECT 'user', g::text, 'user.registered', jsonb_build_object('userId', g), 'user.registered:' || g, now(), "
                + SAGA_ID + series(from, to));
    }

    /** The users' codes in {@code referral_codes}, as primary codes. */
    void registerCodes(Tx tx, long from, long to) {
        tx.update("INSERT INTO referral_codes (code, user_id, kind) SELECT u.referral_code, u.id, 'primary' FROM users u"
                + " WHERE u.id BETWEEN " + from + " AND " + to);
    }

    /** A signup ledger entry of +10 per user. */
    void insertSignupEntries(Tx tx, long from, long to) {
        tx.update("INSERT INTO points_ledger (user_id, delta, reason, idempotency_key) SELECT g, 10, 'signup', 'bench-signup:' || g"
                + series(from, to));
    }

    /** A +25 referral bonus entry for the referrer of each referred user. */
    void insertBonusEntries(Tx tx, long from, long to) {
        tx.update("INSERT INTO points_ledger (user_id, delta, reason, idempotency_key)"
                + " SELECT g / 2, 25, 'referral_bonus', 'bench-bonus:' || g" + series(from, to) + " WHERE g > 1 AND g % 2 = 0");
    }

    /** Each user's profile, its points and referral count matching the ledger and the referrals of a platform of {@code n}. */
    void insertProfiles(Tx tx, long n, long from, long to) {
        tx.update("INSERT INTO gamification_profiles (user_id, points, referral_count)"
                + " SELECT g, CASE WHEN 2 * g <= " + n + " THEN 35 ELSE 10 END, CASE WHEN 2 * g <= " + n + " THEN 1 ELSE 0 END"
                + series(from, to));
    }

    /** Sets the user id sequence past the {@code n} users made with explicit ids. */
    void setUserSequence(Tx tx, long n) {
        tx.single("SELECT setval(pg_get_serial_sequence('users', 'id'), " + Math.max(1, n) + ")", r -> null);
    }

    /** Sets the ledger id sequence to its largest id. */
    void setLedgerSequence(Tx tx) {
        tx.single("SELECT setval(pg_get_serial_sequence('points_ledger', 'id'), (SELECT coalesce(max(id), 1) FROM points_ledger))", r -> null);
    }

    /** Statistics and a visibility map for {@code table}, as autovacuum would have made by now (auto-commit only). */
    void vacuumAnalyze(Tx tx, String table) {
        tx.update("VACUUM ANALYZE " + table);
    }

    private static String series(long from, long to) {
        return " FROM generate_series(" + from + "::bigint, " + to + "::bigint) g";
    }
}
