package org.nstcg.integrity.console.view.signin;

import javafx.application.Platform;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import org.nstcg.integrity.console.viewmodel.signin.SetupViewModel;

/** First launch: the form for the first administrator. Binds {@link SetupViewModel}. */
public final class SetupView {

    private final SetupViewModel viewModel;

    @FXML private TextField usernameField;
    @FXML private TextField displayNameField;
    @FXML private PasswordField passwordField;
    @FXML private PasswordField confirmationField;
    @FXML private Button createButton;
    @FXML private Label message;
    @FXML private Node messageBox;

    public SetupView(SetupViewModel viewModel) {
        this.viewModel = viewModel;
    }

    @FXML
    private void initialize() {
        usernameField.textProperty().bindBidirectional(viewModel.usernameProperty());
        displayNameField.textProperty().bindBidirectional(viewModel.displayNameProperty());
        passwordField.textProperty().bindBidirectional(viewModel.passwordProperty());
        confirmationField.textProperty().bindBidirectional(viewModel.confirmationProperty());
        message.textProperty().bind(viewModel.messageProperty());
        messageBox.visibleProperty().bind(viewModel.messageProperty().isNotEmpty());
        // Hidden but still laid out: its reserved height keeps the form from jumping when a message appears.
        createButton.disableProperty().bind(viewModel.busyProperty());
        Platform.runLater(usernameField::requestFocus);
    }

    @FXML
    private void create() {
        viewModel.create();
    }
}
