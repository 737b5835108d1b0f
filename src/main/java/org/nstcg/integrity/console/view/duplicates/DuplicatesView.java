package org.nstcg.integrity.console.view.duplicates;

import java.util.Locale;
import javafx.beans.value.ObservableBooleanValue;
import javafx.collections.transformation.SortedList;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.Slider;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.StackPane;
import org.nstcg.integrity.console.service.ViewLoader;
import org.nstcg.integrity.console.view.users.MergeWizardView;
import org.nstcg.integrity.console.view.TableColumns;
import org.nstcg.integrity.console.view.bulk.BulkActionView;
import org.nstcg.integrity.console.view.users.UsersView;
import org.nstcg.integrity.console.viewmodel.duplicates.DuplicatePair;
import org.nstcg.integrity.console.viewmodel.duplicates.DuplicatesViewModel;

/** The Duplicates screen: filters, the pairs, and the selected pair side by side with the merge wizard. */
public final class DuplicatesView {

    private final DuplicatesViewModel viewModel;

    @FXML private Parent root;
    @FXML private ProgressIndicator loadingIndicator;
    @FXML private Label progressText;
    @FXML private Button cancelButton;
    @FXML private Button refreshButton;
    @FXML private Label alertsSummary;
    @FXML private ComboBox<String> kindBox;
    @FXML private Slider scoreSlider;
    @FXML private Label scoreValue;
    @FXML private TextField filterField;
    @FXML private Button loadMoreButton;
    @FXML private Button mergeSelectedButton;
    @FXML private Label summary;
    @FXML private Node errorBox;
    @FXML private Label errorText;
    @FXML private TableView<DuplicatePair> pairsTable;
    @FXML private TableColumn<DuplicatePair, String> kindColumn;
    @FXML private TableColumn<DuplicatePair, String> scoreColumn;
    @FXML private TableColumn<DuplicatePair, String> leftColumn;
    @FXML private TableColumn<DuplicatePair, String> rightColumn;
    @FXML private TableColumn<DuplicatePair, String> reasonsColumn;
    @FXML private Node pairEmpty;
    @FXML private Node pairScroll;
    @FXML private Label leftTitle;
    @FXML private Label leftText;
    @FXML private Label rightTitle;
    @FXML private Label rightText;
    @FXML private Label pairReasons;
    @FXML private Label mergeHint;
    @FXML private StackPane wizardHolder;

    public DuplicatesView(DuplicatesViewModel viewModel) {
        this.viewModel = viewModel;
    }

    @FXML
    private void initialize() {
        show(loadingIndicator, viewModel.loadingProperty());
        progressText.textProperty().bind(viewModel.progressProperty());
        show(cancelButton, viewModel.loadingProperty());
        refreshButton.disableProperty().bind(viewModel.loadingProperty());
        alertsSummary.textProperty().bind(viewModel.alertsSummaryProperty());

        kindBox.setItems(viewModel.kinds());
        kindBox.valueProperty().bindBidirectional(viewModel.kindProperty());
        scoreSlider.valueProperty().bindBidirectional(viewModel.minScoreProperty());
        scoreValue.textProperty().bind(viewModel.minScoreProperty().map(v -> String.format(Locale.ROOT, "%.2f", v.doubleValue())));
        filterField.textProperty().bindBidirectional(viewModel.filterTextProperty());
        show(loadMoreButton, viewModel.moreAvailableProperty());
        loadMoreButton.disableProperty().bind(viewModel.loadingProperty());
        summary.textProperty().bind(viewModel.summaryProperty());
        errorText.textProperty().bind(viewModel.errorProperty());
        show(errorBox, viewModel.errorProperty().isNotEmpty());

        SortedList<DuplicatePair> sorted = new SortedList<>(viewModel.pairs());
        sorted.comparatorProperty().bind(pairsTable.comparatorProperty());
        pairsTable.setItems(sorted);
        TableColumns.fitToContent(pairsTable, reasonsColumn);
        TableColumns.text(kindColumn, p -> p.kind().label());
        TableColumns.text(scoreColumn, DuplicatePair::scoreText);
        TableColumns.text(leftColumn, p -> p.left().summary());
        TableColumns.text(rightColumn, p -> p.right().summary());
        TableColumns.text(reasonsColumn, DuplicatePair::reasons);
        TableColumns.empty(pairsTable, viewModel.emptyTextProperty());
        // Reading the pairs again empties the selection; the pair shown follows its row (and a merge's result stays).
        pairsTable.getSelectionModel().setSelectionMode(javafx.scene.control.SelectionMode.MULTIPLE);
        javafx.beans.binding.Bindings.bindContent(viewModel.selection(), pairsTable.getSelectionModel().getSelectedItems());
        mergeSelectedButton.disableProperty().bind(viewModel.mergeSelectedAvailableProperty().not());
        pairsTable.getSelectionModel().selectedItemProperty().addListener((obs, old, pair) -> {
            if (pair != null) {
                viewModel.select(pair);
            }
        });

        pairEmpty.visibleProperty().bind(viewModel.pairShownProperty().not());
        show(pairScroll, viewModel.pairShownProperty());
        leftTitle.textProperty().bind(viewModel.leftTitleProperty());
        leftText.textProperty().bind(viewModel.leftTextProperty());
        rightTitle.textProperty().bind(viewModel.rightTitleProperty());
        rightText.textProperty().bind(viewModel.rightTextProperty());
        pairReasons.textProperty().bind(viewModel.pairReasonsProperty());
        mergeHint.textProperty().bind(viewModel.mergeHintProperty());
        show(mergeHint, viewModel.mergeHintProperty().isNotEmpty());
        wizardHolder.getChildren().setAll(ViewLoader.load(new MergeWizardView(viewModel.wizard(), null)));
        show(wizardHolder, viewModel.wizardShownProperty());

        Runnable focusFilter = () -> {
            filterField.requestFocus();
            filterField.selectAll();
        };
        root.sceneProperty().addListener((obs, old, scene) -> {
            if (old != null) {
                old.getAccelerators().remove(UsersView.FIND, focusFilter);
            }
            if (scene != null) {
                scene.getAccelerators().put(UsersView.FIND, focusFilter);
            }
        });
    }

    private static void show(Node node, ObservableBooleanValue when) {
        node.visibleProperty().bind(when);
        node.managedProperty().bind(node.visibleProperty());
    }

    @FXML
    private void refresh() {
        viewModel.refresh();
    }

    @FXML
    private void cancel() {
        viewModel.cancel();
    }

    @FXML
    private void mergeSelected() {
        BulkActionView.open(pairsTable.getScene().getWindow(), viewModel.mergeSelected(), "Pair");
    }

    @FXML
    private void loadMore() {
        viewModel.loadMore();
    }
}
