package org.nstcg.integrity.console.viewmodel.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.service.SynchronousTaskRunner;
import org.nstcg.integrity.engine.support.Alert;

class AlertNotifierTest {

    private final List<Consumer<Alert>> listeners = new ArrayList<>();
    private final AlertNotifier notifier = new AlertNotifier(listener -> {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }, new SynchronousTaskRunner(), alert -> alert.source().startsWith("duplicate"));

    @Test
    void relevantAlertsBecomeNoticesWhileActiveOnly() {
        notifier.activate();
        raise("critical", "duplicate-referral-codes", "2 codes shared");
        assertThat(notifier.latestProperty().get()).isEqualTo(
                new AlertNotifier.Notice(true, "Critical: duplicate-referral-codes — users", "2 codes shared"));

        raise("warning", "cache.divergence", "not for this role");
        assertThat(notifier.latestProperty().get().text()).as("filtered out").isEqualTo("2 codes shared");

        notifier.deactivate();
        assertThat(listeners).as("unsubscribed").isEmpty();
    }

    @Test
    void warningsAreNotCritical() {
        notifier.activate();
        raise("warning", "duplicate-emails", "3 blocked");
        assertThat(notifier.latestProperty().get().critical()).isFalse();
    }

    private void raise(String severity, String source, String message) {
        List.copyOf(listeners).forEach(l -> l.accept(new Alert(severity, source, "users", message, Instant.EPOCH)));
    }
}
