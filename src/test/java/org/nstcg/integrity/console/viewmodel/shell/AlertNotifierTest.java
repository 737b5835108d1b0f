package org.nstcg.integrity.console.viewmodel.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.service.SynchronousTaskRunner;
import org.nstcg.integrity.engine.integrity.AlertLog.StoredAlert;
import org.nstcg.integrity.engine.support.Alert;

class AlertNotifierTest {

    private final List<Consumer<Alert>> listeners = new ArrayList<>();
    private final List<StoredAlert> stored = new ArrayList<>();
    private final SynchronousTaskRunner runner = new SynchronousTaskRunner();
    private final List<AlertNotifier.Notice> shown = new ArrayList<>();
    private final AlertNotifier notifier = new AlertNotifier(listener -> {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }, new AlertNotifier.AlertFeed() {
        @Override
        public long latestId() {
            return stored.isEmpty() ? 0 : stored.get(stored.size() - 1).id();
        }

        @Override
        public List<StoredAlert> after(long id, int limit) {
            return stored.stream().filter(s -> s.id() > id).limit(limit).toList();
        }

        @Override
        public String ownInstance() {
            return "me";
        }
    }, runner, Duration.ofSeconds(5), alert -> alert.source().startsWith("duplicate"));

    AlertNotifierTest() {
        notifier.latestProperty().addListener((obs, old, notice) -> shown.add(notice));
    }

    @Test
    void ownAlertsShowAtOnceAndOnlyWhenRelevant() {
        notifier.activate();
        raise("critical", "duplicate-referral-codes", "2 codes shared");
        raise("warning", "cache.divergence", "not for this role");

        assertThat(shown).containsExactly(new AlertNotifier.Notice(true, "Critical: duplicate-referral-codes — users", "2 codes shared"));
        notifier.deactivate();
        assertThat(listeners).as("unsubscribed").isEmpty();
        assertThat(runner.activeTimers()).as("polling stopped").isZero();
    }

    @Test
    void otherInstancesAlertsComeFromTheLogOnceEachAndOldOnesAreNotReplayed() {
        store(1, "elsewhere", "duplicate-emails", "raised before sign-in");
        notifier.activate();

        store(2, "elsewhere", "duplicate-emails", "3 blocked on server B");
        store(3, "me", "duplicate-emails", "mine, shown through the listener already");
        store(4, "elsewhere", "saga", "not relevant");
        runner.tick();
        runner.tick();

        assertThat(shown).extracting(AlertNotifier.Notice::text).containsExactly("3 blocked on server B");
        assertThat(shown.get(0).critical()).isFalse();
    }

    private void raise(String severity, String source, String message) {
        List.copyOf(listeners).forEach(l -> l.accept(new Alert(severity, source, "users", message, Instant.EPOCH)));
    }

    private void store(long id, String instance, String source, String message) {
        stored.add(new StoredAlert(id, new Alert("warning", source, "users", message, Instant.EPOCH), instance));
    }
}
