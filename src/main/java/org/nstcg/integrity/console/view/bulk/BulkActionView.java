package org.nstcg.integrity.console.view.bulk;

import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableBooleanValue;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.nstcg.integrity.console.service.ViewLoader;
import org.nstcg.integrity.console.theme.StyleClasses;
import org.nstcg.integrity.console.view.TableColumns;
import org.nstcg.integrity.console.viewmodel.bulk.BulkActionViewModel;
import org.nstcg.integrity.console.viewmodel.bulk.BulkActionViewModel.Row;
import org.nstcg.integrity.console.viewmodel.bulk.BulkActionViewModel.Step;

/**
 * The bulk-action dialog: the preview table with its bulkCount, the reason, Run; bulkProgress and Cancel; the bulkSummary. Binds
 * {@link BulkActionViewModel}; {@link #open} shows it as a window-modal dialog over the screen that asked for it.
 */
public final class BulkActionView {

    private final BulkActionViewModel<?> viewModel;
    private Stage stage;

    @FXML private Label bulkTitle;
    @FXML private Label bulkCount;
    @FXML private Label bulkError;
    @FXML private TableView<Row> bulkItems;
    @FXML private TableColumn<Row, String> bulkItemColumn;
    @FXML private TableColumn<Row, String> bulkDetailColumn;
    @FXML private TableColumn<Row, String> bulkOutcomeColumn;
    @FXML private Node bulkReasonBox;
    @FXML private TextArea bulkReason;
    @FXML private Label bulkReasonError;
    @FXML private Node bulkProgressBox;
    @FXML private ProgressBar bulkProgress;
    @FXML private Label bulkProgressText;
    @FXML private Label bulkProgressMessage;
    @FXML private Label bulkSummary;
    @FXML private Button bulkCancel;
    @FXML private Button bulkClose;
    @FXML private Button bulkRun;

    public BulkActionView(BulkActionViewModel<?> viewModel) {
        this.viewModel = viewModel;
    }

    /**
     * Opens the dialog over {@code owner}, with its stylesheets (so its theme), and loads the preview.
     *
     * @param itemHeader the item column's header ("Saga", "Pair")
     */
    public static Stage open(Window owner, BulkActionViewModel<?> viewModel, String itemHeader) {
        BulkActionView view = new BulkActionView(viewModel);
        Parent root = ViewLoader.load(view);
        view.bulkItemColumn.setText(itemHeader);
        Stage stage = new Stage();
        stage.initOwner(owner);
        stage.initModality(Modality.WINDOW_MODAL);
        stage.setTitle(viewModel.title());
        Scene scene = new Scene(root);
        if (owner != null && owner.getScene() != null) {
            scene.getStylesheets().setAll(owner.getScene().getStylesheets());
        }
        stage.setScene(scene);
        view.stage = stage;
        // A run in bulkProgress goes on only with Cancel: the window's close button asks it to stop instead.
        stage.setOnCloseRequest(e -> {
            if (viewModel.stepProperty().get() == Step.RUNNING) {
                viewModel.cancel();
                e.consume();
            }
        });
        stage.show();
        viewModel.load();
        return stage;
    }

    @FXML
    private void initialize() {
        bulkTitle.setText(viewModel.title());
        bulkCount.textProperty().bind(viewModel.countProperty());
        show(bulkCount, viewModel.stepProperty().isNotEqualTo(Step.FINISHED));
        bulkError.textProperty().bind(viewModel.errorProperty());
        show(bulkError, viewModel.errorProperty().isNotEmpty());

        TableColumns.text(bulkItemColumn, Row::item);
        TableColumns.text(bulkDetailColumn, Row::detail);
        bulkOutcomeColumn.setCellValueFactory(cell -> new javafx.beans.property.ReadOnlyStringWrapper(cell.getValue().outcome()));
        bulkOutcomeColumn.setCellFactory(c -> new OutcomeCell());
        bulkDetailColumn.textProperty().bind(Bindings.when(viewModel.stepProperty().isEqualTo(Step.FINISHED))
                .then("What happened").otherwise("What it will do"));
        bulkItems.setItems(viewModel.rows());
        TableColumns.empty(bulkItems, Bindings.when(viewModel.stepProperty().isEqualTo(Step.LOADING))
                .then("Loading the preview…").otherwise("Nothing matches."));
        // The flexible column takes what the others leave.
        bulkItems.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);

        ObservableBooleanValue previewing = viewModel.stepProperty().isEqualTo(Step.PREVIEWED).or(viewModel.stepProperty().isEqualTo(Step.LOADING));
        show(bulkReasonBox, previewing);
        bulkReason.textProperty().bindBidirectional(viewModel.reasonProperty());
        bulkReason.setPromptText(viewModel.reasonPrompt());
        bulkReason.disableProperty().bind(viewModel.runnableProperty().not());
        bulkReasonError.textProperty().bind(viewModel.reasonErrorProperty());

        show(bulkProgressBox, viewModel.stepProperty().isEqualTo(Step.RUNNING).or(viewModel.stepProperty().isEqualTo(Step.FINISHED)));
        bulkProgress.progressProperty().bind(viewModel.progressProperty());
        bulkProgressText.textProperty().bind(viewModel.progressTextProperty());
        bulkProgressMessage.textProperty().bind(viewModel.progressMessageProperty());
        show(bulkProgressMessage, viewModel.progressMessageProperty().isNotEmpty());
        bulkSummary.textProperty().bind(viewModel.summaryProperty());
        show(bulkSummary, viewModel.summaryProperty().isNotEmpty());

        show(bulkRun, previewing);
        bulkRun.textProperty().bind(viewModel.runTextProperty());
        bulkRun.disableProperty().bind(viewModel.runnableProperty().not());
        show(bulkCancel, viewModel.stepProperty().isEqualTo(Step.RUNNING));
        show(bulkClose, viewModel.stepProperty().isNotEqualTo(Step.RUNNING));
        bulkClose.textProperty().bind(Bindings.when(viewModel.stepProperty().isEqualTo(Step.FINISHED)).then("Close").otherwise("Cancel"));
    }

    @FXML
    private void run() {
        viewModel.run();
    }

    @FXML
    private void cancel() {
        viewModel.cancel();
    }

    @FXML
    private void close() {
        if (stage != null) {
            stage.close();
        }
    }

    private static void show(Node node, ObservableBooleanValue condition) {
        node.visibleProperty().bind(condition);
        node.managedProperty().bind(node.visibleProperty());
    }

    /** The outcome, coloured by it. */
    private static final class OutcomeCell extends TableCell<Row, String> {
        @Override
        protected void updateItem(String text, boolean empty) {
            super.updateItem(text, empty);
            setText(empty ? null : text);
            String t = empty || text == null ? "" : text;
            pseudoClassStateChanged(StyleClasses.OUTCOME_DONE, t.equals("Done"));
            pseudoClassStateChanged(StyleClasses.OUTCOME_SKIPPED, t.equals("Skipped") || t.equals("Not run"));
            pseudoClassStateChanged(StyleClasses.OUTCOME_FAILED, t.equals("Failed"));
            pseudoClassStateChanged(StyleClasses.OUTCOME_ALONE, t.equals("Left alone"));
        }
    }
}
