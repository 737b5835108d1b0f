package org.nstcg.integrity.console.view.connect;

import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import org.nstcg.integrity.console.viewmodel.connect.ConnectViewModel;
import org.nstcg.integrity.console.viewmodel.connect.ConnectViewModel.Phase;

/**
 * The start screen: the engine's start-up progress, then (if the start fails) the error sentence and the
 * connection settings with a retry. Binds {@link ConnectViewModel}.
 */
public final class ConnectView {

    private final ConnectViewModel viewModel;

    @FXML private Node startingPane;
    @FXML private Label progressText;
    @FXML private Node failedPane;
    @FXML private Label errorTitle;
    @FXML private Label errorText;
    @FXML private TextField dbUrlField;
    @FXML private TextField dbUserField;
    @FXML private PasswordField dbPasswordField;
    @FXML private TextField redisUrlField;

    public ConnectView(ConnectViewModel viewModel) {
        this.viewModel = viewModel;
    }

    @FXML
    private void initialize() {
        startingPane.visibleProperty().bind(viewModel.phaseProperty().isEqualTo(Phase.STARTING));
        failedPane.visibleProperty().bind(viewModel.phaseProperty().isEqualTo(Phase.FAILED));
        progressText.textProperty().bind(viewModel.progressProperty());
        errorTitle.textProperty().bind(viewModel.errorTitleProperty());
        errorText.textProperty().bind(viewModel.errorProperty());
        dbUrlField.textProperty().bindBidirectional(viewModel.dbUrlProperty());
        dbUserField.textProperty().bindBidirectional(viewModel.dbUserProperty());
        dbPasswordField.textProperty().bindBidirectional(viewModel.dbPasswordProperty());
        redisUrlField.textProperty().bindBidirectional(viewModel.redisUrlProperty());
    }

    @FXML
    private void retry() {
        viewModel.retry();
    }

    @FXML
    private void useEmbeddedServers() {
        viewModel.useEmbeddedServers();
    }
}
