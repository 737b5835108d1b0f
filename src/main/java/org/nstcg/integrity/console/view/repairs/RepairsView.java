package org.nstcg.integrity.console.view.repairs;

import org.nstcg.integrity.console.view.JsonViewer;
import org.nstcg.integrity.console.view.ListCells;
import org.nstcg.integrity.console.view.TableColumns;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.value.ObservableBooleanValue;
import javafx.css.PseudoClass;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import org.nstcg.integrity.console.viewmodel.repairs.CheckRow;
import org.nstcg.integrity.console.viewmodel.repairs.RepairsViewModel;
import org.nstcg.integrity.console.viewmodel.repairs.RepairsViewModel.RepairStep;
import org.nstcg.integrity.console.viewmodel.repairs.RunRow;

/** The repairs page: checks with their findings and repair, run now, run history. Binds {@link RepairsViewModel}. */
public final class RepairsView {

    private static final PseudoClass FAILED = PseudoClass.getPseudoClass("failed");
    private static final PseudoClass PASSED = PseudoClass.getPseudoClass("passed");
    private static final PseudoClass ERROR = PseudoClass.getPseudoClass("error");

    private final RepairsViewModel viewModel;

    @FXML private Label updatedAt;
    @FXML private Button runChecksButton;
    @FXML private Node runBox;
    @FXML private ProgressBar runProgress;
    @FXML private Label runStatus;
    @FXML private Label runError;
    @FXML private Node errorBox;
    @FXML private Label errorText;
    @FXML private Label errorDetail;
    @FXML private ListView<CheckRow> checkList;
    @FXML private Label checkName;
    @FXML private Label checkDescription;
    @FXML private Label findingsHeader;
    @FXML private ListView<String> findingList;
    @FXML private JsonViewer findingDetails;
    @FXML private Label repairTitle;
    @FXML private Label repairDescription;
    @FXML private Button previewButton;
    @FXML private Button applyButton;
    @FXML private ProgressBar repairProgress;
    @FXML private Label planSummary;
    @FXML private ListView<String> changeList;
    @FXML private ScrollPane detailsScroll;
    @FXML private Node confirmBox;
    @FXML private Label applyQuestion;
    @FXML private TextField reason;
    @FXML private Label reasonError;
    @FXML private Button confirmApplyButton;
    @FXML private Label repairResult;
    @FXML private Label repairError;
    @FXML private Label repairHint;
    @FXML private TableView<RunRow> historyTable;
    @FXML private javafx.scene.control.TabPane tabs;
    @FXML private javafx.scene.control.Tab historyTab;
    @FXML private Node runNotice;
    @FXML private Label runNoticeText;
    /** The link of the run opened by a link, kept selected across refreshes until the user chooses another. */
    private String linkedRun;
    @FXML private TableColumn<RunRow, String> runIdColumn;
    @FXML private TableColumn<RunRow, String> startedColumn;
    @FXML private TableColumn<RunRow, String> triggerColumn;
    @FXML private TableColumn<RunRow, String> actorColumn;
    @FXML private TableColumn<RunRow, String> statusColumn;
    @FXML private TableColumn<RunRow, String> findingsColumn;
    @FXML private TableColumn<RunRow, String> durationColumn;
    @FXML private TableColumn<RunRow, String> detailsColumn;

    public RepairsView(RepairsViewModel viewModel) {
        this.viewModel = viewModel;
    }

