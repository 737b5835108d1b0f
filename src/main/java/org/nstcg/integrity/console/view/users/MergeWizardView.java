package org.nstcg.integrity.console.view.users;

import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import org.nstcg.integrity.console.viewmodel.users.MergeWizardViewModel;
import org.nstcg.integrity.console.viewmodel.users.MergeWizardViewModel.Step;

/** The merge wizard: choose, preview, reason, confirm, undo. Binds {@link MergeWizardViewModel}; used by Users and Duplicates. */
public final class MergeWizardView {

    private final MergeWizardViewModel viewModel;
    private final Runnable onClose;

    @FXML private TextField survivorField;
    @FXML private TextField duplicateField;
    @FXML private Button swapButton;
    @FXML private Button previewButton;
    @FXML private Button closeButton;
    @FXML private Node changesBox;
    @FXML private Label changesCaption;
    @FXML private ListView<String> changesList;
    @FXML private Node reasonBox;
    @FXML private TextField reasonField;
    @FXML private Button mergeButton;
    @FXML private Node confirmBox;
    @FXML private Label confirmation;
    @FXML private Button confirmMergeButton;
    @FXML private Node doneBox;
    @FXML private Label message;
    @FXML private Button undoButton;
    @FXML private Label error;

    /**
     * @param onClose what the close button does; null hides it (the Duplicates screen keeps the wizard open)
     */
    public MergeWizardView(MergeWizardViewModel viewModel, Runnable onClose) {
        this.viewModel = viewModel;
        this.onClose = onClose;
    }

    @FXML
    private void initialize() {
        survivorField.textProperty().bindBidirectional(viewModel.survivorTextProperty());
        duplicateField.textProperty().bindBidirectional(viewModel.duplicateTextProperty());
        reasonField.textProperty().bindBidirectional(viewModel.reasonProperty());
        changesList.setItems(viewModel.changes());
        changesCaption.textProperty().bind(viewModel.stepProperty().map(s -> s == Step.DONE
                ? "The merge made these changes:" : "Merging would make these changes (nothing is written yet):"));
        show(changesBox, viewModel.isStep(Step.CHOOSE).not());
        show(reasonBox, viewModel.isStep(Step.PREVIEWED));
        show(confirmBox, viewModel.isStep(Step.CONFIRM));
        show(doneBox, viewModel.messageProperty().isNotEmpty());
        show(error, viewModel.errorProperty().isNotEmpty());
        show(undoButton, viewModel.undoAvailableProperty());
        show(closeButton, javafx.beans.binding.Bindings.createBooleanBinding(() -> onClose != null));
        confirmation.textProperty().bind(viewModel.confirmationProperty());
        message.textProperty().bind(viewModel.messageProperty());
        error.textProperty().bind(viewModel.errorProperty());
        var locked = viewModel.busyProperty().or(viewModel.isStep(Step.CONFIRM));
        survivorField.disableProperty().bind(locked);
        duplicateField.disableProperty().bind(locked);
        swapButton.disableProperty().bind(locked);
        previewButton.disableProperty().bind(locked);
        mergeButton.disableProperty().bind(viewModel.busyProperty());
        confirmMergeButton.disableProperty().bind(viewModel.busyProperty());
        undoButton.disableProperty().bind(viewModel.busyProperty());
        reasonField.setOnAction(e -> viewModel.requestMerge());
    }

    private static void show(Node node, javafx.beans.value.ObservableBooleanValue when) {
        node.visibleProperty().bind(when);
        node.managedProperty().bind(node.visibleProperty());
    }

    @FXML
    private void swap() {
        viewModel.swap();
    }

    @FXML
    private void preview() {
        viewModel.preview();
    }

    @FXML
    private void requestMerge() {
        viewModel.requestMerge();
    }

    @FXML
    private void confirmMerge() {
        viewModel.confirmMerge();
    }

    @FXML
    private void cancelConfirm() {
        viewModel.cancelConfirm();
    }

    @FXML
    private void undo() {
        viewModel.undo();
    }

    @FXML
    private void close() {
        if (onClose != null) {
            onClose.run();
        }
    }
}
