package org.nstcg.integrity.engine.saga;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
 * one; fenced sagas are skipped, as their new owner completes them.
 */
final class CompletionWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CompletionWriter.class);
    private static final int GROUP = 256;
    private static final long FLUSH_EVERY_MS = 5;

    private final SagaLog sagaLog;
    private final ObjectMapper json;
    private final LinkedBlockingQueue<SagaLog.Advance> queue = new LinkedBlockingQueue<>();
    private final Thread flusher;
    private final java.util.concurrent.atomic.AtomicLong submitted = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong settled = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean running = true;

    CompletionWriter(SagaLog sagaLog) {
        this.sagaLog = sagaLog;
        this.json = sagaLog.json();
        this.flusher = new Thread(this::loop, "saga-completions");
        this.flusher.setDaemon(true);
        this.flusher.start();
    }

    void submit(SagaLog.Advance completion) {
        submitted.incrementAndGet();
        queue.add(completion);
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
        for (SagaLog.Advance a : group) {
            ObjectNode n = array.addObject();
            n.put("id", a.id().toString());
            n.put("owner", a.owner());
            n.put("expected", a.expectedStep());
            n.put("step", a.newStep());
            n.put("lease", a.lease().toMillis());
            n.set("events", json.valueToTree(sagaLog.eventsNode(a.events())));
            if (a.nextSeq() != null) {
                n.put("seq", a.nextSeq());
            }
        }
        String sql = "SELECT count(saga_advance((e->>'id')::uuid, e->>'owner', 'RUNNING', (e->>'expected')::int, 'COMPLETED',"
                + " (e->>'step')::int, (e->>'lease')::int, e->'events', false, NULL, NULL, NULL, NULL, NULL, true,"
                + " (e->>'seq')::int)) FROM jsonb_array_elements(?::jsonb) e";
        try (Connection c = sagaLog.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, array.toString());
            ps.executeQuery().close();
        } catch (SQLException e) {
            group.forEach(this::writeOne);
        } finally {
            settled.addAndGet(group.size());
        }
    }

    private void writeOne(SagaLog.Advance a) {
        try {
            sagaLog.advance(a, Optional.empty());
        } catch (SagaFencedException e) {
            log.debug("Saga {} was taken over before its completion was written; its new owner completes it", a.id());
        } catch (SQLException e) {
            log.warn("Could not record completion of saga {}; recovery will: {}", a.id(), e.getMessage());
        }
    }

    @Override
    public void close() {
        running = false;
        flusher.interrupt();
        try {
            flusher.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flush();
    }
}
