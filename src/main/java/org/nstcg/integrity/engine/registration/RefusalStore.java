package org.nstcg.integrity.engine.registration;

import java.time.Duration;
import org.nstcg.integrity.engine.store.Tx;

/**
 * The SQL of the counts of refused sign-ups ({@code signup_refusals}, V15), each statement in the caller's
 * {@link Tx}: when to flush and to prune, and what to do when a flush fails, is {@link RefusalCounter}'s.
 */
final class RefusalStore {

    /**
     * Adds counts of refusals to the rows of the database's current minute and {@code instance}, one per reason that
     * has any; returns the rows written.
     */
    int add(Tx tx, String instance, long alreadyRegistered, long inProgress) {
        return tx.update("INSERT INTO signup_refusals (minute, instance, reason, refusals)"
                + " SELECT date_trunc('minute', now()), ?, r.reason, r.n FROM (VALUES (?, ?::bigint), (?, ?::bigint)) r(reason, n)"
                + " WHERE r.n > 0 ON CONFLICT (minute, instance, reason) DO UPDATE SET refusals = signup_refusals.refusals + EXCLUDED.refusals",
                instance, RegistrationSaga.Refusal.ALREADY_REGISTERED.code(), alreadyRegistered,
                RegistrationSaga.Refusal.IN_PROGRESS.code(), inProgress);
    }

    /** Removes the minutes older than {@code keep} by the database's clock; returns the rows removed. */
    int prune(Tx tx, Duration keep) {
        return tx.update("DELETE FROM signup_refusals WHERE minute < now() - make_interval(secs => ?)", keep.toSeconds());
    }
}
