package org.nstcg.integrity.console.view;

import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.Pane;
import javafx.scene.shape.Rectangle;
import org.nstcg.integrity.console.theme.StyleClasses;
import org.nstcg.integrity.console.viewmodel.ChartRange;

/**
 * Drag-select zoom on a chart whose x axis is time in epoch seconds: dragging across the plot draws a band and, on
 * release, zooms the {@link ChartRange} to the span under it; a double click zooms out. The band is drawn in
 * {@code overlay}, the pane holding the chart, so the chart itself is left alone.
 */
public final class ChartZoom {

    /** A drag shorter than this is a click, not a span. */
    static final double MIN_DRAG_PX = 6;

    private final XYChart<Number, ?> chart;
    private final NumberAxis axis;
    private final Pane overlay;
    private final ChartRange range;
    private final Rectangle band = new Rectangle();
    private double startX = Double.NaN;

    private ChartZoom(XYChart<Number, ?> chart, NumberAxis axis, Pane overlay, ChartRange range) {
        this.chart = chart;
        this.axis = axis;
        this.overlay = overlay;
        this.range = range;
        band.getStyleClass().add(StyleClasses.CHART_ZOOM_BAND);
        band.setManaged(false);
        band.setMouseTransparent(true);
        band.setVisible(false);
        overlay.getChildren().add(band);
    }

    /** Lets the user zoom {@code range} by dragging across {@code chart} (placed in {@code overlay}). */
    public static void install(XYChart<Number, ?> chart, NumberAxis axis, Pane overlay, ChartRange range) {
        ChartZoom zoom = new ChartZoom(chart, axis, overlay, range);
        chart.addEventHandler(MouseEvent.MOUSE_PRESSED, zoom::pressed);
        chart.addEventHandler(MouseEvent.MOUSE_DRAGGED, zoom::dragged);
        chart.addEventHandler(MouseEvent.MOUSE_RELEASED, zoom::released);
        chart.addEventHandler(MouseEvent.MOUSE_CLICKED, e -> {
            if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2) {
                range.zoomOut();
            }
        });
    }

    private void pressed(MouseEvent e) {
        Bounds plot = plotInOverlay();
        Point2D p = overlay.sceneToLocal(e.getSceneX(), e.getSceneY());
        if (e.getButton() != MouseButton.PRIMARY || plot == null || !plot.contains(p)) {
            startX = Double.NaN;
            return;
        }
        startX = p.getX();
        band.setX(startX);
        band.setY(plot.getMinY());
        band.setWidth(0);
        band.setHeight(plot.getHeight());
        band.setVisible(true);
    }

    private void dragged(MouseEvent e) {
        if (Double.isNaN(startX)) {
            return;
        }
        Bounds plot = plotInOverlay();
        double x = clamp(overlay.sceneToLocal(e.getSceneX(), e.getSceneY()).getX(), plot);
        band.setX(Math.min(startX, x));
        band.setWidth(Math.abs(x - startX));
    }

    private void released(MouseEvent e) {
        if (Double.isNaN(startX)) {
            return;
        }
        band.setVisible(false);
        Bounds plot = plotInOverlay();
        double x = clamp(overlay.sceneToLocal(e.getSceneX(), e.getSceneY()).getX(), plot);
        double from = startX;
        startX = Double.NaN;
        if (Math.abs(x - from) >= MIN_DRAG_PX) {
            range.zoomTo(valueAt(from), valueAt(x));
        }
    }

    /** The epoch second under an x of the overlay. */
    private double valueAt(double overlayX) {
        Point2D scene = overlay.localToScene(overlayX, 0);
        return axis.getValueForDisplay(axis.sceneToLocal(scene).getX()).doubleValue();
    }

    private Bounds plotInOverlay() {
        Node plot = chart.lookup(".chart-plot-background");
        return plot == null ? null : overlay.sceneToLocal(plot.localToScene(plot.getBoundsInLocal()));
    }

    private static double clamp(double x, Bounds plot) {
        return plot == null ? x : Math.max(plot.getMinX(), Math.min(plot.getMaxX(), x));
    }
}
