package org.nstcg.integrity.engine.integrity;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.nstcg.integrity.engine.support.Alert;
import org.nstcg.integrity.engine.support.AlertSink;
import org.nstcg.integrity.engine.support.Counts;
import org.nstcg.integrity.engine.support.EngineScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs every alert as JSON ({@code {"severity", "source", "subject", "message", "at"}}) to {@code alerts.webhook-url}.
 *
 * <p>Design notes: {@link #raise} returns at once — the request is sent with {@link HttpClient#sendAsync}, and a
 * failed attempt (no answer within the timeout, or a status other than 2xx) is tried again on the engine's scheduler
 * (task {@code alert-webhook-retry}), with the
 * back-off doubling each time, then given up. So a slow or dead receiver never holds an engine thread. At most
 * {@link #MAX_PENDING} alerts are in flight; beyond that new ones are dropped. Failures are logged once (WARN) until
 * a delivery succeeds again, so a dead receiver does not flood the log. The URL may carry a token: only its scheme,
 * host and port are ever logged. {@link #close()} waits a bounded time ({@link #CLOSE_WAIT}) for alerts in flight, so an
 * alert raised by a one-shot CLI command is delivered before the JVM exits.
 */
public final class WebhookAlertSink implements AlertSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebhookAlertSink.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Alerts in flight (including waiting for a retry) at most. */
    public static final int MAX_PENDING = 1000;
    /** How long {@link #close()} waits at most for alerts still in flight. */
    public static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final URI uri;
    private final String shownAs;
    private final HttpClient client;
    private final int attempts;
    private final Duration firstBackoff;
    private final Duration timeout;
    private final EngineScheduler scheduler;
    private final AtomicInteger pending = new AtomicInteger();
    /** Of the pending alerts, those waiting on the scheduler for a retry (not in flight). */
    private final AtomicInteger awaitingRetry = new AtomicInteger();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicBoolean overflowLogged = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong givenUp = new AtomicLong();

    /** Four attempts, 0.5 s then 1 s then 2 s apart, each waiting at most 5 s for an answer; retries on {@code scheduler}. */
    public WebhookAlertSink(URI uri, EngineScheduler scheduler) {
        this(uri, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), 4, Duration.ofMillis(500), Duration.ofSeconds(5),
                scheduler);
    }

    public WebhookAlertSink(URI uri, HttpClient client, int attempts, Duration firstBackoff, Duration timeout, EngineScheduler scheduler) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, not " + attempts);
        }
        this.uri = uri;
        this.shownAs = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        this.client = client;
        this.attempts = attempts;
        this.firstBackoff = firstBackoff;
        this.timeout = timeout;
        this.scheduler = scheduler;
    }

    @Override
    public void raise(Alert alert) {
        if (closed.get()) {
            return;
        }
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            givenUp.incrementAndGet();
            if (overflowLogged.compareAndSet(false, true)) {
                log.warn("More than {} alerts are waiting for the webhook at {}: newer alerts are dropped until it catches up.",
                        MAX_PENDING, shownAs);
            }
            return;
        }
        String body = JSON.createObjectNode().put("severity", alert.severity()).put("source", alert.source())
                .put("subject", alert.subject()).put("message", alert.message()).put("at", alert.at().toString()).toString();
        attempt(body, 1);
    }

    private void attempt(String body, int n) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, error) -> completed(body, n, response == null ? -1 : response.statusCode(), error));
        } catch (RuntimeException e) {
            completed(body, n, -1, e);
        }
    }

    private void completed(String body, int n, int status, Throwable error) {
        if (error == null && status >= 200 && status < 300) {
            delivered.incrementAndGet();
            settled();
            overflowLogged.set(false);
            if (failing.getAndSet(false)) {
                log.info("Alerts reach the webhook at {} again.", shownAs);
            }
            return;
        }
        String why = error != null ? describe(error) : "it answered HTTP " + status;
        if (n < attempts && !closed.get()) {
            Duration delay = Duration.ofMillis(firstBackoff.toMillis() << Math.min(n - 1, 16));
            try {
                awaitingRetry.incrementAndGet();
                scheduler.schedule("alert-webhook-retry", delay, () -> retry(body, n + 1, why));
                return;
            } catch (RejectedExecutionException e) {
                awaitingRetry.decrementAndGet(); // the engine is stopping: give up below
            }
        }
        givenUp.incrementAndGet();
        settled();
        if (failing.compareAndSet(false, true)) {
            log.warn("An alert could not be delivered to the webhook at {} ({}) after {} and was dropped; check"
                    + " alerts.webhook-url and the receiver. Further failures are not logged until a delivery succeeds.",
                    shownAs, why, Counts.of(n, "attempt", "attempts"));
        } else {
            log.debug("Alert to the webhook at {} dropped after {}: {}", shownAs, Counts.of(n, "attempt", "attempts"), why);
        }
    }

    /** A retry that comes due after {@link #close()} is given up instead of sent. */
    private void retry(String body, int n, String lastFailure) {
        awaitingRetry.decrementAndGet();
        if (closed.get()) {
            givenUp.incrementAndGet();
            settled();
            log.debug("Alert to the webhook at {} dropped on close after {}: {}", shownAs, Counts.of(n - 1, "attempt", "attempts"), lastFailure);
            return;
        }
        attempt(body, n);
    }

    private static String describe(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /** Alerts the receiver accepted (2xx). */
    public long delivered() {
        return delivered.get();
    }

    /** Alerts dropped: every attempt failed, or too many were pending. */
    public long givenUp() {
        return givenUp.get();
    }

    /** Alerts sent or waiting for a retry now. */
    public int pending() {
        return pending.get();
    }

    private int inFlight() {
        return pending.get() - awaitingRetry.get();
    }

    /** One alert left the queue (delivered or given up): wakes a {@link #close} waiting for the queue to drain. */
    private void settled() {
        pending.decrementAndGet();
        synchronized (pending) {
            pending.notifyAll();
        }
    }

    /**
     * Waits up to {@link #CLOSE_WAIT} for the alerts in flight (sent, not yet answered) to be delivered or given up, then
     * stops retrying (a retry that comes due is dropped: the engine closes its scheduler first); an alert still unanswered
     * then completes, or not, in the background.
     */
    @Override
    public void close() {
        close(CLOSE_WAIT);
    }

    /** {@link #close()} with its own bound on the wait; returns whether every alert in flight was settled in time. */
    public boolean close(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        boolean drained;
        try {
            synchronized (pending) {
                long left;
                while (inFlight() > 0 && (left = deadline - System.nanoTime()) > 0) {
                    pending.wait(Math.max(1, left / 1_000_000));
                }
                drained = inFlight() == 0;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = inFlight() == 0;
        }
        closed.set(true);
        if (!drained) {
            log.warn("{} not reached the webhook at {} within {} ms of closing; dropped.", Counts.of(inFlight(), "alert had", "alerts had"), shownAs,
                    wait.toMillis());
        }
        return drained;
    }
}
