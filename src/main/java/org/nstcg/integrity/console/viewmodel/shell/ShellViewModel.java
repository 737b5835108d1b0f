package org.nstcg.integrity.console.viewmodel.shell;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import java.util.Locale;
import org.nstcg.integrity.engine.support.DeepLink;

/**
 * The main frame: the screens the signed-in user's role may see, which one is shown, the theme, who is signed in,
 * and the status bar. A screen's view-model is made on its first visit and is active only while it is shown.
 */
public final class ShellViewModel {

    private final Map<Feature, Supplier<? extends PageViewModel>> factories;
    private final Map<Feature, PageViewModel> pages = new EnumMap<>(Feature.class);
    private final List<Feature> features;
    private final StatusBarViewModel statusBar;
    private final AlertNotifier alerts;
    private final String userName;
    private final String roleTitle;
    private final Runnable signOut;
    private final ObjectProperty<Feature> selected;
    private final BooleanProperty darkTheme = new SimpleBooleanProperty();
    private final StringProperty linkNotice = new SimpleStringProperty("");
    private boolean active;

    /**
     * @param factories one per screen the user may see, in navigation order (screens without one are not shown)
     * @param signOut   ends the session; the window then shows the sign-in screen
     */
    public ShellViewModel(Map<Feature, Supplier<? extends PageViewModel>> factories, StatusBarViewModel statusBar,
                          AlertNotifier alerts, String userName, String roleTitle, Runnable signOut) {
        if (factories.isEmpty()) {
            throw new IllegalArgumentException("a shell needs at least one screen");
        }
        this.factories = new EnumMap<>(factories);
        this.features = List.copyOf(this.factories.keySet());
        this.statusBar = statusBar;
        this.alerts = alerts;
        this.userName = userName;
        this.roleTitle = roleTitle;
        this.signOut = signOut;
        this.selected = new SimpleObjectProperty<>(features.get(0));
    }

    /** Starts the status bar and the shown screen. */
    public void activate() {
        active = true;
        statusBar.activate();
        alerts.activate();
        page(selected.get()).activate();
    }

    /** Stops every live refresh; call when the window closes or the user signs out. */
    public void deactivate() {
        active = false;
        statusBar.deactivate();
        alerts.deactivate();
        pages.values().forEach(PageViewModel::deactivate);
    }

    /** The screens this user may see, in navigation order. */
    public List<Feature> features() {
        return features;
    }

    /** Shows {@code feature} if this user may see it; does nothing otherwise. */
    public void select(Feature feature) {
        if (!factories.containsKey(feature) || feature == selected.get()) {
            return;
        }
        Feature previous = selected.get();
        if (active && pages.containsKey(previous)) {
            pages.get(previous).deactivate();
        }
        selected.set(feature);
        if (active) {
            page(feature).activate();
        }
    }

    /**
     * Lands on the item a deep link names ({@code --open}): its screen, with the item selected there; the screen says when
     * it does not exist. A link to a screen this role may not see leaves the user where they are, with a notice saying so.
     */
    public void open(DeepLink link) {
        Feature feature = screenOf(link);
        if (!factories.containsKey(feature)) {
            linkNotice.set("Your role (" + roleTitle.toLowerCase(Locale.ROOT) + ") cannot open " + plural(link) + ": "
                    + link.text() + " needs the " + feature.title() + " screen. Ask an "
                    + (feature == Feature.AUDIT ? "administrator" : "operator or administrator") + " to open it.");
            return;
        }
        linkNotice.set("");
        select(feature);
        page(feature).open(link);
    }

    /** The screen a link lands on: check runs are listed in Repairs' run history. */
    static Feature screenOf(DeepLink link) {
        if (link instanceof DeepLink.User) {
            return Feature.USERS;
        }
        if (link instanceof DeepLink.Saga) {
            return Feature.SAGAS;
        }
        return link instanceof DeepLink.AuditEntry ? Feature.AUDIT : Feature.REPAIRS;
    }

    private static String plural(DeepLink link) {
        return switch (link.kind()) {
            case "user" -> "users";
            case "saga" -> "sagas";
            case "audit" -> "audit entries";
            default -> "check runs";
        };
    }

    /** Why the link given with {@code --open} was not opened; empty when it was (or none was given). */
    public ReadOnlyStringProperty linkNoticeProperty() {
        return linkNotice;
    }

    /** Hides the link notice. */
    public void dismissLinkNotice() {
        linkNotice.set("");
    }

    /** Ctrl+digit: selects the screen with that shortcut, if this user may see it. */
    public void selectByShortcut(int digit) {
        for (Feature feature : features) {
            if (feature.shortcutDigit() == digit) {
                select(feature);
            }
        }
    }

    /** F5: refreshes what is on screen now (and the status bar). */
    public void refreshCurrent() {
        page(selected.get()).refresh();
        statusBar.check();
    }

    /** The view-model of a screen, made on first use. */
    public PageViewModel page(Feature feature) {
        return pages.computeIfAbsent(feature, f -> {
            Supplier<? extends PageViewModel> factory = factories.get(f);
            if (factory == null) {
                throw new IllegalArgumentException(f + " is not available to this user");
            }
            return factory.get();
        });
    }

    public ReadOnlyObjectProperty<Feature> selectedProperty() {
        return selected;
    }

    /** Whether the dark theme is on; the window applies it. */
    public BooleanProperty darkThemeProperty() {
        return darkTheme;
    }

    public StatusBarViewModel statusBar() {
        return statusBar;
    }

    /** New alerts for this user, to pop up. */
    public AlertNotifier alerts() {
        return alerts;
    }

    /** "Ada Lovelace". */
    public String userName() {
        return userName;
    }

    /** "Administrator". */
    public String roleTitle() {
        return roleTitle;
    }

    public void signOut() {
        deactivate();
        signOut.run();
    }
}