    @FXML
    private void initialize() {
        updatedAt.textProperty().bind(viewModel.updatedAtProperty());
        runChecksButton.disableProperty().bind(viewModel.busyProperty());
        showWhen(runBox, viewModel.runningChecksProperty().or(viewModel.runStatusProperty().isNotEmpty()));
        runProgress.progressProperty().bind(viewModel.runProgressProperty());
        runStatus.textProperty().bind(viewModel.runStatusProperty());
        runError.textProperty().bind(viewModel.runErrorProperty());
        showWhen(runError, viewModel.runErrorProperty().isNotEmpty());
        errorText.textProperty().bind(viewModel.errorProperty());
        errorDetail.textProperty().bind(viewModel.errorDetailProperty());
        showWhen(errorBox, viewModel.errorProperty().isNotEmpty());

        checkList.setItems(viewModel.checks());
        checkList.setCellFactory(list -> new CheckCell());
        checkList.setPlaceholder(placeholder(viewModel.checksEmptyTextProperty()));
        viewModel.selectedProperty().addListener((obs, old, row) -> {
            if (row != null && checkList.getSelectionModel().getSelectedItem() != row) {
                checkList.getSelectionModel().select(row);
            }
        });
        checkList.getSelectionModel().selectedItemProperty().addListener((obs, old, row) -> {
            if (row != null && row != viewModel.selectedProperty().get()) {
                viewModel.select(row);
            }
        });
        checkList.disableProperty().bind(viewModel.busyProperty());
        checkName.textProperty().bind(Bindings.createStringBinding(() -> viewModel.selectedProperty().get() == null ? ""
                : viewModel.selectedProperty().get().name() + " · " + viewModel.selectedProperty().get().severity(), viewModel.selectedProperty()));
        checkDescription.textProperty().bind(Bindings.createStringBinding(() -> viewModel.selectedProperty().get() == null ? ""
                : viewModel.selectedProperty().get().description(), viewModel.selectedProperty()));
        findingsHeader.textProperty().bind(viewModel.findingsHeaderProperty());
        findingList.setItems(viewModel.findings());
        ListCells.wrapping(findingList);
        findingList.getSelectionModel().selectedIndexProperty().addListener((o, was, is) -> viewModel.selectedFindingProperty().set(is.intValue()));
        findingDetails.jsonProperty().bind(viewModel.findingDetailsProperty());
        findingDetails.visibleProperty().bind(viewModel.findingDetailsProperty().isNotEmpty());
        findingDetails.managedProperty().bind(findingDetails.visibleProperty());
        findingList.setPlaceholder(placeholder(viewModel.findingsEmptyTextProperty()));

        repairTitle.textProperty().bind(viewModel.repairTitleProperty());
        repairDescription.textProperty().bind(viewModel.repairDescriptionProperty());
        BooleanBinding step = stepIs(RepairStep.PREVIEWED);
        previewButton.visibleProperty().bind(viewModel.repairAvailableProperty().and(Bindings.createBooleanBinding(viewModel::mayRepair)));
        previewButton.managedProperty().bind(previewButton.visibleProperty());
        previewButton.disableProperty().bind(viewModel.busyProperty().or(stepIs(RepairStep.CONFIRMING)));
        applyButton.visibleProperty().bind(step.and(viewModel.planHasChangesProperty()).or(stepIs(RepairStep.CONFIRMING)));
        applyButton.managedProperty().bind(applyButton.visibleProperty());
        applyButton.disableProperty().bind(stepIs(RepairStep.CONFIRMING));
        showWhen(repairProgress, stepIs(RepairStep.PREVIEWING).or(stepIs(RepairStep.APPLYING)));
        repairProgress.setProgress(ProgressBar.INDETERMINATE_PROGRESS);
        planSummary.textProperty().bind(viewModel.planSummaryProperty());
        showWhen(planSummary, viewModel.planSummaryProperty().isNotEmpty());
        changeList.setItems(viewModel.plannedChanges());
        ListCells.wrapping(changeList);
        showWhen(changeList, Bindings.isNotEmpty(viewModel.plannedChanges()));
        showWhen(confirmBox, stepIs(RepairStep.CONFIRMING));
        // The confirmation and the result come last in the details: bring them into view when they appear.
        confirmBox.visibleProperty().addListener((obs, old, shown) -> scrollToEnd(shown));
        viewModel.repairResultProperty().addListener((obs, old, now) -> scrollToEnd(!now.isEmpty()));
        applyQuestion.textProperty().bind(viewModel.applyQuestionProperty());
        reason.textProperty().bindBidirectional(viewModel.reasonProperty());
        reasonError.textProperty().bind(viewModel.reasonErrorProperty());
        showWhen(reasonError, viewModel.reasonErrorProperty().isNotEmpty());
        repairResult.textProperty().bind(viewModel.repairResultProperty());
        showWhen(repairResult, viewModel.repairResultProperty().isNotEmpty());
        repairError.textProperty().bind(viewModel.repairErrorProperty());
        showWhen(repairError, viewModel.repairErrorProperty().isNotEmpty());
        repairHint.setText(viewModel.repairHint());
        repairHint.setVisible(!viewModel.mayRepair());
        repairHint.setManaged(!viewModel.mayRepair());

        historyTable.setItems(viewModel.runs());

        TableColumns.fitToContent(historyTable, detailsColumn);
        historyTable.setPlaceholder(new Label("No run is stored yet. Run the checks now, or wait for the schedule."));
        TableColumns.code(runIdColumn, RunRow::id);
        column(startedColumn, RunRow::startedAt);
        column(triggerColumn, RunRow::trigger);
        column(actorColumn, RunRow::actor);
        column(statusColumn, RunRow::status);
        column(findingsColumn, RunRow::findings);
        column(durationColumn, RunRow::duration);
        column(detailsColumn, RunRow::details);
        TableColumns.links(historyTable, RunRow::link);

        // A run opened by a link: its row selected in the run history, or the notice saying why it is not there.
        runNoticeText.textProperty().bind(viewModel.runNoticeProperty());
        showWhen(runNotice, viewModel.runNoticeProperty().isNotEmpty());
        viewModel.runNoticeProperty().addListener((obs, old, now) -> {
            if (!now.isEmpty()) {
                tabs.getSelectionModel().select(historyTab);
            }
        });
        viewModel.shownRunProperty().addListener((obs, old, run) -> showRun(run));
        // A refresh replaces the rows (and clears the selection): the linked run stays selected until another is chosen.
        viewModel.runs().addListener((javafx.collections.ListChangeListener<RunRow>) change -> {
            if (linkedRun != null) {
                historyTable.getItems().stream().filter(r -> r.link().equals(linkedRun)).findFirst()
                        .ifPresent(r -> historyTable.getSelectionModel().select(r));
            }
        });
        historyTable.getSelectionModel().selectedItemProperty().addListener((obs, old, row) -> {
            if (row != null && !row.link().equals(linkedRun)) {
                linkedRun = null;
            }
        });
    }

