package org.nstcg.integrity.console.view.users;

import org.nstcg.integrity.console.view.TableColumns;
import org.nstcg.integrity.console.view.TableExport;
import javafx.beans.value.ObservableBooleanValue;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.StackPane;
import org.nstcg.integrity.console.service.ViewLoader;
import org.nstcg.integrity.console.viewmodel.users.UserRows;
import org.nstcg.integrity.console.viewmodel.users.UsersViewModel;

/** The Users screen: search, results, and the selected user's details. Binds {@link UsersViewModel}. */
public final class UsersView {

    /** Ctrl+F (Cmd+F): to the search field. */
    public static final KeyCombination FIND = new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN);

    private final UsersViewModel viewModel;

    @FXML private Parent root;
    @FXML private TextField searchField;
    @FXML private ProgressIndicator searchProgress;
    @FXML private Button searchButton;
    @FXML private Label summary;
    @FXML private Node errorBox;
    @FXML private Label errorText;
    @FXML private TableView<UserRows.Match> resultsTable;
    @FXML private TableColumn<UserRows.Match, String> nameColumn;
    @FXML private TableColumn<UserRows.Match, String> emailColumn;
    @FXML private TableColumn<UserRows.Match, String> statusColumn;
    @FXML private TableColumn<UserRows.Match, String> whyColumn;
    @FXML private Node detailsEmpty;
    @FXML private Node detailsScroll;
    @FXML private Label detailTitle;
    @FXML private Label detailSubtitle;
    @FXML private ProgressIndicator detailsProgress;
    @FXML private Button mergeButton;
    @FXML private Button copyLinkButton;
    @FXML private Label detailsEmptyText;
    @FXML private Button unmergeButton;
    @FXML private Label mergedNote;
    @FXML private Node unmergeBox;
    @FXML private Label unmergeQuestion;
    @FXML private TextField unmergeReason;
    @FXML private Button confirmUnmergeButton;
    @FXML private Label actionMessage;
    @FXML private Label actionError;
    @FXML private StackPane wizardHolder;
    @FXML private Label detailsError;
    @FXML private Label email;
    @FXML private Label mailbox;
    @FXML private Label codes;
    @FXML private Label points;
    @FXML private Label referralCount;
    @FXML private Hyperlink referrerLink;
    @FXML private Label referrerText;
    @FXML private Label created;
    @FXML private Label ledgerSummary;
    @FXML private TableView<UserRows.Ledger> ledgerTable;
    @FXML private TableColumn<UserRows.Ledger, String> ledgerAtColumn;
    @FXML private TableColumn<UserRows.Ledger, String> ledgerDeltaColumn;
    @FXML private TableColumn<UserRows.Ledger, String> ledgerReasonColumn;
    @FXML private TableColumn<UserRows.Ledger, String> ledgerSagaColumn;
    @FXML private Label refereesSummary;
    @FXML private TableView<UserRows.Person> refereesTable;
    @FXML private TableColumn<UserRows.Person, String> refereeNameColumn;
    @FXML private TableColumn<UserRows.Person, String> refereeEmailColumn;
    @FXML private TableColumn<UserRows.Person, String> refereeStatusColumn;
    @FXML private TableColumn<UserRows.Person, String> refereeCodeColumn;
    @FXML private TableView<UserRows.Merge> mergesTable;
    @FXML private TableColumn<UserRows.Merge, String> mergeIdColumn;
    @FXML private TableColumn<UserRows.Merge, String> mergeWhatColumn;
    @FXML private TableColumn<UserRows.Merge, String> mergeStatusColumn;
    @FXML private TableColumn<UserRows.Merge, String> mergeByColumn;
    @FXML private TableColumn<UserRows.Merge, String> mergeReasonColumn;
    @FXML private TableView<UserRows.Saga> sagasTable;
    @FXML private TableColumn<UserRows.Saga, String> sagaAtColumn;
    @FXML private TableColumn<UserRows.Saga, String> sagaTypeColumn;
    @FXML private TableColumn<UserRows.Saga, String> sagaStatusColumn;
    @FXML private TableColumn<UserRows.Saga, String> sagaHowColumn;
    @FXML private TableColumn<UserRows.Saga, String> sagaIdColumn;
    @FXML private TableView<UserRows.Audit> auditTable;
    @FXML private TableColumn<UserRows.Audit, String> auditAtColumn;
    @FXML private TableColumn<UserRows.Audit, String> auditActorColumn;
    @FXML private TableColumn<UserRows.Audit, String> auditActionColumn;
    @FXML private TableColumn<UserRows.Audit, String> auditDetailsColumn;

    public UsersView(UsersViewModel viewModel) {
        this.viewModel = viewModel;
    }

    @FXML
    private void initialize() {
        searchField.textProperty().bindBidirectional(viewModel.queryProperty());
        show(searchProgress, viewModel.searchingProperty());
        summary.textProperty().bind(viewModel.summaryProperty());
        show(summary, viewModel.summaryProperty().isNotEmpty());
        errorText.textProperty().bind(viewModel.errorProperty());
        show(errorBox, viewModel.errorProperty().isNotEmpty());

        resultsTable.setItems(viewModel.results());

        TableColumns.fitToContent(resultsTable, whyColumn);
        TableColumns.links(resultsTable, viewModel::link);
        TableColumns.text(nameColumn, UserRows.Match::name);
        TableColumns.text(emailColumn, UserRows.Match::email);
        TableColumns.text(statusColumn, UserRows.Match::status);
        TableColumns.text(whyColumn, UserRows.Match::why);
        TableColumns.empty(resultsTable, viewModel.emptyTextProperty());
        // A new search empties the selection; the user shown stays while the results still hold it.
        resultsTable.getSelectionModel().selectedItemProperty().addListener((obs, old, row) -> {
            if (row != null) {
                viewModel.select(row.id());
            }
        });

        detailsEmpty.visibleProperty().bind(viewModel.detailsShownProperty().not());
        detailsEmptyText.textProperty().bind(viewModel.detailsEmptyTextProperty());
        show(detailsScroll, viewModel.detailsShownProperty());
        detailTitle.textProperty().bind(viewModel.titleProperty());
        detailSubtitle.textProperty().bind(viewModel.subtitleProperty());
        show(detailsProgress, viewModel.loadingDetailsProperty());
        show(mergeButton, viewModel.mergeAvailableProperty());
        show(unmergeButton, viewModel.unmergeAvailableProperty());
        mergeButton.disableProperty().bind(viewModel.wizardShownProperty());
        unmergeButton.disableProperty().bind(viewModel.confirmingUnmergeProperty());
        mergedNote.textProperty().bind(viewModel.mergedNoteProperty());
        show(mergedNote, viewModel.mergedNoteProperty().isNotEmpty());
        show(unmergeBox, viewModel.confirmingUnmergeProperty());
        unmergeQuestion.textProperty().bind(viewModel.unmergeQuestionProperty());
        unmergeReason.textProperty().bindBidirectional(viewModel.unmergeReasonProperty());
        unmergeReason.setOnAction(e -> viewModel.confirmUnmerge());
        confirmUnmergeButton.disableProperty().bind(viewModel.loadingDetailsProperty());
        actionMessage.textProperty().bind(viewModel.actionMessageProperty());
        show(actionMessage, viewModel.actionMessageProperty().isNotEmpty());
        actionError.textProperty().bind(viewModel.actionErrorProperty());
        show(actionError, viewModel.actionErrorProperty().isNotEmpty());
        detailsError.textProperty().bind(viewModel.detailsErrorProperty());
        show(detailsError, viewModel.detailsErrorProperty().isNotEmpty());
        wizardHolder.getChildren().setAll(ViewLoader.load(new MergeWizardView(viewModel.wizard(), viewModel::closeWizard)));
        show(wizardHolder, viewModel.wizardShownProperty());

        email.textProperty().bind(viewModel.emailProperty());
        mailbox.textProperty().bind(viewModel.mailboxProperty());
        codes.textProperty().bind(viewModel.codesProperty());
        points.textProperty().bind(viewModel.pointsProperty());
        referralCount.textProperty().bind(viewModel.referralCountProperty());
        referrerLink.textProperty().bind(viewModel.referrerProperty());
        referrerText.textProperty().bind(viewModel.referrerProperty());
        show(referrerLink, viewModel.referrerAvailableProperty());
        show(referrerText, viewModel.referrerAvailableProperty().not());
        created.textProperty().bind(viewModel.createdProperty());

        ledgerSummary.textProperty().bind(viewModel.ledgerSummaryProperty());
        ledgerTable.setItems(viewModel.ledger());
        TableColumns.fitToContent(ledgerTable, ledgerSagaColumn);
        TableColumns.text(ledgerAtColumn, UserRows.Ledger::at);
        TableColumns.text(ledgerDeltaColumn, UserRows.Ledger::delta);
        TableColumns.text(ledgerReasonColumn, UserRows.Ledger::reason);
        TableColumns.code(ledgerSagaColumn, UserRows.Ledger::saga);
        TableColumns.empty(ledgerTable, "Every change of the user's points appears here.");

        refereesSummary.textProperty().bind(viewModel.refereesSummaryProperty());
        refereesTable.setItems(viewModel.referees());
        TableColumns.fitToContent(refereesTable, refereeEmailColumn);
        TableColumns.text(refereeNameColumn, UserRows.Person::name);
        TableColumns.text(refereeEmailColumn, UserRows.Person::email);
        TableColumns.text(refereeStatusColumn, UserRows.Person::status);
        TableColumns.code(refereeCodeColumn, UserRows.Person::code);
        TableColumns.empty(refereesTable, "Users who signed up with this user's code appear here.");
        refereesTable.setRowFactory(table -> {
            TableRow<UserRows.Person> row = new TableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && !row.isEmpty()) {
                    viewModel.openUser(row.getItem().id());
                }
            });
            return row;
        });

        mergesTable.setItems(viewModel.mergeHistory());

        TableColumns.fitToContent(mergesTable, mergeReasonColumn);
        TableColumns.code(mergeIdColumn, UserRows.Merge::id);
        TableColumns.text(mergeWhatColumn, UserRows.Merge::what);
        TableColumns.text(mergeStatusColumn, UserRows.Merge::status);
        TableColumns.text(mergeByColumn, UserRows.Merge::by);
        TableColumns.text(mergeReasonColumn, UserRows.Merge::reason);
        TableColumns.empty(mergesTable, "Merges this user took part in appear here.");

        sagasTable.setItems(viewModel.sagas());

        TableColumns.fitToContent(sagasTable, sagaHowColumn);
        TableColumns.text(sagaAtColumn, UserRows.Saga::at);
        TableColumns.text(sagaTypeColumn, UserRows.Saga::type);
        TableColumns.text(sagaStatusColumn, UserRows.Saga::status);
        TableColumns.text(sagaHowColumn, UserRows.Saga::how);
        TableColumns.code(sagaIdColumn, UserRows.Saga::id);
        TableColumns.empty(sagasTable, "Registrations, bonuses and merges that touched this user appear here.");

        auditTable.setItems(viewModel.audit());

        TableColumns.fitToContent(auditTable, auditDetailsColumn);
        TableColumns.text(auditAtColumn, UserRows.Audit::at);
        TableColumns.text(auditActorColumn, UserRows.Audit::actor);
        TableColumns.text(auditActionColumn, UserRows.Audit::action);
        TableColumns.text(auditDetailsColumn, UserRows.Audit::details);
        TableColumns.empty(auditTable, "Administrative actions on this user (merges, unmerges) appear here.");

        // Ctrl+F belongs to the screen that is shown: added when this page enters the window, removed when it leaves.
        Runnable focusSearch = () -> {
            searchField.requestFocus();
            searchField.selectAll();
        };
        root.sceneProperty().addListener((obs, old, scene) -> {
            if (old != null) {
                old.getAccelerators().remove(FIND, focusSearch);
            }
            if (scene != null) {
                scene.getAccelerators().put(FIND, focusSearch);
            }
        });
    }

    private static void show(Node node, ObservableBooleanValue when) {
        node.visibleProperty().bind(when);
        node.managedProperty().bind(node.visibleProperty());
    }

    @FXML
    private void search() {
        viewModel.search();
    }

    @FXML
    private void copyLink() {
        TableExport.toClipboard(viewModel.detailLinkProperty().get());
    }

    @FXML
    private void beginMerge() {
        viewModel.beginMerge();
    }

    @FXML
    private void beginUnmerge() {
        viewModel.beginUnmerge();
    }

    @FXML
    private void confirmUnmerge() {
        viewModel.confirmUnmerge();
    }

    @FXML
    private void cancelUnmerge() {
        viewModel.cancelUnmerge();
    }

    @FXML
    private void openReferrer() {
        viewModel.referrerId().ifPresent(viewModel::openUser);
    }
}
