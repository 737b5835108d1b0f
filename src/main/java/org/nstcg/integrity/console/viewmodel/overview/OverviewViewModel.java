package org.nstcg.integrity.console.viewmodel.overview;

import java.time.Clock;
import java.time.Duration;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.console.service.TaskHandle;
import org.nstcg.integrity.console.viewmodel.DisplayFormats;
import org.nstcg.integrity.console.viewmodel.UserMessages;
import org.nstcg.integrity.engine.store.PlatformFigures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The overview's state: the platform's headline figures as display strings, when they were read, and why the last
 * refresh failed. Figures are read through the {@link FxTaskRunner}, on demand and every refresh period while the
 * overview is active; a failed refresh keeps the last figures and says why.
 */
public final class OverviewViewModel {

    private static final Logger log = LoggerFactory.getLogger(OverviewViewModel.class);
    /** Shown in a tile before the first figures arrive. */
    public static final String NOT_LOADED = "—";
    /** The "last update" tile when there is no user at all. */
    public static final String NO_USERS = "No users yet";

    private final FiguresSource source;
    private final FxTaskRunner runner;
    private final Clock clock;
    private final Duration refreshPeriod;

    private final StringProperty users = new SimpleStringProperty(NOT_LOADED);
    private final StringProperty activeUsers = new SimpleStringProperty(NOT_LOADED);
    private final StringProperty inactiveUsers = new SimpleStringProperty("");
    private final StringProperty referralCodes = new SimpleStringProperty(NOT_LOADED);
    private final StringProperty lastUpdate = new SimpleStringProperty(NOT_LOADED);
    private final StringProperty lastUpdateExact = new SimpleStringProperty("");
    private final StringProperty updatedAt = new SimpleStringProperty("Loading…");
    private final StringProperty error = new SimpleStringProperty("");
    private final BooleanProperty loading = new SimpleBooleanProperty();
    private TaskHandle timer;

    public OverviewViewModel(FiguresSource source, FxTaskRunner runner, Clock clock, Duration refreshPeriod) {
        this.source = source;
        this.runner = runner;
        this.clock = clock;
        this.refreshPeriod = refreshPeriod;
    }

    /** Loads the figures now and then every refresh period, until {@link #deactivate()}. */
    public void activate() {
        refresh();
        if (timer == null) {
            timer = runner.every(refreshPeriod, this::refresh);
        }
    }

    public void deactivate() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    /** Reads the figures again, unless a read is already under way. */
    public void refresh() {
        if (loading.get()) {
            return;
        }
        loading.set(true);
        runner.run(progress -> source.figures(), this::show, this::showFailure);
    }

    private void show(PlatformFigures f) {
        loading.set(false);
        users.set(DisplayFormats.count(f.users()));
        activeUsers.set(DisplayFormats.count(f.activeUsers()));
        long inactive = f.users() - f.activeUsers();
        inactiveUsers.set(inactive == 0 ? "None merged or archived" : DisplayFormats.count(inactive) + " merged or archived");
        referralCodes.set(DisplayFormats.count(f.referralCodesIssued()));
        lastUpdate.set(f.lastUpdate().map(t -> DisplayFormats.ago(t, f.readAt())).orElse(NO_USERS));
        lastUpdateExact.set(f.lastUpdate().map(t -> DisplayFormats.absolute(t, clock.getZone())).orElse(""));
        updatedAt.set("Updated " + DisplayFormats.clockTime(clock.instant(), clock.getZone()));
        error.set("");
    }

    private void showFailure(Throwable failure) {
        loading.set(false);
        String why = UserMessages.describe(failure, "refreshing the overview figures", log);
        String kept = users.get().equals(NOT_LOADED) ? "" : " The figures shown are from the last successful refresh.";
        error.set("Refresh failed at " + DisplayFormats.clockTime(clock.instant(), clock.getZone()) + ": " + why + kept);
    }

    public ReadOnlyStringProperty usersProperty() {
        return users;
    }

    public ReadOnlyStringProperty activeUsersProperty() {
        return activeUsers;
    }

    /** "3 merged or archived": the users that are not active. */
    public ReadOnlyStringProperty inactiveUsersProperty() {
        return inactiveUsers;
    }

    public ReadOnlyStringProperty referralCodesProperty() {
        return referralCodes;
    }

    /** "3 min ago", or {@link #NO_USERS}. */
    public ReadOnlyStringProperty lastUpdateProperty() {
        return lastUpdate;
    }

    /** The absolute time of the last update, for a tooltip; empty when there is none. */
    public ReadOnlyStringProperty lastUpdateExactProperty() {
        return lastUpdateExact;
    }

    /** "Updated 14:05:09". */
    public ReadOnlyStringProperty updatedAtProperty() {
        return updatedAt;
    }

    /** Why the last refresh failed; empty after a successful one. */
    public ReadOnlyStringProperty errorProperty() {
        return error;
    }

    public ReadOnlyBooleanProperty loadingProperty() {
        return loading;
    }
}
