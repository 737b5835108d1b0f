package org.nstcg.integrity.engine.saga;

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

    private final SagaStore store;
    private final LinkedBlockingQueue<SagaStore.Advance> queue = new LinkedBlockingQueue<>();
    private volatile Thread flusher;
    private final java.util.concurrent.atomic.AtomicLong submitted = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong settled = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean running = true;

    CompletionWriter(SagaStore store) {
        this.store = store;
    }

    void submit(SagaStore.Advance completion) {
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
                SagaStore.Advance first = queue.poll(FLUSH_EVERY_MS, TimeUnit.MILLISECONDS);
                if (first != null) {
                    List<SagaStore.Advance> group = new ArrayList<>(GROUP);
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
        List<SagaStore.Advance> group = new ArrayList<>();
        queue.drainTo(group);
        if (!group.isEmpty()) {
            write(group);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (settled.get() < target && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    private void write(List<SagaStore.Advance> group) {
        List<SagaStore.Advance> numbered = new ArrayList<>(group.size());
        List<SagaStore.Advance> unnumbered = new ArrayList<>();
        for (SagaStore.Advance a : group) {
            if (a.nextSeq() == null) {
                unnumbered.add(a); // event numbers unknown here: written one by one, the database numbers them
            } else {
                numbered.add(a);
            }
        }
        unnumbered.forEach(this::writeOne);
        if (numbered.isEmpty()) {
            settled.addAndGet(group.size());
            return;
        }
        try {
            // Set-based and fenced like every advance (SagaStore.completeAll): one statement for the whole group.
            store.jdbc().read(SagaStore.WRITE, tx -> store.completeAll(tx, numbered));
        } catch (StoreException e) {
            numbered.forEach(this::writeOne);
        } finally {
            settled.addAndGet(group.size());
        }
    }

    private void writeOne(SagaStore.Advance a) {
        try {
            store.advance(a, Optional.empty());
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
