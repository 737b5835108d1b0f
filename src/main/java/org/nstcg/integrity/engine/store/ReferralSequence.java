package org.nstcg.integrity.engine.store;

import java.util.ArrayDeque;

/**
 * Values of {@code referral_code_seq}, fetched in blocks so most registrations need no round trip for them.
 * Every value is still drawn from the database sequence, so values are unique across instances; a block left
 * unused when an instance stops only leaves a gap, which costs nothing.
 */
final class ReferralSequence {

    private static final int BLOCK = 32;
    private final ArrayDeque<Long> values = new ArrayDeque<>(BLOCK);

    long next(Jdbc jdbc) {
        synchronized (this) {
            if (!values.isEmpty()) {
                return values.poll();
            }
        }
        try {
            return jdbc.read("draw referral code sequence values", this::next);
        } catch (StoreException e) {
            throw failure(e);
        }
    }

    synchronized long next(Tx tx) {
        if (values.isEmpty()) {
            try {
                values.addAll(tx.list("SELECT nextval('referral_code_seq') FROM generate_series(1, ?)", r -> r.getLong(1), BLOCK));
            } catch (StoreException e) {
                throw failure(e);
            }
        }
        return values.poll();
    }

    private static IllegalStateException failure(StoreException e) {
        String why = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
        return new IllegalStateException("could not draw referral code sequence values: " + why, e.getCause() == null ? e : e.getCause());
    }
}
