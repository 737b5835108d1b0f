package org.nstcg.integrity.console.viewmodel.shell;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.console.service.TaskHandle;
import org.nstcg.integrity.engine.integrity.AlertLog.StoredAlert;
import org.nstcg.integrity.engine.support.Alert;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns alerts into notices the shell pops up (ControlsFX notifications) while a user is signed in: only the alerts
 * their role can act on, each once, delivered on the FX thread.
 *
 * <p>Design notes: alerts of this console's own engine arrive at once through the hub's listener; alerts of every
 * other instance (a registration server, the instance that ran the scheduled checks) are read from the PostgreSQL
 * alert log every refresh period, starting after the newest one stored at sign-in, skipping this instance's own
 * (they were shown already).
 */
public final class AlertNotifier {

    private static final Logger log = LoggerFactory.getLogger(AlertNotifier.class);
    private static final int BATCH = 50;

    /** A pop-up notice: {@code critical} shows as an error, anything else as a warning. */
    public record Notice(boolean critical, String title, String text) {
    }

    /** The engine's stored alerts of every instance. */
    public interface AlertFeed {
        long latestId();

        List<StoredAlert> after(long id, int limit);

        /** This console's own engine instance. */
        String ownInstance();
    }

    private final Function<Consumer<Alert>, AutoCloseable> subscribe;
    private final AlertFeed feed;
    private final FxTaskRunner runner;
    private final Duration period;
    private final Predicate<Alert> relevant;
    private final ReadOnlyObjectWrapper<Notice> latest = new ReadOnlyObjectWrapper<>();
    private AutoCloseable subscription;
    private TaskHandle timer;
    private long lastSeen = -1;
    private boolean reading;

    /**
     * @param subscribe registers a listener with the engine's alert hub and returns what unregisters it
     * @param period    how often the alert log is read for other instances' alerts
     * @param relevant  which alerts this user sees
     */
    public AlertNotifier(Function<Consumer<Alert>, AutoCloseable> subscribe, AlertFeed feed, FxTaskRunner runner,
                         Duration period, Predicate<Alert> relevant) {
        this.subscribe = subscribe;
        this.feed = feed;
        this.runner = runner;
        this.period = period;
        this.relevant = relevant;
    }

    public void activate() {
        if (subscription == null) {
            subscription = subscribe.apply(alert -> {
                if (relevant.test(alert)) {
                    runner.later(() -> latest.set(notice(alert)));
                }
            });
        }
        if (timer == null) {
            if (lastSeen < 0) {
                runner.run(progress -> feed.latestId(), id -> lastSeen = Math.max(lastSeen, id),
                        failure -> log.debug("Alert log not read: {}", failure.getMessage()));
            }
            timer = runner.every(period, this::poll);
        }
    }

    /** Reads the alert log for alerts other instances raised since the last read. */
    public void poll() {
        if (reading || lastSeen < 0) {
            return;
        }
        reading = true;
        long from = lastSeen;
        runner.run(progress -> feed.after(from, BATCH), alerts -> {
            reading = false;
            for (StoredAlert stored : alerts) {
                lastSeen = Math.max(lastSeen, stored.id());
                if (!stored.instanceId().equals(feed.ownInstance()) && relevant.test(stored.alert())) {
                    latest.set(notice(stored.alert()));
                }
            }
        }, failure -> {
            reading = false;
            log.debug("Alert log not read: {}", failure.getMessage());
        });
    }

    public void deactivate() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                log.warn("Could not stop listening to alerts: {}", e.getMessage());
            }
            subscription = null;
        }
    }

    static Notice notice(Alert alert) {
        boolean critical = "critical".equalsIgnoreCase(alert.severity());
        String title = (critical ? "Critical: " : "Warning: ") + alert.source() + " — " + alert.subject();
        return new Notice(critical, title, alert.message());
    }

    /** The newest notice; each new alert replaces it (listeners pop each one up). */
    public ReadOnlyObjectProperty<Notice> latestProperty() {
        return latest.getReadOnlyProperty();
    }
}
