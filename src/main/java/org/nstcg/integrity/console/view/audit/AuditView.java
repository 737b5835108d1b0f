package org.nstcg.integrity.console.view.audit;

import org.nstcg.integrity.console.view.JsonViewer;
import org.nstcg.integrity.console.view.TableColumns;
import org.nstcg.integrity.console.view.TableExport;
import java.util.function.Function;
import javafx.beans.value.ObservableBooleanValue;
import javafx.collections.ListChangeListener;
import javafx.css.PseudoClass;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DatePicker;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.material2.Material2OutlinedAL;
import org.kordamp.ikonli.material2.Material2OutlinedMZ;
import org.nstcg.integrity.console.viewmodel.audit.AuditRow;
import org.nstcg.integrity.console.viewmodel.audit.AuditViewModel;
import org.nstcg.integrity.console.viewmodel.audit.VerifyState;
import org.nstcg.integrity.console.viewmodel.TimeRange;

/** The audit page: chain verification, search filters, a paged table of entries, the chosen entry in full. */
public final class AuditView {

    /** Colours of the verification result; rules in audit.css. */
    private static final PseudoClass INTACT = PseudoClass.getPseudoClass("intact");
    private static final PseudoClass BROKEN = PseudoClass.getPseudoClass("broken");

    private final AuditViewModel viewModel;

    @FXML private Label updatedAt;
    @FXML private Node errorBox;
    @FXML private Label errorText;
    @FXML private Label errorDetail;
    @FXML private Node verifyBox;
    @FXML private FontIcon verifyIcon;
    @FXML private Label verifyText;
    @FXML private Button showBadButton;
    @FXML private Button verifyButton;
    @FXML private TextField actorField;
    @FXML private TextField actionField;
    @FXML private TextField targetField;
    @FXML private TextField textField;
    @FXML private ComboBox<TimeRange> timeFilter;
    @FXML private Node dateRange;
    @FXML private DatePicker fromDate;
    @FXML private DatePicker toDate;
    @FXML private Label filterProblem;
    @FXML private TableView<AuditRow> auditTable;
    @FXML private TableColumn<AuditRow, String> whenColumn;
    @FXML private TableColumn<AuditRow, String> actorColumn;
    @FXML private TableColumn<AuditRow, String> actionColumn;
    @FXML private TableColumn<AuditRow, String> targetColumn;
    @FXML private TableColumn<AuditRow, String> detailsColumn;
    @FXML private TableColumn<AuditRow, String> idColumn;
    @FXML private Label emptyText;
    @FXML private Button firstPageButton;
    @FXML private Button previousPageButton;
    @FXML private Button nextPageButton;
    @FXML private Label pageText;
    @FXML private Node noEntry;
    @FXML private Node detail;
    @FXML private Label detailTitle;
    @FXML private Button copyLinkButton;
    @FXML private Label detailText;
    @FXML private Node detailsJsonBox;
    @FXML private JsonViewer detailsJson;
    @FXML private Node beforeBox;
    @FXML private JsonViewer beforeJson;
    @FXML private Node afterBox;
    @FXML private JsonViewer afterJson;
    @FXML private Node hashBox;
    @FXML private Label hashText;
    @FXML private Label prevHashText;
    @FXML private Label refreshHint;

    public AuditView(AuditViewModel viewModel) {
        this.viewModel = viewModel;
    }

