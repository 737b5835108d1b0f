package org.nstcg.integrity.engine.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.support.Alert;

/** The alert hub fans every alert out to its sinks and listeners, keeps the recent ones, and survives a failing sink. */
class AlertHubTest {

    private static Alert alert(int n) {
        return new Alert("warning", "test", "s" + n, "message " + n, Instant.EPOCH.plusSeconds(n));
    }

    @Test
    void everySinkAndListenerGetsEveryAlertEvenWhenOneThrows() {
        List<Alert> sunk = new ArrayList<>();
        List<Alert> heard = new ArrayList<>();
        AlertHub hub = new AlertHub(List.of(a -> {
            throw new IllegalStateException("broken sink");
        }, sunk::add));
        hub.subscribe(a -> {
            throw new IllegalStateException("broken listener");
        });
        AlertHub.Subscription subscription = hub.subscribe(heard::add);

        hub.raise(alert(1));
        subscription.close();
        hub.raise(alert(2));

        assertThat(sunk).containsExactly(alert(1), alert(2));
        assertThat(heard).containsExactly(alert(1));
        assertThat(hub.recent()).containsExactly(alert(2), alert(1));
    }

    @Test
    void recentKeepsTheNewestAlertsOnly() {
        AlertHub hub = new AlertHub(List.of());
        for (int i = 0; i < AlertHub.RECENT_KEPT + 5; i++) {
            hub.raise(alert(i));
        }
        assertThat(hub.recent()).hasSize(AlertHub.RECENT_KEPT);
        assertThat(hub.recent().get(0)).isEqualTo(alert(AlertHub.RECENT_KEPT + 4));
        assertThat(hub.recent().get(AlertHub.RECENT_KEPT - 1)).isEqualTo(alert(5));
    }
}
