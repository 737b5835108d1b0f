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
 * The statements are {@link BenchPlatformStore}'s.
 */
public final class SuiteTiming {

    private static final int CHUNK = 200_000;
    private static final BenchPlatformStore STORE = new BenchPlatformStore();

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
            if (STORE.hasUsers(tx)) {
                throw new EngineException("The schema already holds users: time the checks in an empty, throwaway schema.");
            }
            boolean[] disabled = {false};
            Jdbc.Action disableTriggers = t -> {
                if (!disabled[0]) {
                    for (String table : triggered) {
                        STORE.disableTriggers(t, table);
                    }
                    disabled[0] = true;
                }
            };
            for (long from = 1; from <= n; from += CHUNK) {
                long to = Math.min(n, from + CHUNK - 1);
                long first = from;
                tx.transaction(t -> {
                    disableTriggers.run(t);
                    insertChunk(t, n, first, to);
                    return null;
                });
            }
            tx.transaction(t -> {
                disableTriggers.run(t);
                for (String table : triggered) {
                    STORE.enableTriggers(t, table);
                }
                return null;
            });
            STORE.setUserSequence(tx, n);
            STORE.setLedgerSequence(tx);
            for (String table : List.of("users", "referral_codes", "gamification_profiles", "points_ledger", "sagas", "outbox_events")) {
                // As autovacuum would have by now: statistics, and a visibility map for index-only scans.
                STORE.vacuumAnalyze(tx, table);
            }
            return null;
        });
    }

    private static void insertChunk(Tx t, long n, long from, long to) {
        STORE.insertSagas(t, from, to);
        STORE.insertUsers(t, from, to);
        STORE.insertOutboxEvents(t, from, to);
        STORE.registerCodes(t, from, to);
        STORE.insertSignupEntries(t, from, to);
        STORE.insertBonusEntries(t, from, to);
        STORE.insertProfiles(t, n, from, to);
    }

    /** Runs the whole suite once (a manual run by {@code actor}, stored and audited) and returns each check's time. */
    public static List<Timing> time(IntegrityChecks checks, Actor actor) {
        CheckRun run = checks.run(actor);
        return run.results().stream()
                .map(r -> new Timing(r.name(), r.status().label(), r.totalFindings(), r.duration().toNanos() / 1e9)).toList();
    }
}
