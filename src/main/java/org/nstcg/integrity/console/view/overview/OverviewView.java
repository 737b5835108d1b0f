package org.nstcg.integrity.console.view.overview;

import javafx.fxml.FXML;
import javafx.scene.AccessibleRole;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.Region;
import org.nstcg.integrity.console.theme.StyleClasses;
import org.nstcg.integrity.console.view.ChartRangeBar;
import org.nstcg.integrity.console.view.Tooltips;
import org.nstcg.integrity.console.viewmodel.overview.OverviewTile;
import org.nstcg.integrity.console.viewmodel.overview.OverviewViewModel;

/** The overview page: figure tiles with trends and click-throughs, when they were read, and a refresh. Binds {@link OverviewViewModel}. */
public final class OverviewView {

    private final OverviewViewModel viewModel;

    @FXML private Region usersTile;
    @FXML private Label usersValue;
    @FXML private Label usersDetail;
    @FXML private Sparkline usersTrend;
    @FXML private Node usersOpen;
    @FXML private Region blockedTile;
    @FXML private Label blockedValue;
    @FXML private Label blockedDetail;
    @FXML private Sparkline blockedTrend;
    @FXML private Node blockedOpen;
    @FXML private Region rollbackTile;
    @FXML private Label rollbackValue;
    @FXML private Label rollbackDetail;
    @FXML private Sparkline rollbackTrend;
    @FXML private Node rollbackOpen;
    @FXML private Region divergenceTile;
    @FXML private Label divergenceValue;
    @FXML private Label divergenceDetail;
    @FXML private Sparkline divergenceTrend;
    @FXML private Node divergenceOpen;
    @FXML private Region alertsTile;
    @FXML private Label alertsValue;
    @FXML private Label alertsDetail;
    @FXML private Sparkline alertsTrend;
    @FXML private Node alertsOpen;
    @FXML private Region lastCheckTile;
    @FXML private Label lastCheckValue;
    @FXML private Label lastCheckDetail;
    @FXML private Sparkline lastCheckTrend;
    @FXML private Node lastCheckOpen;

    @FXML private Label activeUsersValue;
    @FXML private Label activeUsersDetail;
    @FXML private Label referralCodesValue;
    @FXML private Label lastUpdateValue;
    @FXML private Label lastUpdateDetail;
    @FXML private Label updatedAt;
    @FXML private Node errorBox;
    @FXML private Label errorText;
    @FXML private Label errorDetail;
    @FXML private Label refreshHint;
    @FXML private ChartRangeBar rangeBar;
    @FXML private Label trendsShown;

    public OverviewView(OverviewViewModel viewModel) {
        this.viewModel = viewModel;
    }

    @FXML
    private void initialize() {
        rangeBar.bind(viewModel.chartRange());
        trendsShown.textProperty().bind(viewModel.trendsShownProperty());
        for (Sparkline s : new Sparkline[] {usersTrend, blockedTrend, rollbackTrend, divergenceTrend, alertsTrend}) {
            s.setOnSpanSelected((a, b) -> viewModel.chartRange().zoomToFraction(a, b));
        }
        bind(viewModel.usersTile(), usersTile, usersValue, usersDetail, usersTrend, usersOpen);
        bind(viewModel.blockedTile(), blockedTile, blockedValue, blockedDetail, blockedTrend, blockedOpen);
        bind(viewModel.rollbackTile(), rollbackTile, rollbackValue, rollbackDetail, rollbackTrend, rollbackOpen);
        bind(viewModel.divergenceTile(), divergenceTile, divergenceValue, divergenceDetail, divergenceTrend, divergenceOpen);
        bind(viewModel.alertsTile(), alertsTile, alertsValue, alertsDetail, alertsTrend, alertsOpen);
        bind(viewModel.lastCheckTile(), lastCheckTile, lastCheckValue, lastCheckDetail, lastCheckTrend, lastCheckOpen);

        activeUsersValue.textProperty().bind(viewModel.activeUsersProperty());
        activeUsersDetail.textProperty().bind(viewModel.inactiveUsersProperty());
        referralCodesValue.textProperty().bind(viewModel.referralCodesProperty());
        lastUpdateValue.textProperty().bind(viewModel.lastUpdateProperty());
        lastUpdateDetail.textProperty().bind(viewModel.lastUpdateDetailProperty());
        Tooltips.bindNonEmpty(lastUpdateValue, viewModel.lastUpdateExactProperty());
        updatedAt.textProperty().bind(viewModel.updatedAtProperty());
        errorText.textProperty().bind(viewModel.errorProperty());
        errorDetail.textProperty().bind(viewModel.errorDetailProperty());
        refreshHint.textProperty().bind(viewModel.refreshHintProperty());
        errorBox.visibleProperty().bind(viewModel.errorProperty().isNotEmpty());
        errorBox.managedProperty().bind(errorBox.visibleProperty());
    }

    /** A tile opens its screen by click, Enter or Space, and only when the role may see that screen. */
    private static void bind(OverviewTile tile, Region box, Label value, Label detail, Sparkline trend, Node open) {
        value.textProperty().bind(tile.valueProperty());
        detail.textProperty().bind(tile.detailProperty());
        Tooltips.bindNonEmpty(value, tile.tooltipProperty());
        trend.show(tile.trend());
        trend.showSpan(tile.trendFromProperty(), tile.trendToProperty(), tile.trendNoteProperty());
        Tooltip caption = new Tooltip();
        caption.textProperty().bind(tile.trendCaptionProperty());
        Tooltip.install(trend, caption);
        trend.accessibleTextProperty().bind(tile.trendCaptionProperty());
        box.pseudoClassStateChanged(StyleClasses.ATTENTION, tile.attentionProperty().get());
        tile.attentionProperty().addListener((o, was, is) -> box.pseudoClassStateChanged(StyleClasses.ATTENTION, is));
        open.setVisible(tile.navigable());
        box.pseudoClassStateChanged(StyleClasses.NAVIGABLE, tile.navigable());
        box.setFocusTraversable(tile.navigable());
        if (tile.navigable()) {
            box.setAccessibleRole(AccessibleRole.BUTTON);
            box.setAccessibleText(tile.openHint());
            Tooltip.install(box, new Tooltip(tile.openHint()));
            box.setOnMouseClicked(e -> tile.open());
            box.setOnKeyPressed(e -> {
                if (e.getCode() == KeyCode.ENTER || e.getCode() == KeyCode.SPACE) {
                    e.consume();
                    tile.open();
                }
            });
        }
    }

    @FXML
    private void refresh() {
        viewModel.refresh();
    }
}
