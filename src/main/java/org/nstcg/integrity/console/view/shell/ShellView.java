package org.nstcg.integrity.console.view.shell;

import java.util.EnumMap;
import java.util.Map;
import javafx.fxml.FXML;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import org.controlsfx.control.Notifications;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.material2.Material2AL;
import org.kordamp.ikonli.material2.Material2OutlinedAL;
import org.kordamp.ikonli.material2.Material2OutlinedMZ;
import org.nstcg.integrity.console.service.ViewLoader;
import org.nstcg.integrity.console.theme.StyleClasses;
import org.nstcg.integrity.console.view.Tooltips;
import org.nstcg.integrity.console.view.accounts.AccountsView;
import org.nstcg.integrity.console.view.audit.AuditView;
import org.nstcg.integrity.console.view.cache.CacheView;
import org.nstcg.integrity.console.view.duplicates.DuplicatesView;
import org.nstcg.integrity.console.view.overview.OverviewView;
import org.nstcg.integrity.console.view.repairs.RepairsView;
import org.nstcg.integrity.console.view.sagas.SagasView;
import org.nstcg.integrity.console.view.users.UsersView;
import org.nstcg.integrity.console.viewmodel.accounts.AccountsViewModel;
import org.nstcg.integrity.console.viewmodel.audit.AuditViewModel;
import org.nstcg.integrity.console.viewmodel.cache.CacheViewModel;
import org.nstcg.integrity.console.viewmodel.duplicates.DuplicatesViewModel;
import org.nstcg.integrity.console.viewmodel.overview.OverviewViewModel;
import org.nstcg.integrity.console.viewmodel.repairs.RepairsViewModel;
import org.nstcg.integrity.console.viewmodel.sagas.SagasViewModel;
import org.nstcg.integrity.console.viewmodel.shell.AlertNotifier;
import org.nstcg.integrity.console.viewmodel.shell.Feature;
import org.nstcg.integrity.console.viewmodel.shell.PageViewModel;
import org.nstcg.integrity.console.viewmodel.shell.PlaceholderViewModel;
import org.nstcg.integrity.console.viewmodel.shell.ServerStatusViewModel;
import org.nstcg.integrity.console.viewmodel.shell.ShellViewModel;
import org.nstcg.integrity.console.viewmodel.shell.StatusBarViewModel;
import org.nstcg.integrity.console.viewmodel.users.UsersViewModel;

/**
 * The main frame: navigation on the left, the selected screen in the middle, live server health at the bottom and
 * a banner while PostgreSQL is unreachable, who is signed in. Binds {@link ShellViewModel}; pages are loaded on
 * first visit.
 */
public final class ShellView {

    private final ShellViewModel viewModel;
    private final Map<Feature, Parent> pages = new EnumMap<>(Feature.class);
    private final Map<Feature, ToggleButton> navButtons = new EnumMap<>(Feature.class);
    private final ToggleGroup navigation = new ToggleGroup();

    @FXML private Parent root;
    @FXML private VBox navItems;
    @FXML private StackPane content;
    @FXML private Node banner;
    @FXML private Label bannerText;
    @FXML private Node linkNotice;
    @FXML private Label linkNoticeText;
    @FXML private Label databaseStatus;
    @FXML private Label redisStatus;
    @FXML private Label engineState;
    @FXML private Label checkedAt;
    @FXML private ToggleButton themeToggle;
    @FXML private Label userName;
    @FXML private Label roleName;

    public ShellView(ShellViewModel viewModel) {
        this.viewModel = viewModel;
    }

    @FXML
    private void initialize() {
        for (Feature feature : viewModel.features()) {
            ToggleButton button = new ToggleButton(feature.title(), new FontIcon(icon(feature)));
            button.getStyleClass().add(StyleClasses.NAV_ITEM);
            button.setMaxWidth(Double.MAX_VALUE);
            button.setToggleGroup(navigation);
            button.setTooltip(new Tooltip(feature.title() + " (Ctrl+" + feature.shortcutDigit() + ")"));
            button.setOnAction(e -> viewModel.select(feature));
            navButtons.put(feature, button);
            navItems.getChildren().add(button);
        }
        // A toggle group lets the user un-select; navigation always shows the selected screen.
        navigation.selectedToggleProperty().addListener((obs, old, now) -> {
            if (now == null && old != null) {
                old.setSelected(true);
            }
        });
        viewModel.selectedProperty().addListener((obs, old, feature) -> show(feature));
        show(viewModel.selectedProperty().get());

        linkNoticeText.textProperty().bind(viewModel.linkNoticeProperty());
        linkNotice.visibleProperty().bind(viewModel.linkNoticeProperty().isNotEmpty());
        linkNotice.managedProperty().bind(linkNotice.visibleProperty());

        StatusBarViewModel status = viewModel.statusBar();
        banner.visibleProperty().bind(status.bannerVisibleProperty());
        banner.managedProperty().bind(banner.visibleProperty());
        bannerText.textProperty().bind(status.bannerTextProperty());
        status.bannerWarningProperty().addListener((obs, old, warning) -> banner.pseudoClassStateChanged(StyleClasses.DEGRADED, warning));
        bindServer(databaseStatus, status.database());
        bindServer(redisStatus, status.redis());
        engineState.textProperty().bind(status.stateTextProperty());
        Tooltips.bindNonEmpty(engineState, status.stateDetailProperty());
        status.degradedProperty().addListener((obs, old, degraded) -> engineState.pseudoClassStateChanged(StyleClasses.DEGRADED, degraded));
        status.downProperty().addListener((obs, old, down) -> engineState.pseudoClassStateChanged(StyleClasses.DOWN, down));
        checkedAt.textProperty().bind(status.checkedAtProperty());
        themeToggle.selectedProperty().bindBidirectional(viewModel.darkThemeProperty());
        userName.setText(viewModel.userName());
        roleName.setText(viewModel.roleTitle());

        viewModel.alerts().latestProperty().addListener((obs, old, notice) -> {
            if (notice != null) {
                popUp(notice);
            }
        });

        root.sceneProperty().addListener((obs, old, scene) -> {
            if (scene != null) {
                registerShortcuts(scene);
            }
        });
    }

