package org.nstcg.integrity.console.viewmodel.overview;

import java.time.Clock;
import java.time.Duration;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.console.viewmodel.DisplayFormats;
import org.nstcg.integrity.console.viewmodel.LiveRefresh;
import org.nstcg.integrity.console.viewmodel.UserMessages;
import org.nstcg.integrity.console.viewmodel.shell.PageViewModel;
import org.nstcg.integrity.engine.store.PlatformFigures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The overview's state: the platform's headline figures as display strings, when they were read, and why the last
 * refresh failed. Figures are read through the {@link FxTaskRunner}, on demand and every refresh period while the
 * overview is active; a failed refresh keeps the last figures and says why.
 */
public final class OverviewViewModel implements PageViewModel {

    private static final Logger log = LoggerFactory.getLogger(OverviewViewModel.class);
    /** Shown in a tile before the first figures arrive. */
    public static final String NOT_LOADED = "—";
    /** The "last update" tile when there is no user at all. */
    public static final String NO_USERS = "No users yet";

    private final Clock clock;
    private final LiveRefresh<PlatformFigures> live;

    private final StringProperty users = new SimpleStringProperty(NOT_LOADED);
    private final StringProperty activeUsers = new SimpleStringProperty(NOT_LOADED);
    private final StringProperty inactiveUsers = new SimpleStringProperty("");
    private final StringProperty referralCodes = new SimpleStringProperty(NOT_LOADED);
    private final StringProperty lastUpdate = new SimpleStringProperty(NOT_LOADED);
    private final StringProperty lastUpdateExact = new SimpleStringProperty("");
    private final StringProperty lastUpdateDetail = new SimpleStringProperty("");
    private final StringProperty updatedAt = new SimpleStringProperty("Loading…");
    private final StringProperty error = new SimpleStringProperty("");
    private final StringProperty errorDetail = new SimpleStringProperty("");
    private final StringProperty refreshHint;
    private String lastRead;

    public OverviewViewModel(FiguresSource source, FxTaskRunner runner, Clock clock, Duration refreshPeriod) {
        this.clock = clock;
        this.live = new LiveRefresh<>(runner, refreshPeriod, progress -> source.figures(), this::show, this::showFailure);
        this.refreshHint = new SimpleStringProperty("Figures refresh every " + DisplayFormats.period(refreshPeriod)
                + "; press F5 to refresh now.");
    }

    /** Loads the figures now and then every refresh period, until {@link #deactivate()}. */
    @Override
    public void activate() {
        live.activate();
    }

    @Override
    public void deactivate() {
        live.deactivate();
    }

    /** Reads the figures again, unless a read is already under way. */
    @Override
    public void refresh() {
        live.refresh();
    }

    private void show(PlatformFigures f) {
        users.set(DisplayFormats.count(f.users()));
        activeUsers.set(DisplayFormats.count(f.activeUsers()));
        long inactive = f.users() - f.activeUsers();
        inactiveUsers.set(inactive == 0 ? "None merged or archived" : DisplayFormats.count(inactive) + " merged or archived");
        referralCodes.set(DisplayFormats.count(f.referralCodesIssued()));
        lastUpdate.set(f.lastUpdate().map(t -> DisplayFormats.ago(t, f.readAt())).orElse(NO_USERS));
        lastUpdateExact.set(f.lastUpdate().map(t -> DisplayFormats.absolute(t, clock.getZone())).orElse(""));
        lastUpdateDetail.set(f.lastUpdate().isPresent() ? lastUpdateExact.get() : "Shows the newest change once someone signs up");
        lastRead = DisplayFormats.clockTime(clock.instant(), clock.getZone());
        updatedAt.set("Updated " + lastRead);
        error.set("");
        errorDetail.set("");
    }

    private void showFailure(Throwable failure) {
        String at = DisplayFormats.clockTime(clock.instant(), clock.getZone());
        error.set(lastRead == null ? "The figures could not be read at " + at + "."
                : "Refresh failed at " + at + "; the figures shown were read at " + lastRead + ".");
        errorDetail.set(UserMessages.describe(failure, "refreshing the overview figures", log));
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

    /** Under the "last update" figure: its absolute time, or what the tile will show. */
    public ReadOnlyStringProperty lastUpdateDetailProperty() {
        return lastUpdateDetail;
    }

    /** "Figures refresh every 5 s; press F5 to refresh now." */
    public ReadOnlyStringProperty refreshHintProperty() {
        return refreshHint;
    }

    /** "Updated 14:05:09". */
    public ReadOnlyStringProperty updatedAtProperty() {
        return updatedAt;
    }

    /** That the last refresh failed and which figures are shown instead; empty after a successful one. */
    public ReadOnlyStringProperty errorProperty() {
        return error;
    }

    /** Why the last refresh failed, as the engine explains it; empty after a successful one. */
    public ReadOnlyStringProperty errorDetailProperty() {
        return errorDetail;
    }

    public ReadOnlyBooleanProperty loadingProperty() {
        return live.readingProperty();
    }
}
