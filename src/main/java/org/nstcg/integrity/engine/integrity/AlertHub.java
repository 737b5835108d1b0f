package org.nstcg.integrity.engine.integrity;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.nstcg.integrity.engine.support.Alert;
import org.nstcg.integrity.engine.support.AlertSink;
import org.nstcg.integrity.engine.support.EngineScheduler;
import org.nstcg.integrity.engine.support.LoggingAlertSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every alert of the engine goes (sagas, cache divergence, checks): the log, the optional webhook, the
 * in-memory list of recent alerts, and whoever listens (the console). It is an {@link AlertSink}, so the engine
 * hands it to every component in place of a single sink.
 *
 * <p>Listeners are called on the thread that raised the alert (an engine thread): a console listener must hand
 * the alert over to its UI thread itself, and must return quickly. A sink or listener that throws is logged and
 * skipped; the others still get the alert, and the raiser never sees the failure.
 */
public final class AlertHub implements AlertSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AlertHub.class);
    /** How many recent alerts are kept in memory. */
    public static final int RECENT_KEPT = 200;

    /** Ends a subscription. */
    @FunctionalInterface
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private final List<AlertSink> sinks;
    private final List<Consumer<Alert>> listeners = new CopyOnWriteArrayList<>();
    private final Deque<Alert> recent = new ArrayDeque<>();
    private final Optional<WebhookAlertSink> webhook;

    public AlertHub(List<AlertSink> sinks) {
        this.sinks = new CopyOnWriteArrayList<>(sinks);
        this.webhook = sinks.stream().filter(WebhookAlertSink.class::isInstance).map(WebhookAlertSink.class::cast).findFirst();
    }

    /** The log, and the webhook when one is configured (retrying on {@code scheduler}). */
    public static AlertHub create(CheckSettings settings, EngineScheduler scheduler) {
        List<AlertSink> sinks = new ArrayList<>();
        sinks.add(new LoggingAlertSink());
        settings.webhook().ifPresent(uri -> sinks.add(new WebhookAlertSink(uri, scheduler)));
        return new AlertHub(sinks);
    }

    @Override
    public void raise(Alert alert) {
        synchronized (recent) {
            recent.addFirst(alert);
            while (recent.size() > RECENT_KEPT) {
                recent.removeLast();
            }
        }
        for (AlertSink sink : sinks) {
            try {
                sink.raise(alert);
            } catch (RuntimeException e) {
                log.warn("An alert sink ({}) failed: {}", sink.getClass().getSimpleName(), e.toString());
            }
        }
        for (Consumer<Alert> listener : listeners) {
            try {
                listener.accept(alert);
            } catch (RuntimeException e) {
                log.warn("An alert listener failed: {}", e.toString());
            }
        }
    }

    /** Adds a sink that needs the running engine (such as the PostgreSQL {@link AlertLog}). */
    public void addSink(AlertSink sink) {
        sinks.add(sink);
    }

    /** The most recent alerts, newest first, at most {@link #RECENT_KEPT}. */
    public List<Alert> recent() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    /** Calls {@code listener} with every alert raised from now on, until the subscription is closed. */
    public Subscription subscribe(Consumer<Alert> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** The webhook sink, when {@code alerts.webhook-url} is set. */
    public Optional<WebhookAlertSink> webhook() {
        return webhook;
    }

    /** Waits (at most {@link WebhookAlertSink#CLOSE_WAIT}) for the webhook's alerts in flight, then stops its retries. */
    @Override
    public void close() {
        webhook.ifPresent(WebhookAlertSink::close);
    }
}