    private void show(Feature feature) {
        Parent page = pages.computeIfAbsent(feature, this::loadPage);
        content.getChildren().setAll(page);
        navButtons.get(feature).setSelected(true);
    }

    /** The view of each screen's view-model; one line per screen. */
    private Parent loadPage(Feature feature) {
        PageViewModel page = viewModel.page(feature);
        if (page instanceof OverviewViewModel overview) {
            return ViewLoader.load(new OverviewView(overview));
        }
        if (page instanceof AccountsViewModel accounts) {
            return ViewLoader.load(new AccountsView(accounts));
        }
        if (page instanceof SagasViewModel sagas) {
            return ViewLoader.load(new SagasView(sagas));
        }
        if (page instanceof AuditViewModel audit) {
            return ViewLoader.load(new AuditView(audit));
        }
        if (page instanceof CacheViewModel cache) {
            return ViewLoader.load(new CacheView(cache));
        }
        if (page instanceof RepairsViewModel repairs) {
            return ViewLoader.load(new RepairsView(repairs));
        }
        if (page instanceof DuplicatesViewModel duplicates) {
            return ViewLoader.load(new DuplicatesView(duplicates));
        }
        if (page instanceof UsersViewModel users) {
            return ViewLoader.load(new UsersView(users));
        }
        if (page instanceof PlaceholderViewModel placeholder) {
            return ViewLoader.load(new PlaceholderView(placeholder));
        }
        throw new IllegalStateException("no view for " + page.getClass().getName());
    }

    private void popUp(AlertNotifier.Notice notice) {
        Notifications popup = Notifications.create().title(notice.title()).text(notice.text())
                .position(Pos.BOTTOM_RIGHT).hideAfter(Duration.seconds(10));
        if (root.getScene() != null && root.getScene().getWindow() != null) {
            popup.owner(root.getScene().getWindow());
        }
        if (notice.critical()) {
            popup.showError();
        } else {
            popup.showWarning();
        }
    }

    @FXML
    private void dismissLinkNotice() {
        viewModel.dismissLinkNotice();
    }

    @FXML
    private void signOut() {
        viewModel.signOut();
    }

    private static void bindServer(Label label, ServerStatusViewModel server) {
        FontIcon dot = new FontIcon(Material2AL.LENS);
        dot.getStyleClass().add(StyleClasses.STATUS_DOT);
        label.setGraphic(dot);
        label.textProperty().bind(server.textProperty());
        Tooltips.bindNonEmpty(label, server.problemProperty());
        server.upProperty().addListener((obs, old, up) -> {
            label.pseudoClassStateChanged(StyleClasses.DOWN, !up);
            dot.pseudoClassStateChanged(StyleClasses.DOWN, !up);
        });
    }

    private void registerShortcuts(Scene scene) {
        for (Feature feature : viewModel.features()) {
            // Registered for the user's screens only; the view-model ignores the others anyway.
            KeyCode digit = KeyCode.getKeyCode(Integer.toString(feature.shortcutDigit()));
            scene.getAccelerators().put(new KeyCodeCombination(digit, KeyCombination.SHORTCUT_DOWN),
                    () -> viewModel.select(feature));
        }
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F5), viewModel::refreshCurrent);
    }

    private static Ikon icon(Feature feature) {
        return switch (feature) {
            case OVERVIEW -> Material2OutlinedAL.DASHBOARD;
            case DUPLICATES -> Material2OutlinedAL.CONTENT_COPY;
            case SAGAS -> Material2OutlinedAL.ACCOUNT_TREE;
            case CACHE -> Material2OutlinedMZ.MEMORY;
            case USERS -> Material2OutlinedMZ.PEOPLE;
            case REPAIRS -> Material2OutlinedAL.BUILD;
            case AUDIT -> Material2OutlinedMZ.POLICY;
            case ACCOUNTS -> Material2OutlinedMZ.SUPERVISOR_ACCOUNT;
        };
    }
}
