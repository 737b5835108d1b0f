package org.nstcg.integrity.console.view.overview;

import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.control.Label;
import org.nstcg.integrity.console.view.Tooltips;
import org.nstcg.integrity.console.viewmodel.overview.OverviewViewModel;

/** The overview page: figure tiles, when they were read, and a refresh. Binds {@link OverviewViewModel}. */
public final class OverviewView {

    private final OverviewViewModel viewModel;

    @FXML private Label usersValue;
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

    public OverviewView(OverviewViewModel viewModel) {
        this.viewModel = viewModel;
    }

    @FXML
    private void initialize() {
        usersValue.textProperty().bind(viewModel.usersProperty());
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

    @FXML
    private void refresh() {
        viewModel.refresh();
    }
}
