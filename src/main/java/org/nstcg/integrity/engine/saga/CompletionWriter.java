package org.nstcg.integrity.engine.saga;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.nstcg.integrity.engine.store.StoreException;
import org.nstcg.integrity.engine.support.EngineScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the COMPLETED record of sagas whose pivot has committed, many at a time.
 *
 * <p>Design notes: once a saga's pivot has committed synchronously its outcome is durable, and every step after
 * it is retried forward; the completion record is bookkeeping. Writing it in groups (one statement for up to 256
 * sagas, flushed every few milliseconds) saves a transaction per saga. If the process dies before a flush, the
 * saga's lease expires and recovery completes it forward, re-running its idempotent remaining steps: the same
 * path as any crash after the pivot. A group that fails (a saga fenced by another owner, say) is retried one by
 * one; fenced sagas are skipped, as their new owner completes them. For the same reason a group commits without
 * waiting for the WAL flush ({@code synchronous_commit = off}): a database crash that loses it is recovered the same way.
 *
 * <p>The flusher is a loop that waits on its queue, so it owns a thread ({@code integrity-saga-completions}, made by
 * {@link EngineScheduler#daemonThread}), started with the first completion: an engine that runs no saga (most one-shot
 * commands) starts none. It is stopped by {@link #close()} through {@link SagaOrchestrator#close()}, which the
 * engine's one shutdown path calls ({@code SagaService.close()}); its construction belongs to the orchestrator, so it
 * is not handed the engine's scheduler.
 */
final class CompletionWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CompletionWriter.class);
    private static final int GROUP = 256;
    private static final long FLUSH_EVERY_MS = 5;

    private final SagaLog sagaLog;
    private final ObjectMapper json;
    private final LinkedBlockingQueue<SagaLog.Advance> queue = new LinkedBlockingQueue<>();
    private volatile Thread flusher;
    private final java.util.concurrent.atomic.AtomicLong submitted = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong settled = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean running = true;

    CompletionWriter(SagaLog sagaLog) {
        this.sagaLog = sagaLog;
        this.json = sagaLog.json();
    }

    void submit(SagaLog.Advance completion) {
        submitted.incrementAndGet();
        queue.add(completion);
        if (flusher == null) {
            startFlusher();
        }
    }

    private synchronized void startFlusher() {
        if (flusher == null && running) {
            Thread t = EngineScheduler.daemonThread("saga-completions", this::loop);
            t.start();
            flusher = t;
        }
    }

    private void loop() {
        while (running || !queue.isEmpty()) {
            try {
                SagaLog.Advance first = queue.poll(FLUSH_EVERY_MS, TimeUnit.MILLISECONDS);
                if (first != null) {
                    List<SagaLog.Advance> group = new ArrayList<>(GROUP);
                    group.add(first);
                    queue.drainTo(group, GROUP - 1);
                    write(group);
                }
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
            } catch (RuntimeException e) {
                log.warn("Writing saga completions failed; recovery will complete them: {}", e.getMessage());
            }
        }
    }

    /** Returns once every completion submitted before the call has been written (or given up on). */
    void flush() {
        long target = submitted.get();
        List<SagaLog.Advance> group = new ArrayList<>();
        queue.drainTo(group);
        if (!group.isEmpty()) {
            write(group);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (settled.get() < target && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    private void write(List<SagaLog.Advance> group) {
        ArrayNode array = json.createArrayNode();
        List<SagaLog.Advance> unnumbered = new ArrayList<>();
        for (SagaLog.Advance a : group) {
            if (a.nextSeq() == null) {
                unnumbered.add(a); // event numbers unknown here: written one by one, the database numbers them
                continue;
            }
            ObjectNode n = array.addObject();
            n.put("id", a.id().toString());
            n.put("owner", a.owner());
            n.put("expected", a.expectedStep());
            n.put("step", a.newStep());
            n.set("events", sagaLog.eventsNode(a.events()));
            n.put("seq", a.nextSeq());
            n.put("status", SagaStatus.RUNNING.name());
        }
        unnumbered.forEach(this::writeOne);
        if (array.isEmpty()) {
            settled.addAndGet(group.size());
            return;
        }
        // Set-based: one UPDATE and one INSERT for the whole group, no function call per saga. Fenced like every
        // advance: a saga no longer RUNNING at the expected step under this owner is not touched, nor its events.
        // The expected status comes with the input rather than as the constant 'RUNNING': with the constant, the
        // planner reads every entry of the partial index of unfinished sagas (dead ones too, until vacuum) instead of
        // one primary-key probe per saga, and a group's cost grew with the sagas finished since the last vacuum.
        String sql = "WITH input AS (SELECT * FROM jsonb_to_recordset(?::jsonb)"
                + " AS x(id uuid, owner text, status text, expected int, step int, seq int, events jsonb)),"
                + " done AS (UPDATE sagas s SET status = 'COMPLETED', current_step = i.step, updated_at = now(), finished_at = now(),"
                + " version = s.version + 1 FROM input i WHERE s.id = i.id AND s.owner_instance = i.owner AND s.status = i.status"
                + " AND s.current_step = i.expected RETURNING s.id),"
                + " ev AS (INSERT INTO saga_event_batches (saga_id, first_seq, events)"
                + " SELECT i.id, i.seq, i.events FROM input i JOIN done d ON d.id = i.id WHERE jsonb_array_length(i.events) > 0)"
                + " SELECT count(*), set_config('synchronous_commit', 'off', true) FROM done";
        try {
            sagaLog.jdbc().read(SagaLog.WRITE, tx -> tx.single(sql, r -> r.getLong(1), array.toString()));
        } catch (StoreException e) {
            group.stream().filter(a -> a.nextSeq() != null).forEach(this::writeOne);
        } finally {
            settled.addAndGet(group.size());
        }
    }

    private void writeOne(SagaLog.Advance a) {
        try {
            sagaLog.advance(a, Optional.empty());
        } catch (SagaFencedException e) {
            log.debug("Saga {} was taken over before its completion was written; its new owner completes it", a.id());
        } catch (StoreException e) {
            log.warn("Could not record completion of saga {}; recovery will: {}", a.id(), e.getMessage());
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = flusher;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flush();
    }
}
