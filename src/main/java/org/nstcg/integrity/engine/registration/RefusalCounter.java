package org.nstcg.integrity.engine.registration;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.support.EngineScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts registrations refused as duplicates (already registered, or being registered elsewhere), whichever path
 * refused them: the Redis fast path, which writes nothing, as well as the unique index.
 *
 * <p>Design notes: a refusal costs one {@link LongAdder} increment. Every {@link #FLUSH_EVERY} the counts are added to
 * {@code signup_refusals} (V15) in one statement, under the minute of the database's clock and this instance's id, so
 * readers (the overview's "sign-ups blocked" tile, the blocked-registrations alert) sum every instance's refusals
 * without clock skew between instances. A flush that fails (PostgreSQL down) gives its counts back for the next one;
 * an instance that dies loses at most the counts of its last few seconds. Rows older than {@link #KEEP} are pruned by
 * the flusher, at most once an hour. Until {@link #startFlushing} is called (a one-shot engine never calls it) the
 * counts are written by {@link #flush()} and {@link #close()} only. The statements are {@link RefusalStore}'s.
 */
public final class RefusalCounter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RefusalCounter.class);
    static final Duration FLUSH_EVERY = Duration.ofSeconds(2);
    public static final Duration KEEP = Duration.ofDays(8);
    /** Completes "Cannot … in PostgreSQL". */
    private static final String WHAT = "write the counts of refused sign-ups";

    private final Jdbc jdbc;
    private final RefusalStore store = new RefusalStore();
    private final String instance;
    private final Clock clock;
    private final LongAdder alreadyRegistered = new LongAdder();
    private final LongAdder inProgress = new LongAdder();
    private EngineScheduler.Task flusher;
    private volatile Instant lastPrune = Instant.EPOCH;

    /** A counter the caller flushes, until {@link #startFlushing}. */
    public RefusalCounter(Jdbc jdbc, String instance, Clock clock) {
        this.jdbc = jdbc;
        this.instance = instance;
        this.clock = clock;
    }

    /** Flushes by itself on {@code scheduler} every {@link #FLUSH_EVERY} (the first after one period). */
    public synchronized void startFlushing(EngineScheduler scheduler) {
        if (flusher == null) {
            flusher = scheduler.scheduleWithFixedDelay("signup-refusals", FLUSH_EVERY, FLUSH_EVERY, this::flushQuietly);
        }
    }

    /** Counts one refusal. */
    void record(RegistrationSaga.Refusal reason) {
        (switch (reason) {
            case ALREADY_REGISTERED -> alreadyRegistered;
            case IN_PROGRESS -> inProgress;
        }).increment();
    }

    /** Refusals counted here and not yet written. */
    public long pending() {
        return alreadyRegistered.sum() + inProgress.sum();
    }

    /**
     * Adds the counts so far to {@code signup_refusals}; on failure they stay for the next flush.
     *
     * @throws org.nstcg.integrity.engine.store.StoreException when PostgreSQL cannot take them
     */
    public synchronized void flush() {
        long registered = alreadyRegistered.sumThenReset();
        long racing = inProgress.sumThenReset();
        if (registered == 0 && racing == 0) {
            return;
        }
        try {
            jdbc.read(WHAT, tx -> store.add(tx, instance, registered, racing));
        } catch (RuntimeException e) {
            alreadyRegistered.add(registered);
            inProgress.add(racing);
            throw e;
        }
        Instant now = clock.instant();
        if (Duration.between(lastPrune, now).compareTo(Duration.ofHours(1)) >= 0) {
            lastPrune = now;
            jdbc.read(WHAT, tx -> store.prune(tx, KEEP));
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            log.warn("Could not write the counts of refused sign-ups yet (kept for the next try): {}", e.getMessage());
        }
    }

    /** Stops the periodic flush, then writes what is left. */
    @Override
    public void close() {
        EngineScheduler.Task f;
        synchronized (this) {
            f = flusher;
        }
        if (f != null) {
            f.cancel();
        }
        flushQuietly();
    }
}