    private void showRun(RunRow run) {
        if (run == null) {
            return;
        }
        tabs.getSelectionModel().select(historyTab);
        linkedRun = run.link();
        historyTable.getItems().stream().filter(r -> r.link().equals(run.link())).findFirst().ifPresent(r -> {
            historyTable.getSelectionModel().select(r);
            historyTable.scrollTo(r);
        });
    }

    @FXML
    private void dismissRunNotice() {
        viewModel.dismissRunNotice();
    }

    private void scrollToEnd(boolean wanted) {
        if (wanted) {
            detailsScroll.layout();
            detailsScroll.setVvalue(detailsScroll.getVmax());
        }
    }

    private BooleanBinding stepIs(RepairStep wanted) {
        return Bindings.createBooleanBinding(() -> viewModel.stepProperty().get() == wanted, viewModel.stepProperty());
    }

    private static Label placeholder(javafx.beans.value.ObservableStringValue text) {
        Label label = new Label();
        label.setWrapText(true);
        label.getStyleClass().add("list-placeholder");
        label.textProperty().bind(text);
        return label;
    }

    private static void showWhen(Node node, ObservableBooleanValue shown) {
        node.visibleProperty().bind(shown);
        node.managedProperty().bind(node.visibleProperty());
    }

    private static void column(TableColumn<RunRow, String> column, Function<RunRow, String> value) {
        TableColumns.text(column, value);
    }

    /** A check: its name and what its latest run found, marked by status. */
    private static final class CheckCell extends ListCell<CheckRow> {
        @Override
        protected void updateItem(CheckRow row, boolean empty) {
            super.updateItem(row, empty);
            setText(empty || row == null ? null : row.toString());
            pseudoClassStateChanged(FAILED, !empty && row != null && row.status().equals(CheckRow.FAILED));
            pseudoClassStateChanged(PASSED, !empty && row != null && row.status().equals(CheckRow.PASSED));
            pseudoClassStateChanged(ERROR, !empty && row != null && row.status().equals(CheckRow.ERROR));
        }
    }

    @FXML
    private void refresh() {
        viewModel.refresh();
    }

    @FXML
    private void runChecks() {
        viewModel.runChecks();
    }

    @FXML
    private void preview() {
        viewModel.preview();
    }

    @FXML
    private void requestApply() {
        viewModel.requestApply();
    }

    @FXML
    private void cancelApply() {
        viewModel.cancelApply();
    }

    @FXML
    private void confirmApply() {
        viewModel.confirmApply();
    }
}
