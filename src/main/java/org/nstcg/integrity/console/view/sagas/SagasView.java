package org.nstcg.integrity.console.view.sagas;

import org.nstcg.integrity.console.view.TableColumns;
import org.nstcg.integrity.console.view.TableExport;
import org.nstcg.integrity.console.view.bulk.BulkActionView;
import java.util.Locale;
import java.util.function.Function;
import javafx.collections.ListChangeListener;
import javafx.css.PseudoClass;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.DatePicker;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.javafx.FontIcon;
import org.kordamp.ikonli.material2.Material2OutlinedAL;
import org.kordamp.ikonli.material2.Material2OutlinedMZ;
import org.nstcg.integrity.console.viewmodel.sagas.SagaRow;
import org.nstcg.integrity.console.viewmodel.sagas.SagaTone;
import org.nstcg.integrity.console.viewmodel.sagas.SagasViewModel;
import org.nstcg.integrity.console.viewmodel.sagas.StatusFilter;
import org.nstcg.integrity.console.viewmodel.TimeRange;
import org.nstcg.integrity.console.viewmodel.sagas.TimelineItem;
import org.nstcg.integrity.console.view.JsonViewer;

/**
 * The sagas page: filters, a paged table of sagas, and the chosen saga's timeline with Retry and Resolve.
 * Binds {@link SagasViewModel}; the cells only render what the view-model prepared.
 */
public final class SagasView {

    private final SagasViewModel viewModel;
    /** The next reselect scrolls the selected row into view (a saga opened by a link, not by a click). */
    private boolean scrollToSelection;

    @FXML private Label updatedAt;
    @FXML private Node errorBox;
    @FXML private Label errorText;
    @FXML private Label errorDetail;
    @FXML private ComboBox<StatusFilter> statusFilter;
    @FXML private ComboBox<String> typeFilter;
    @FXML private ComboBox<TimeRange> timeFilter;
    @FXML private Node dateRange;
    @FXML private DatePicker fromDate;
    @FXML private DatePicker toDate;
    @FXML private Label filterProblem;
    @FXML private Node bulkActions;
    @FXML private Button retryAllButton;
    @FXML private Button resolveAllButton;
    @FXML private TableView<SagaRow> sagaTable;
    @FXML private TableColumn<SagaRow, String> statusColumn;
    @FXML private TableColumn<SagaRow, String> typeColumn;
    @FXML private TableColumn<SagaRow, String> keyColumn;
    @FXML private TableColumn<SagaRow, String> stepColumn;
    @FXML private TableColumn<SagaRow, String> startedColumn;
    @FXML private TableColumn<SagaRow, String> durationColumn;
    @FXML private TableColumn<SagaRow, String> errorColumn;
    @FXML private Label emptyText;
    @FXML private Button firstPageButton;
    @FXML private Button previousPageButton;
    @FXML private Button nextPageButton;
    @FXML private Label pageText;
    @FXML private Label refreshHint;
    @FXML private Node noSaga;
    @FXML private Label detailProblem;
    @FXML private Node detail;
    @FXML private Label detailTitle;
    @FXML private Label detailStatus;
    @FXML private Button copyLinkButton;
    @FXML private Label detailFacts;
    @FXML private Node lastErrorBox;
    @FXML private Label detailError;
    @FXML private Node actions;
    @FXML private TextArea reasonField;
    @FXML private Button retryButton;
    @FXML private Button resolveButton;
    @FXML private Label reasonHint;
    @FXML private Node confirmBar;
    @FXML private Label confirmText;
    @FXML private Button confirmButton;
    @FXML private Button cancelButton;
    @FXML private Label actionError;
    @FXML private Label actionResult;
    @FXML private ListView<TimelineItem> timelineList;
    @FXML private JsonViewer detailData;
    @FXML private JsonViewer stepResultJson;
    @FXML private Label stepResultHint;

