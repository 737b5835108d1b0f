package org.nstcg.integrity.console.view.overview;

import java.util.List;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.scene.layout.Region;
import javafx.scene.shape.Circle;
import javafx.scene.shape.Polyline;
import org.nstcg.integrity.console.theme.StyleClasses;

/**
 * A small trend line without axes: the values of an observable list, oldest on the left, scaled so the largest
 * touches the top and zero the bottom, with a dot on the newest. Redrawn whenever the list or the size changes.
 * A {@code Polyline} rather than a {@code LineChart}: six tiles refreshing every few seconds need no axes, legend or
 * animation, and a chart's layout pass is far heavier.
 */
public final class Sparkline extends Region {

    private final Polyline line = new Polyline();
    private final Circle newest = new Circle(2.5);
    private final ListChangeListener<Number> redraw = change -> requestLayout();
    private ObservableList<Number> values = FXCollections.emptyObservableList();

    public Sparkline() {
        getStyleClass().add(StyleClasses.SPARKLINE);
        line.getStyleClass().add(StyleClasses.SPARKLINE_LINE);
        newest.getStyleClass().add(StyleClasses.SPARKLINE_POINT);
        line.setManaged(false);
        newest.setManaged(false);
        getChildren().addAll(line, newest);
    }

    /** Draws {@code trend} from now on. */
    public void show(ObservableList<Number> trend) {
        values.removeListener(redraw);
        values = trend;
        values.addListener(redraw);
        requestLayout();
    }

    /** The values drawn, oldest first (tests read them). */
    public List<Number> values() {
        return List.copyOf(values);
    }

    @Override
    protected double computePrefHeight(double width) {
        return 34;
    }

    @Override
    protected double computePrefWidth(double height) {
        return 120;
    }

    @Override
    protected void layoutChildren() {
        int n = values.size();
        line.getPoints().clear();
        newest.setVisible(n > 0);
        if (n == 0) {
            return;
        }
        double pad = newest.getRadius() + 1;
        double left = snappedLeftInset() + pad;
        double top = snappedTopInset() + pad;
        double w = Math.max(0, getWidth() - left - snappedRightInset() - pad);
        double h = Math.max(0, getHeight() - top - snappedBottomInset() - pad);
        double max = 0;
        for (Number v : values) {
            max = Math.max(max, v.doubleValue());
        }
        Double[] points = new Double[n * 2];
        for (int i = 0; i < n; i++) {
            double x = left + (n == 1 ? w : w * i / (n - 1));
            double y = top + h - (max <= 0 ? 0 : h * Math.max(0, values.get(i).doubleValue()) / max);
            points[2 * i] = x;
            points[2 * i + 1] = y;
        }
        line.getPoints().setAll(points);
        newest.setCenterX(points[2 * n - 2]);
        newest.setCenterY(points[2 * n - 1]);
    }
}
