package org.nstcg.integrity.console.view;

import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import org.kordamp.ikonli.javafx.FontIcon;
import org.nstcg.integrity.console.theme.StyleClasses;
import org.nstcg.integrity.console.viewmodel.ChartRange;
import org.nstcg.integrity.console.viewmodel.TimeRange;

/**
 * The time-range picker of a history chart: the range (last 15 minutes … 7 days, or a typed from–to), zoom out, zoom
 * in and "Reset zoom". Layout and binding only; the state is the view-model's {@link ChartRange}. Placed in FXML as
 * {@code <ChartRangeBar fx:id="rangeBar"/>}, then {@link #bind(ChartRange)} by the view.
 */
public final class ChartRangeBar extends VBox {

    private final ChoiceBox<TimeRange> choice = new ChoiceBox<>();
    private final TextField from = new TextField();
    private final TextField to = new TextField();
    private final Button show = new Button("Show");
    private final HBox custom;
    private final Button zoomOut = new Button();
    private final Button zoomIn = new Button();
    private final Button reset = new Button("Reset zoom");
    private final Label error = new Label();

    public ChartRangeBar() {
        getStyleClass().add(StyleClasses.CHART_RANGE_BAR);
        setSpacing(4);
        setAlignment(Pos.CENTER_RIGHT);
        choice.setId("rangeChoice");
        choice.setConverter(new StringConverter<>() {
            @Override
            public String toString(TimeRange r) {
                return r == null ? "" : ChartRange.title(r);
            }

            @Override
            public TimeRange fromString(String s) {
                throw new UnsupportedOperationException("the range is chosen, not typed");
            }
        });
        from.setId("rangeFrom");
        to.setId("rangeTo");
        for (TextField f : new TextField[] {from, to}) {
            f.setPrefColumnCount(17);
            f.setMinWidth(USE_PREF_SIZE);
            f.getStyleClass().add(StyleClasses.MONO);
            f.setOnAction(e -> show.fire());
        }
        from.setPromptText("2026-12-04 14:00");
        to.setPromptText("2026-12-04 15:00");
        show.setId("rangeShowButton");
        show.setMinWidth(USE_PREF_SIZE);
        Label dash = new Label("to");
        dash.setMinWidth(USE_PREF_SIZE);
        Label fromCaption = new Label("From");
        fromCaption.setMinWidth(USE_PREF_SIZE);
        custom = new HBox(6, fromCaption, from, dash, to, show);
        custom.setAlignment(Pos.CENTER_RIGHT);
        zoomOut.setId("zoomOutButton");
        zoomOut.setGraphic(new FontIcon("mdomz-zoom_out"));
        zoomOut.setTooltip(new Tooltip("Zoom out: show twice the span"));
        zoomOut.setAccessibleText("Zoom out");
        zoomIn.setId("zoomInButton");
        zoomIn.setGraphic(new FontIcon("mdomz-zoom_in"));
        zoomIn.setTooltip(new Tooltip("Zoom in: show the middle half (or drag across the chart)"));
        zoomIn.setAccessibleText("Zoom in");
        reset.setId("resetZoomButton");
        reset.setMinWidth(USE_PREF_SIZE);
        Label caption = new Label("Range");
        caption.getStyleClass().add("muted");
        caption.setMinWidth(USE_PREF_SIZE);
        choice.setPrefWidth(160);
        choice.setMinWidth(USE_PREF_SIZE);
        HBox row = new HBox(8, caption, choice, zoomOut, zoomIn, reset);
        row.setAlignment(Pos.CENTER_RIGHT);
        error.setId("rangeError");
        error.getStyleClass().add("field-error");
        error.setWrapText(true);
        // The typed range on its own line, so the bar fits beside a chart's title at 1280 px.
        getChildren().addAll(row, custom, error);
    }

    /** Shows and edits {@code range} from now on. */
    public void bind(ChartRange range) {
        choice.getItems().setAll(range.choices());
        choice.valueProperty().bindBidirectional(range.rangeProperty());
        custom.visibleProperty().bind(range.rangeProperty().isEqualTo(TimeRange.BETWEEN_DATES));
        custom.managedProperty().bind(custom.visibleProperty());
        from.textProperty().bindBidirectional(range.customFromProperty());
        to.textProperty().bindBidirectional(range.customToProperty());
        show.setOnAction(e -> range.applyCustom());
        zoomIn.setOnAction(e -> range.zoomIn());
        zoomOut.setOnAction(e -> range.zoomOut());
        reset.setOnAction(e -> range.resetZoom());
        zoomOut.disableProperty().bind(range.zoomedProperty().not());
        reset.disableProperty().bind(range.zoomedProperty().not());
        error.textProperty().bind(range.customErrorProperty());
        error.visibleProperty().bind(range.customErrorProperty().isNotEmpty());
        error.managedProperty().bind(error.visibleProperty());
    }
}
