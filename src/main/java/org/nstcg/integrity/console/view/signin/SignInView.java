package org.nstcg.integrity.console.view.signin;

import javafx.application.Platform;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import org.nstcg.integrity.console.viewmodel.signin.SignInViewModel;

/** The sign-in card. Binds {@link SignInViewModel}. */
public final class SignInView {

    private final SignInViewModel viewModel;

    @FXML private TextField usernameField;
    @FXML private PasswordField passwordField;
    @FXML private Button signInButton;
    @FXML private Label message;
    @FXML private Node messageBox;

    public SignInView(SignInViewModel viewModel) {
        this.viewModel = viewModel;
    }

    @FXML
    private void initialize() {
        usernameField.textProperty().bindBidirectional(viewModel.usernameProperty());
        passwordField.textProperty().bindBidirectional(viewModel.passwordProperty());
        message.textProperty().bind(viewModel.messageProperty());
        messageBox.visibleProperty().bind(viewModel.messageProperty().isNotEmpty());
        // Hidden but still laid out: its reserved height keeps the form from jumping when a message appears.
        signInButton.disableProperty().bind(viewModel.busyProperty());
        usernameField.disableProperty().bind(viewModel.busyProperty());
        passwordField.disableProperty().bind(viewModel.busyProperty());
        Platform.runLater(usernameField::requestFocus);
    }

    @FXML
    private void signIn() {
        viewModel.signIn();
    }
}
