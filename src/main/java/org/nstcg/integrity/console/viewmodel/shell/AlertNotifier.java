package org.nstcg.integrity.console.viewmodel.shell;

import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.engine.support.Alert;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the engine's alerts into notices the shell pops up (ControlsFX notifications), while a user is signed in:
 * only the alerts their role can act on, each once, delivered on the FX thread.
 */
public final class AlertNotifier {

    private static final Logger log = LoggerFactory.getLogger(AlertNotifier.class);

    /** A pop-up notice: {@code critical} shows as an error, anything else as a warning. */
    public record Notice(boolean critical, String title, String text) {
    }

    private final Function<Consumer<Alert>, AutoCloseable> subscribe;
    private final FxTaskRunner runner;
    private final Predicate<Alert> relevant;
    private final ReadOnlyObjectWrapper<Notice> latest = new ReadOnlyObjectWrapper<>();
    private AutoCloseable subscription;

    /**
     * @param subscribe registers a listener with the engine's alert hub and returns what unregisters it
     * @param relevant  which alerts this user sees
     */
    public AlertNotifier(Function<Consumer<Alert>, AutoCloseable> subscribe, FxTaskRunner runner, Predicate<Alert> relevant) {
        this.subscribe = subscribe;
        this.runner = runner;
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
    }

    public void deactivate() {
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
