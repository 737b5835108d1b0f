package org.nstcg.integrity.console.view.overview;

import java.util.List;
import java.util.function.BiConsumer;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.geometry.VPos;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.Region;
import javafx.scene.shape.Circle;
import javafx.scene.shape.LineTo;
import javafx.scene.shape.MoveTo;
import javafx.scene.shape.Path;
import javafx.scene.shape.PathElement;
import javafx.scene.shape.Rectangle;
import javafx.scene.text.Text;
import org.nstcg.integrity.console.theme.StyleClasses;

/**
 * A small trend line without a value axis: the values of an observable list, oldest on the left, scaled so the
 * largest touches the top and zero the bottom, with a dot on the newest. A {@code NaN} value is a bucket no stored
 * history covers: the line breaks there instead of dropping to zero. Under the line, the times of its two edges and,
 * when the history starts inside the span, "No samples before 14:02". Dragging across it reports the span chosen as
 * two fractions of the width (the overview zooms to it); a drag is not a click. Redrawn whenever the list or the size
 * changes. A {@code Path} rather than a {@code LineChart}: six tiles refreshing every few seconds need no axes, legend
 * or animation, and a chart's layout pass is far heavier.
 */
public final class Sparkline extends Region {

    private static final double LABELS = 14;

    private final Path line = new Path();
    private final Circle newest = new Circle(2.5);
    private final Text fromLabel = new Text();
    private final Text toLabel = new Text();
    private final Text note = new Text();
    private final Rectangle band = new Rectangle();
    private final ListChangeListener<Number> redraw = change -> requestLayout();
    private ObservableList<Number> values = FXCollections.emptyObservableList();
    private BiConsumer<Double, Double> onSpan;
    private double dragStart = Double.NaN;
    private boolean dragged;

    public Sparkline() {
        getStyleClass().add(StyleClasses.SPARKLINE);
        line.getStyleClass().add(StyleClasses.SPARKLINE_LINE);
        newest.getStyleClass().add(StyleClasses.SPARKLINE_POINT);
        fromLabel.getStyleClass().add(StyleClasses.SPARKLINE_AXIS);
        toLabel.getStyleClass().add(StyleClasses.SPARKLINE_AXIS);
        note.getStyleClass().add(StyleClasses.SPARKLINE_NOTE);
        band.getStyleClass().add(StyleClasses.CHART_ZOOM_BAND);
        band.setVisible(false);
        band.setMouseTransparent(true);
        for (var n : List.of(line, newest, fromLabel, toLabel, note, band)) {
            n.setManaged(false);
        }
        for (Text t : List.of(fromLabel, toLabel, note)) {
            t.setTextOrigin(VPos.TOP);
            t.textProperty().addListener((o, was, is) -> requestLayout());
        }
        getChildren().addAll(line, newest, fromLabel, toLabel, note, band);
        addEventHandler(MouseEvent.MOUSE_PRESSED, this::pressed);
        addEventHandler(MouseEvent.MOUSE_DRAGGED, this::dragging);
        addEventHandler(MouseEvent.MOUSE_RELEASED, this::released);
        // A drag chose a span: it must not also open the tile's screen.
        addEventHandler(MouseEvent.MOUSE_CLICKED, e -> {
            if (dragged || !e.isStillSincePress()) {
                e.consume();
            }
        });
    }

    /** Draws {@code trend} from now on. */
    public void show(ObservableList<Number> trend) {
        values.removeListener(redraw);
        values = trend;
        values.addListener(redraw);
        requestLayout();
    }

    /** Labels the edges with times ("14:00", "15:00") and shows {@code gap} ("No samples before 14:02") when not empty. */
    public void showSpan(ObservableValue<String> from, ObservableValue<String> to, ObservableValue<String> gap) {
        fromLabel.textProperty().bind(from);
        toLabel.textProperty().bind(to);
        note.textProperty().bind(gap);
    }