    @FXML
    private void initialize() {
        updatedAt.textProperty().bind(viewModel.updatedAtProperty());
        errorText.textProperty().bind(viewModel.errorProperty());
        errorDetail.textProperty().bind(viewModel.errorDetailProperty());
        showWhen(errorBox, viewModel.errorProperty().isNotEmpty());

        verifyText.textProperty().bind(viewModel.verifyTextProperty());
        verifyButton.disableProperty().bind(viewModel.verifyStateProperty().isEqualTo(VerifyState.RUNNING));
        showWhen(showBadButton, viewModel.firstBadIdProperty().isNotNull());
        viewModel.verifyStateProperty().addListener((obs, old, state) -> showVerifyState(state));
        showVerifyState(viewModel.verifyStateProperty().get());

        actorField.textProperty().bindBidirectional(viewModel.actorProperty());
        actionField.textProperty().bindBidirectional(viewModel.actionProperty());
        targetField.textProperty().bindBidirectional(viewModel.targetProperty());
        textField.textProperty().bindBidirectional(viewModel.textProperty());
        timeFilter.getItems().setAll(viewModel.timeRangeChoices());
        timeFilter.valueProperty().bindBidirectional(viewModel.timeRangeProperty());
        showWhen(dateRange, viewModel.timeRangeProperty().isEqualTo(TimeRange.BETWEEN_DATES));
        fromDate.valueProperty().bindBidirectional(viewModel.fromDateProperty());
        toDate.valueProperty().bindBidirectional(viewModel.toDateProperty());
        filterProblem.textProperty().bind(viewModel.filterProblemProperty());
        showWhen(filterProblem, viewModel.filterProblemProperty().isNotEmpty());

        column(whenColumn, AuditRow::when);
        column(actorColumn, AuditRow::actor);
        column(actionColumn, AuditRow::action);
        column(targetColumn, AuditRow::target);
        column(detailsColumn, AuditRow::details);
        TableColumns.code(idColumn, r -> Long.toString(r.id()));
        auditTable.setItems(viewModel.rows());
        TableColumns.fitToContent(auditTable, detailsColumn);
        TableColumns.links(auditTable, viewModel::link);
        emptyText.textProperty().bind(viewModel.emptyTextProperty());
        auditTable.getSelectionModel().selectedItemProperty().addListener((obs, old, row) -> {
            // A refresh replaces the rows and clears the selection: the entry shown stays.
            if (row != null) {
                viewModel.selectedIdProperty().set(row.id());
            }
        });
        viewModel.rows().addListener((ListChangeListener<AuditRow>) change -> reselect());

        firstPageButton.disableProperty().bind(viewModel.hasPreviousPageProperty().not());
        previousPageButton.disableProperty().bind(viewModel.hasPreviousPageProperty().not());
        nextPageButton.disableProperty().bind(viewModel.hasNextPageProperty().not());
        pageText.textProperty().bind(viewModel.pageTextProperty());
        refreshHint.textProperty().bind(viewModel.refreshHintProperty());

        showWhen(detail, viewModel.detailShownProperty());
        showWhen(noEntry, viewModel.detailShownProperty().not());
        detailTitle.textProperty().bind(viewModel.detailTitleProperty());
        detailText.textProperty().bind(viewModel.detailTextProperty());
        json(detailsJsonBox, detailsJson, viewModel.detailDetailsJsonProperty());
        json(beforeBox, beforeJson, viewModel.detailBeforeProperty());
        json(afterBox, afterJson, viewModel.detailAfterProperty());
        hashText.textProperty().bind(viewModel.detailHashProperty());
        prevHashText.textProperty().bind(viewModel.detailPrevHashProperty());
        showWhen(hashBox, viewModel.detailHashProperty().isNotEmpty());
        showWhen(copyLinkButton, viewModel.detailLinkProperty().isNotEmpty());
    }

    private static void json(Node box, JsonViewer viewer, javafx.beans.value.ObservableStringValue text) {
        viewer.jsonProperty().bind(text);
        showWhen(box, javafx.beans.binding.Bindings.createBooleanBinding(() -> !text.get().isEmpty(), text));
    }

    @FXML
    private void copyLink() {
        TableExport.toClipboard(viewModel.detailLinkProperty().get());
    }

    private void reselect() {
        Long id = viewModel.selectedIdProperty().get();
        if (id != null) {
            viewModel.rows().stream().filter(r -> r.id() == id).findFirst().ifPresent(r -> auditTable.getSelectionModel().select(r));
        }
    }

    private void showVerifyState(VerifyState state) {
        verifyBox.pseudoClassStateChanged(INTACT, state == VerifyState.INTACT);
        verifyBox.pseudoClassStateChanged(BROKEN, state == VerifyState.BROKEN || state == VerifyState.FAILED);
        verifyIcon.setIconCode(switch (state) {
            case INTACT -> Material2OutlinedMZ.VERIFIED_USER;
            case BROKEN, FAILED -> Material2OutlinedAL.ERROR_OUTLINE;
            case RUNNING -> Material2OutlinedMZ.SYNC;
            case NOT_RUN -> Material2OutlinedMZ.POLICY;
        });
    }

    @FXML
    private void refresh() {
        viewModel.refresh();
    }

    @FXML
    private void verify() {
        viewModel.verify();
    }

    @FXML
    private void showFirstBad() {
        viewModel.showFirstBadEntry();
    }

    @FXML
    private void search() {
        viewModel.search();
    }

    @FXML
    private void clearFilters() {
        viewModel.clearFilters();
    }

    @FXML
    private void firstPage() {
        viewModel.firstPage();
    }

    @FXML
    private void previousPage() {
        viewModel.previousPage();
    }

    @FXML
    private void nextPage() {
        viewModel.nextPage();
    }

    private static void column(TableColumn<AuditRow, String> column, Function<AuditRow, String> value) {
        TableColumns.text(column, value);
    }

    private static void showWhen(Node node, ObservableBooleanValue condition) {
        node.visibleProperty().bind(condition);
        node.managedProperty().bind(node.visibleProperty());
    }
}
