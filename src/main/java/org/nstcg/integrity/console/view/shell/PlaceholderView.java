package org.nstcg.integrity.console.view.shell;

import javafx.fxml.FXML;
import javafx.scene.control.Label;
import org.nstcg.integrity.console.viewmodel.shell.PlaceholderViewModel;

/** The empty state of a screen a later release fills. Binds {@link PlaceholderViewModel}. */
public final class PlaceholderView {

    private final PlaceholderViewModel viewModel;

    @FXML private Label headline;
    @FXML private Label purpose;

    public PlaceholderView(PlaceholderViewModel viewModel) {
        this.viewModel = viewModel;
    }

    @FXML
    private void initialize() {
        headline.setText(viewModel.headline());
        purpose.setText(viewModel.purpose());
    }
}
