package org.nstcg.integrity.console.viewmodel.shell;

import java.time.Clock;
import java.time.Duration;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.console.viewmodel.DisplayFormats;
import org.nstcg.integrity.console.viewmodel.LiveRefresh;
import org.nstcg.integrity.console.viewmodel.UserMessages;
import org.nstcg.integrity.engine.EngineHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live health shown at the bottom of the shell: one line per server, the engine's state (HEALTHY, DEGRADED,
 * DOWN) and a banner while PostgreSQL or Redis is unreachable. Checked through the {@link FxTaskRunner} every refresh period.
 */
public final class StatusBarViewModel {

    private static final Logger log = LoggerFactory.getLogger(StatusBarViewModel.class);

    private final Clock clock;
    private final LiveRefresh<EngineHealth> live;

    private final ServerStatusViewModel database = new ServerStatusViewModel("PostgreSQL");
    private final ServerStatusViewModel redis = new ServerStatusViewModel("Redis");
    private final BooleanProperty degraded = new SimpleBooleanProperty();
    private final BooleanProperty down = new SimpleBooleanProperty();
    private final StringProperty stateText = new SimpleStringProperty("CHECKING");
    private final StringProperty stateDetail = new SimpleStringProperty("");
    private final StringProperty checkedAt = new SimpleStringProperty("");
    private final BooleanProperty bannerVisible = new SimpleBooleanProperty();
    private final StringProperty bannerText = new SimpleStringProperty("");
    private final BooleanProperty bannerWarning = new SimpleBooleanProperty();

    public StatusBarViewModel(HealthSource source, FxTaskRunner runner, Clock clock, Duration refreshPeriod) {
        this.clock = clock;
        this.live = new LiveRefresh<>(runner, refreshPeriod, progress -> source.health(), this::show, this::showFailure);
    }

    /** Checks now and then every refresh period, until {@link #deactivate()}. */
    public void activate() {
        live.activate();
    }

    public void deactivate() {
        live.deactivate();
    }

    /** Checks both servers again, unless a check is already under way. */
    public void check() {
        live.refresh();
    }

    private void show(EngineHealth health) {
        database.show(health.database());
        redis.show(health.redis());
        degraded.set(health.state() == EngineHealth.State.DEGRADED);
        down.set(health.state() == EngineHealth.State.DOWN);
        stateText.set(health.state().name());
        stateDetail.set(switch (health.state()) {
            case HEALTHY -> "Both servers answer.";
            case DEGRADED -> "Redis does not answer: the engine works on PostgreSQL alone and reconnects by itself.";
            case DOWN -> "PostgreSQL does not answer: nothing can be read or changed until it returns.";
        });
        checkedAt.set("Checked " + DisplayFormats.clockTime(health.checkedAt(), clock.getZone()));
        boolean dbUp = health.database().up();
        boolean redisUp = health.redis().up();
        bannerVisible.set(!dbUp || !redisUp);
        bannerWarning.set(dbUp && !redisUp);
        if (!dbUp) {
            bannerText.set("PostgreSQL at " + health.database().endpoint() + " is unreachable: nothing can be read or changed"
                    + " until it answers. The console keeps checking and recovers by itself; the status bar below says why.");
        } else if (!redisUp) {
            bannerText.set("Redis at " + health.redis().endpoint() + " is unreachable: everything keeps working on"
                    + " PostgreSQL alone, more slowly, and cache figures are unavailable. The engine reconnects by itself.");
        } else {
            bannerText.set("");
        }
    }

    private void showFailure(Throwable failure) {
        String why = UserMessages.describe(failure, "checking server health", log);
        database.showUnknown(why);
        redis.showUnknown(why);
        degraded.set(false);
        down.set(true);
        stateText.set("UNKNOWN");
        stateDetail.set(why);
    }

    public ServerStatusViewModel database() {
        return database;
    }

    public ServerStatusViewModel redis() {
        return redis;
    }

    /** Whether the engine works without Redis. */
    public ReadOnlyBooleanProperty degradedProperty() {
        return degraded;
    }

    /** Whether PostgreSQL does not answer (or health could not be checked). */
    public ReadOnlyBooleanProperty downProperty() {
        return down;
    }

    /** "HEALTHY", "DEGRADED", "DOWN". */
    public ReadOnlyStringProperty stateTextProperty() {
        return stateText;
    }

    /** What the state means, for a tooltip. */
    public ReadOnlyStringProperty stateDetailProperty() {
        return stateDetail;
    }

    /** "Checked 14:05:09". */
    public ReadOnlyStringProperty checkedAtProperty() {
        return checkedAt;
    }

    /** Whether the banner is a warning (Redis down, work goes on) rather than an outage (PostgreSQL down). */
    public ReadOnlyBooleanProperty bannerWarningProperty() {
        return bannerWarning;
    }

    /** Whether the "PostgreSQL is unreachable" or "Redis is unreachable" banner shows. */
    public ReadOnlyBooleanProperty bannerVisibleProperty() {
        return bannerVisible;
    }

    public ReadOnlyStringProperty bannerTextProperty() {
        return bannerText;
    }
}