    public SagasView(SagasViewModel viewModel) {
        this.viewModel = viewModel;
    }

    @FXML
    private void initialize() {
        updatedAt.textProperty().bind(viewModel.updatedAtProperty());
        errorText.textProperty().bind(viewModel.errorProperty());
        errorDetail.textProperty().bind(viewModel.errorDetailProperty());
        showWhen(errorBox, viewModel.errorProperty().isNotEmpty());

        statusFilter.getItems().setAll(viewModel.statusChoices());
        statusFilter.valueProperty().bindBidirectional(viewModel.statusProperty());
        typeFilter.setItems(viewModel.typeChoices());
        typeFilter.valueProperty().bindBidirectional(viewModel.typeProperty());
        timeFilter.getItems().setAll(viewModel.timeRangeChoices());
        timeFilter.valueProperty().bindBidirectional(viewModel.timeRangeProperty());
        showWhen(dateRange, viewModel.timeRangeProperty().isEqualTo(TimeRange.BETWEEN_DATES));
        fromDate.valueProperty().bindBidirectional(viewModel.fromDateProperty());
        toDate.valueProperty().bindBidirectional(viewModel.toDateProperty());
        filterProblem.textProperty().bind(viewModel.filterProblemProperty());
        showWhen(filterProblem, viewModel.filterProblemProperty().isNotEmpty());
        showWhen(bulkActions, javafx.beans.binding.Bindings.createBooleanBinding(viewModel::mayAct));
        retryAllButton.disableProperty().bind(viewModel.bulkAvailableProperty().not());
        resolveAllButton.disableProperty().bind(viewModel.bulkAvailableProperty().not());

        bindTable();
        firstPageButton.disableProperty().bind(viewModel.hasPreviousPageProperty().not());
        previousPageButton.disableProperty().bind(viewModel.hasPreviousPageProperty().not());
        nextPageButton.disableProperty().bind(viewModel.hasNextPageProperty().not());
        pageText.textProperty().bind(viewModel.pageTextProperty());
        refreshHint.textProperty().bind(viewModel.refreshHintProperty());

        bindDetail();
    }

