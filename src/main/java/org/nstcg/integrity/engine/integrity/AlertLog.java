package org.nstcg.integrity.engine.integrity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.store.StoreException;
import org.nstcg.integrity.engine.support.Alert;
import org.nstcg.integrity.engine.support.AlertSink;
import org.nstcg.integrity.engine.support.Counts;
import org.nstcg.integrity.engine.support.EngineScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every alert in PostgreSQL ({@code alert_log}, V12), so that a console sees the alerts of every engine
 * instance, not just those of its own process, and the overview counts them all.
 *
 * <p>Design notes: {@link #raise} must not block or fail the engine's work (the {@link AlertSink} contract), so
 * rows are written in the background from a bounded queue: a raise queues the alert and, unless a write is already
 * pending, submits one to the engine's scheduler (task {@code alert-log-writer}), which writes everything queued,
 * one alert at a time in order. When PostgreSQL is down or the queue is full the alert still reaches the log file and
 * the webhook through the hub's other sinks, and this sink drops it with a warning. {@link #close()} writes what is
 * still queued on the closing thread. Rows older than {@link #KEPT} are removed now and then by the writer itself.
 * The statements are {@link AlertStore}'s.
 */
public final class AlertLog implements AlertSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AlertLog.class);
    /** How long alerts are kept. */
    public static final Duration KEPT = Duration.ofDays(30);
    private static final int QUEUE = 1_000;
    private static final int PRUNE_EVERY = 500;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    /** An alert as stored: its id orders alerts across instances. */
    public record StoredAlert(long id, Alert alert, String instanceId) {
    }

    private final Jdbc jdbc;
    private final AlertStore store = new AlertStore();
    private final String instanceId;
    private final Clock clock;
    private final EngineScheduler scheduler;
    private final BlockingQueue<Alert> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicBoolean writePending = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object writing = new Object();
    private int written;

    public AlertLog(Jdbc jdbc, String instanceId, Clock clock, EngineScheduler scheduler) {
        this.jdbc = jdbc;
        this.instanceId = instanceId;
        this.clock = clock;
        this.scheduler = scheduler;
    }

    @Override
    public void raise(Alert alert) {
        if (closed.get() || !queue.offer(alert)) {
            log.warn("Alert not stored in PostgreSQL (writer busy or stopped): {} {}", alert.source(), alert.subject());
            return;
        }
        if (writePending.compareAndSet(false, true)) {
            try {
                scheduler.submit("alert-log-writer", this::writeQueued);
            } catch (RejectedExecutionException e) {
                writePending.set(false); // the engine is stopping: close() writes what is queued
            }
        }
    }

    /** Writes every queued alert, oldest first. */
    private void writeQueued() {
        synchronized (writing) {
            writePending.set(false);
            for (Alert a = queue.poll(); a != null; a = queue.poll()) {
                write(a);
            }
        }
    }

    private void write(Alert alert) {
        try {
            jdbc.read("store an alert", tx -> {
                store.insert(tx, alert, instanceId);
                if (++written % PRUNE_EVERY == 1) {
                    store.prune(tx, clock.instant().minus(KEPT));
                }
                return null;
            });
        } catch (StoreException e) {
            log.warn("Alert not stored in PostgreSQL ({}): {} {}", e.reason(), alert.source(), alert.subject());
        }
    }

    /** Alerts of every instance stored after {@code afterId}, oldest first, at most {@code limit}. */
    public List<StoredAlert> after(long afterId, int limit) {
        return jdbc.read("read the alert log", tx -> store.after(tx, afterId, limit));
    }

    /** Alerts of every instance raised at or after {@code from}, newest first, at most {@code limit}. */
    public List<Alert> since(Instant from, int limit) {
        return jdbc.read("read the alert log", tx -> store.since(tx, from, limit)).stream().map(StoredAlert::alert).toList();
    }

    /** The id of the newest stored alert, 0 when there is none: where a console starts listening. */
    public long latestId() {
        return jdbc.read("read the alert log", store::latestId);
    }

    /** This engine instance's id, as stored with its alerts. */
    public String instanceId() {
        return instanceId;
    }

    /** Stops taking alerts and writes what is still queued (for at most {@link #CLOSE_WAIT}). */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        synchronized (writing) {
            for (Alert a = queue.poll(); a != null && System.nanoTime() < deadline; a = queue.poll()) {
                write(a);
            }
            if (!queue.isEmpty()) {
                log.warn("{} not stored in PostgreSQL: the engine stopped before they could be written", Counts.of(queue.size(), "alert", "alerts"));
                queue.clear();
            }
        }
    }
}
