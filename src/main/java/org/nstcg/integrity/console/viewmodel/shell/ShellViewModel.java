package org.nstcg.integrity.console.viewmodel.shell;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import java.util.List;
import org.nstcg.integrity.console.viewmodel.overview.OverviewViewModel;

/**
 * The main frame: which screen is shown, the theme, and the live parts that run while the shell is open
 * (overview figures, status bar). Screens not built yet get a {@link PlaceholderViewModel}.
 */
public final class ShellViewModel {

    private final OverviewViewModel overview;
    private final StatusBarViewModel statusBar;
    private final ObjectProperty<Feature> selected = new SimpleObjectProperty<>(Feature.OVERVIEW);
    private final BooleanProperty darkTheme = new SimpleBooleanProperty();

    public ShellViewModel(OverviewViewModel overview, StatusBarViewModel statusBar) {
        this.overview = overview;
        this.statusBar = statusBar;
    }

    /** Starts the live refreshes. */
    public void activate() {
        overview.activate();
        statusBar.activate();
    }

    /** Stops the live refreshes; call when the window closes. */
    public void deactivate() {
        overview.deactivate();
        statusBar.deactivate();
    }

    public List<Feature> features() {
        return List.of(Feature.values());
    }

    public void select(Feature feature) {
        selected.set(feature);
    }

    /** Ctrl+digit: selects the digit-th screen, if there is one. */
    public void selectByShortcut(int digit) {
        if (digit >= 1 && digit <= Feature.values().length) {
            select(Feature.values()[digit - 1]);
        }
    }

    /** F5: refreshes what is on screen now (and the status bar). */
    public void refreshCurrent() {
        if (selected.get() == Feature.OVERVIEW) {
            overview.refresh();
        }
        statusBar.check();
    }

    public ReadOnlyObjectProperty<Feature> selectedProperty() {
        return selected;
    }

    /** Whether the dark theme is on; the window applies it. */
    public BooleanProperty darkThemeProperty() {
        return darkTheme;
    }

    public OverviewViewModel overview() {
        return overview;
    }

    public StatusBarViewModel statusBar() {
        return statusBar;
    }

    public PlaceholderViewModel placeholder(Feature feature) {
        return new PlaceholderViewModel(feature);
    }
}