    private void bindTable() {
        column(statusColumn, SagaRow::status);
        column(typeColumn, SagaRow::type);
        column(keyColumn, SagaRow::businessKey);
        column(stepColumn, SagaRow::step);
        column(startedColumn, SagaRow::started);
        column(durationColumn, SagaRow::duration);
        column(errorColumn, SagaRow::lastError);
        statusColumn.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(String text, boolean empty) {
                super.updateItem(text, empty);
                SagaRow row = empty ? null : getTableRow().getItem();
                setText(empty ? null : text);
                for (SagaTone tone : SagaTone.values()) {
                    pseudoClassStateChanged(tone(tone), row != null && row.tone() == tone);
                }
            }
        });
        TableColumns.links(sagaTable, viewModel::link);
        sagaTable.setItems(viewModel.rows());
        TableColumns.fitToContent(sagaTable, errorColumn);
        emptyText.textProperty().bind(viewModel.emptyTextProperty());
        sagaTable.getSelectionModel().selectedItemProperty().addListener((obs, old, row) -> {
            // A refresh replaces the rows and clears the selection: that must not close the open saga.
            if (row != null) {
                viewModel.selectedIdProperty().set(row.id());
            }
        });
        viewModel.rows().addListener((ListChangeListener<SagaRow>) change -> reselect());
        viewModel.selectedIdProperty().addListener((obs, old, id) -> {
            // Opened by a link, not a click: select and show its row once the page lists it.
            SagaRow shown = sagaTable.getSelectionModel().getSelectedItem();
            if (id != null && (shown == null || !shown.id().equals(id))) {
                scrollToSelection = true;
                reselect();
                SagaRow now = sagaTable.getSelectionModel().getSelectedItem();
                if (now != null && !now.id().equals(id)) {
                    // The page does not list it (yet): no other row may look chosen meanwhile.
                    sagaTable.getSelectionModel().clearSelection();
                }
            }
        });
    }

    private void reselect() {
        String id = viewModel.selectedIdProperty().get();
        if (id == null) {
            return;
        }
        for (SagaRow row : viewModel.rows()) {
            if (row.id().equals(id)) {
                sagaTable.getSelectionModel().select(row);
                if (scrollToSelection) {
                    scrollToSelection = false;
                    sagaTable.scrollTo(row);
                }
                return;
            }
        }
    }

    private void bindDetail() {
        showWhen(detail, viewModel.detailShownProperty());
        showWhen(noSaga, viewModel.detailShownProperty().not());
        detailProblem.textProperty().bind(viewModel.detailProblemProperty());
        showWhen(detailProblem, viewModel.detailProblemProperty().isNotEmpty());
        detailTitle.textProperty().bind(viewModel.detailTitleProperty());
        detailStatus.textProperty().bind(viewModel.detailStatusProperty());
        viewModel.detailToneProperty().addListener((obs, old, now) -> toneOf(detailStatus, now));
        toneOf(detailStatus, viewModel.detailToneProperty().get());
        detailFacts.textProperty().bind(viewModel.detailFactsProperty());
        copyLinkButton.setTooltip(new javafx.scene.control.Tooltip("Copy this saga's link (integrity://saga/…) to paste in a ticket;"
                + " the console opens it with --open"));
        detailError.textProperty().bind(viewModel.detailErrorProperty());
        showWhen(lastErrorBox, viewModel.detailErrorProperty().isNotEmpty());
        detailData.jsonProperty().bind(viewModel.detailDataProperty());
        stepResultJson.jsonProperty().bind(viewModel.stepResultProperty());
        showWhen(stepResultJson, viewModel.stepResultProperty().isNotEmpty());
        stepResultHint.textProperty().bind(viewModel.stepResultHintProperty());
        showWhen(stepResultHint, viewModel.stepResultHintProperty().isNotEmpty());

        showWhen(actions, viewModel.actionsShownProperty());
        reasonField.textProperty().bindBidirectional(viewModel.reasonProperty());
        reasonField.disableProperty().bind(viewModel.actingProperty());
        retryButton.disableProperty().bind(viewModel.reasonMissingProperty().or(viewModel.actingProperty()));
        resolveButton.disableProperty().bind(viewModel.reasonMissingProperty().or(viewModel.actingProperty()));
        showWhen(reasonHint, viewModel.reasonMissingProperty());
        showWhen(confirmBar, viewModel.pendingActionProperty().isNotEqualTo(SagasViewModel.PendingAction.NONE));
        confirmText.textProperty().bind(viewModel.confirmTextProperty());
        confirmButton.textProperty().bind(viewModel.confirmButtonTextProperty());
        confirmButton.disableProperty().bind(viewModel.actingProperty().or(viewModel.reasonMissingProperty()));
        cancelButton.disableProperty().bind(viewModel.actingProperty());
        actionError.textProperty().bind(viewModel.actionErrorProperty());
        showWhen(actionError, viewModel.actionErrorProperty().isNotEmpty());
        actionResult.textProperty().bind(viewModel.actionResultProperty());
        showWhen(actionResult, viewModel.actionResultProperty().isNotEmpty());

        timelineList.setItems(viewModel.timeline());
        timelineList.setCellFactory(list -> new TimelineCell());
        timelineList.setFocusTraversable(false);
        timelineList.getSelectionModel().selectedItemProperty().addListener((o, was, is) -> viewModel.selectedStepProperty().set(is));
    }

    @FXML
    private void copyLink() {
        TableExport.toClipboard(viewModel.detailLinkProperty().get());
    }

    @FXML
    private void refresh() {
        viewModel.refresh();
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

    @FXML
    private void retryAll() {
        BulkActionView.open(sagaTable.getScene().getWindow(), viewModel.bulk(SagasViewModel.BulkAction.RETRY), "Saga");
    }

    @FXML
    private void resolveAll() {
        BulkActionView.open(sagaTable.getScene().getWindow(), viewModel.bulk(SagasViewModel.BulkAction.RESOLVE), "Saga");
    }

    @FXML
    private void requestRetry() {
        viewModel.requestRetry();
    }

    @FXML
    private void requestResolve() {
        viewModel.requestResolve();
    }

    @FXML
    private void confirm() {
        viewModel.confirmAction();
    }

    @FXML
    private void cancel() {
        viewModel.cancelAction();
    }

    private static void column(TableColumn<SagaRow, String> column, Function<SagaRow, String> value) {
        TableColumns.text(column, value);
    }

    private static void showWhen(Node node, javafx.beans.value.ObservableBooleanValue condition) {
        node.visibleProperty().bind(condition);
        node.managedProperty().bind(node.visibleProperty());
    }

    /** The pseudo-class a tone sets, e.g. {@code :tone-danger}; its colours are in sagas.css. */
    private static PseudoClass tone(SagaTone tone) {
        return PseudoClass.getPseudoClass("tone-" + tone.name().toLowerCase(Locale.ROOT));
    }

    private static void toneOf(Node node, SagaTone now) {
        for (SagaTone tone : SagaTone.values()) {
            node.pseudoClassStateChanged(tone(tone), tone == now);
        }
    }

    private static Ikon icon(SagaTone tone) {
        return switch (tone) {
            case SUCCESS -> Material2OutlinedAL.CHECK_CIRCLE;
            case ACTIVE -> Material2OutlinedMZ.PLAY_CIRCLE_OUTLINE;
            case NEUTRAL -> Material2OutlinedMZ.UNDO;
            case DANGER -> Material2OutlinedAL.ERROR_OUTLINE;
            case MANUAL -> Material2OutlinedMZ.PERSON;
        };
    }

    /** One timeline entry: icon, title, offset and time, the step's result or the reason, the error. */
    private static final class TimelineCell extends ListCell<TimelineItem> {

        private final FontIcon icon = new FontIcon();
        private final Label title = new Label();
        private final Label when = new Label();
        private final Label detail = new Label();
        private final Label error = new Label();
        private final HBox box;

        TimelineCell() {
            getStyleClass().add("timeline-cell");
            icon.getStyleClass().add("timeline-icon");
            title.getStyleClass().add("timeline-title");
            when.getStyleClass().add("timeline-when");
            detail.getStyleClass().add("timeline-detail");
            error.getStyleClass().add("timeline-error");
            for (Label l : new Label[] {title, detail, error}) {
                l.setWrapText(true);
                l.setMaxWidth(Double.MAX_VALUE);
            }
            // The time under the title, not beside it: on one row in the narrow details pane the title was cut
            // ("Step ...") and the time too (issue 15 §3).
            VBox text = new VBox(2, title, when, detail, error);
            HBox.setHgrow(text, Priority.ALWAYS);
            text.setMinWidth(0);
            text.setPrefWidth(0);
            box = new HBox(10, icon, text);
        }

        @Override
        protected void updateItem(TimelineItem item, boolean empty) {
            super.updateItem(item, empty);
            setText(null);
            if (empty || item == null) {
                setGraphic(null);
                toneOf(this, null);
                return;
            }
            icon.setIconCode(icon(item.tone()));
            title.setText(item.title());
            when.setText(item.offset() + " · " + item.time());
            detail.setText(item.detail());
            detail.setVisible(!item.detail().isEmpty());
            detail.setManaged(detail.isVisible());
            error.setText(item.error());
            error.setVisible(!item.error().isEmpty());
            error.setManaged(error.isVisible());
            toneOf(this, item.tone());
            setGraphic(box);
        }
    }
}
