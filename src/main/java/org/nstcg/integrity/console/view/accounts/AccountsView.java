package org.nstcg.integrity.console.view.accounts;

import org.nstcg.integrity.console.view.TableColumns;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import org.nstcg.integrity.console.theme.StyleClasses;
import org.nstcg.integrity.console.viewmodel.accounts.AccountRow;
import org.nstcg.integrity.console.viewmodel.accounts.AccountsViewModel;

/** Console accounts: the table, the new-account form and the selected account's actions. Binds {@link AccountsViewModel}. */
public final class AccountsView {

    private final AccountsViewModel viewModel;

    @FXML private TableView<AccountRow> accountsTable;
    @FXML private TableColumn<AccountRow, String> usernameColumn;
    @FXML private TableColumn<AccountRow, String> displayNameColumn;
    @FXML private TableColumn<AccountRow, String> roleColumn;
    @FXML private TableColumn<AccountRow, String> statusColumn;
    @FXML private TableColumn<AccountRow, String> lastSignInColumn;
    @FXML private TextField newUsernameField;
    @FXML private TextField newDisplayNameField;
    @FXML private ChoiceBox<String> newRoleChoice;
    @FXML private PasswordField newPasswordField;
    @FXML private Button createButton;
    @FXML private Node selectedPane;
    @FXML private Label selectedTitle;
    @FXML private ChoiceBox<String> roleChoice;
    @FXML private Button applyRoleButton;
    @FXML private Button unlockButton;
    @FXML private PasswordField resetPasswordField;
    @FXML private Button resetPasswordButton;
    @FXML private Button disableButton;
    @FXML private Node confirmBox;
    @FXML private Label confirmText;
    @FXML private Label message;

    public AccountsView(AccountsViewModel viewModel) {
        this.viewModel = viewModel;
    }

    @FXML
    private void initialize() {
        accountsTable.setItems(viewModel.rows());
        TableColumns.fitToContent(accountsTable, displayNameColumn);
        column(usernameColumn, AccountRow::username);
        column(displayNameColumn, AccountRow::displayName);
        column(roleColumn, AccountRow::role);
        column(statusColumn, AccountRow::status);
        column(lastSignInColumn, AccountRow::lastSignIn);
        accountsTable.getSelectionModel().selectedItemProperty().addListener((obs, old, row) -> viewModel.selectedProperty().set(row));
        viewModel.selectedProperty().addListener((obs, old, row) -> {
            if (row != accountsTable.getSelectionModel().getSelectedItem()) {
                accountsTable.getSelectionModel().select(row);
            }
        });

        newRoleChoice.getItems().setAll(viewModel.roles());
        newRoleChoice.valueProperty().bindBidirectional(viewModel.newRoleProperty());
        roleChoice.getItems().setAll(viewModel.roles());
        roleChoice.valueProperty().bindBidirectional(viewModel.selectedRoleProperty());
        newUsernameField.textProperty().bindBidirectional(viewModel.newUsernameProperty());
        newDisplayNameField.textProperty().bindBidirectional(viewModel.newDisplayNameProperty());
        newPasswordField.textProperty().bindBidirectional(viewModel.newPasswordProperty());
        resetPasswordField.textProperty().bindBidirectional(viewModel.resetPasswordProperty());
        createButton.disableProperty().bind(viewModel.busyProperty());

        selectedPane.disableProperty().bind(viewModel.nothingSelectedProperty().or(viewModel.busyProperty()));
        selectedTitle.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> viewModel.selectedProperty().get() == null
                ? "Select an account in the table to change it."
                : viewModel.selectedProperty().get().displayName() + " (" + viewModel.selectedProperty().get().username() + ")",
                viewModel.selectedProperty()));
        unlockButton.visibleProperty().bind(viewModel.selectedLockedProperty());
        unlockButton.managedProperty().bind(unlockButton.visibleProperty());
        disableButton.textProperty().bind(viewModel.disableActionProperty());
        resetPasswordButton.disableProperty().bind(viewModel.resetPasswordProperty().isEmpty());

        confirmText.textProperty().bind(viewModel.confirmationProperty());
        confirmBox.visibleProperty().bind(viewModel.confirmationProperty().isNotEmpty());
        confirmBox.managedProperty().bind(confirmBox.visibleProperty());
        message.textProperty().bind(viewModel.messageProperty());
        message.visibleProperty().bind(viewModel.messageProperty().isNotEmpty());
        message.managedProperty().bind(message.visibleProperty());
        viewModel.messageIsErrorProperty().addListener((obs, old, isError) -> message.pseudoClassStateChanged(StyleClasses.ERROR, isError));
    }

    private static void column(TableColumn<AccountRow, String> column, java.util.function.Function<AccountRow, String> value) {
        TableColumns.text(column, value);
    }

    @FXML
    private void create() {
        viewModel.create();
    }

    @FXML
    private void applyRole() {
        viewModel.applyRole();
    }

    @FXML
    private void unlock() {
        viewModel.unlock();
    }

    @FXML
    private void resetPassword() {
        viewModel.resetPassword();
    }

    @FXML
    private void toggleDisabled() {
        viewModel.toggleDisabled();
    }

    @FXML
    private void confirm() {
        viewModel.confirm();
    }

    @FXML
    private void cancelConfirmation() {
        viewModel.cancelConfirmation();
    }
}