    /** Called with the fractions of the width (0 to 1, in order) a drag across the line chose. */
    public void setOnSpanSelected(BiConsumer<Double, Double> onSpan) {
        this.onSpan = onSpan;
    }

    /** The values drawn, oldest first (tests read them). */
    public List<Number> values() {
        return List.copyOf(values);
    }

    /** The left edge's label, or the gap note when there is one (tests read it). */
    public String fromText() {
        return note.getText() == null || note.getText().isEmpty() ? fromLabel.getText() : note.getText();
    }

    @Override
    protected double computePrefHeight(double width) {
        return hasLabels() ? 34 + LABELS : 34;
    }

    @Override
    protected double computePrefWidth(double height) {
        return 120;
    }

    private boolean hasLabels() {
        return !fromLabel.getText().isEmpty() || !note.getText().isEmpty();
    }

    private double plotLeft() {
        return snappedLeftInset() + newest.getRadius() + 1;
    }

    private double plotWidth() {
        return Math.max(0, getWidth() - plotLeft() - snappedRightInset() - newest.getRadius() - 1);
    }

    @Override
    protected void layoutChildren() {
        int n = values.size();
        double pad = newest.getRadius() + 1;
        double left = plotLeft();
        double top = snappedTopInset() + pad;
        double w = plotWidth();
        double labels = hasLabels() ? LABELS : 0;
        double h = Math.max(0, getHeight() - top - snappedBottomInset() - pad - labels);
        double labelY = top + h + pad;
        boolean gap = !note.getText().isEmpty();
        fromLabel.setVisible(!gap);
        note.setVisible(gap);
        fromLabel.relocate(snappedLeftInset(), labelY);
        note.relocate(snappedLeftInset(), labelY);
        toLabel.relocate(getWidth() - snappedRightInset() - toLabel.getLayoutBounds().getWidth(), labelY);
        band.setY(snappedTopInset());
        band.setHeight(top + h + pad - snappedTopInset());

        line.getElements().clear();
        newest.setVisible(false);
        double max = 0;
        for (Number v : values) {
            if (!Double.isNaN(v.doubleValue())) {
                max = Math.max(max, v.doubleValue());
            }
        }
        List<PathElement> elements = new java.util.ArrayList<>();
        boolean drawing = false;
        for (int i = 0; i < n; i++) {
            double v = values.get(i).doubleValue();
            if (Double.isNaN(v)) {
                drawing = false;
                continue;
            }
            double x = left + (n == 1 ? w : w * i / (n - 1));
            double y = top + h - (max <= 0 ? 0 : h * Math.max(0, v) / max);
            elements.add(drawing ? new LineTo(x, y) : new MoveTo(x, y));
            drawing = true;
            newest.setCenterX(x);
            newest.setCenterY(y);
            newest.setVisible(true);
        }
        line.getElements().setAll(elements);
    }

    private void pressed(MouseEvent e) {
        dragged = false;
        dragStart = onSpan != null && e.getButton() == MouseButton.PRIMARY ? clampX(e.getX()) : Double.NaN;
    }

    private void dragging(MouseEvent e) {
        if (Double.isNaN(dragStart)) {
            return;
        }
        double x = clampX(e.getX());
        band.setX(Math.min(dragStart, x));
        band.setWidth(Math.abs(x - dragStart));
        band.setVisible(Math.abs(x - dragStart) >= 4);
    }

    private void released(MouseEvent e) {
        if (Double.isNaN(dragStart)) {
            return;
        }
        band.setVisible(false);
        double x = clampX(e.getX());
        double start = dragStart;
        dragStart = Double.NaN;
        double w = plotWidth();
        if (Math.abs(x - start) >= 4 && w > 0) {
            dragged = true;
            double a = (Math.min(start, x) - plotLeft()) / w;
            double b = (Math.max(start, x) - plotLeft()) / w;
            onSpan.accept(a, b);
        }
    }

    private double clampX(double x) {
        return Math.max(plotLeft(), Math.min(plotLeft() + plotWidth(), x));
    }
}
