package org.nstcg.integrity.console.viewmodel.overview;

import java.util.List;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.nstcg.integrity.console.viewmodel.shell.Feature;

/**
 * One overview tile: its figure, a line under it, a trend to draw as a sparkline, whether the figure is past its
 * alert threshold, and a click-through to the screen that explains it. The click-through exists only when the
 * signed-in role may see that screen; otherwise the tile is a plain figure.
 */
public final class OverviewTile {

    private final Feature target;
    private final boolean navigable;
    private final Consumer<Feature> navigate;
    private final StringProperty trendCaption;
    private final StringProperty trendFrom = new SimpleStringProperty("");
    private final StringProperty trendTo = new SimpleStringProperty("");
    private final StringProperty trendNote = new SimpleStringProperty("");
    private final StringProperty value = new SimpleStringProperty(OverviewViewModel.NOT_LOADED);
    private final StringProperty detail = new SimpleStringProperty("");
    private final StringProperty tooltip = new SimpleStringProperty("");
    private final BooleanProperty attention = new SimpleBooleanProperty();
    private final ObservableList<Number> trend = FXCollections.observableArrayList();
    private final ObservableList<Number> trendView = FXCollections.unmodifiableObservableList(trend);

    OverviewTile(Feature target, boolean navigable, Consumer<Feature> navigate, String trendCaption) {
        this.target = target;
        this.navigable = navigable;
        this.navigate = navigate;
        this.trendCaption = new SimpleStringProperty(trendCaption);
    }

    void show(String value, String detail, String tooltip, boolean attention, List<? extends Number> trend) {
        this.value.set(value);
        this.detail.set(detail);
        this.tooltip.set(tooltip);
        this.attention.set(attention);
        this.trend.setAll(trend);
    }

    /** Replaces the trend only (a read over the chosen span). */
    void trend(List<? extends Number> values) {
        this.trend.setAll(values);
    }

    /**
     * The trend's span as its axis labels it ("14:00", "15:00"), what it shows ("Sign-ups per 10 min, 14:00 – 15:00"),
     * and where its history starts inside the span ("No samples before 14:02", else empty).
     */
    void showSpan(String from, String to, String caption, String note) {
        trendFrom.set(from);
        trendTo.set(to);
        trendCaption.set(caption);
        trendNote.set(note);
    }

    /** Shows {@link #target()}'s screen; does nothing when the role may not see it. */
    public void open() {
        if (navigable) {
            navigate.accept(target);
        }
    }

    /** The screen a click opens. */
    public Feature target() {
        return target;
    }

    /** Whether a click opens {@link #target()} (the role may see it). */
    public boolean navigable() {
        return navigable;
    }

    /** "Open Sagas", or empty when the tile does not open anything. */
    public String openHint() {
        return navigable ? "Open " + target.title() : "";
    }

    /** What the sparkline shows: "Sign-ups per hour, last 24 h". */
    public String trendCaption() {
        return trendCaption.get();
    }

    public ReadOnlyStringProperty trendCaptionProperty() {
        return trendCaption;
    }

    /** The time at the trend's left edge ("14:00"); empty for a trend that is not over time. */
    public ReadOnlyStringProperty trendFromProperty() {
        return trendFrom;
    }

    /** The time at the trend's right edge. */
    public ReadOnlyStringProperty trendToProperty() {
        return trendTo;
    }

    /** "No samples before 14:02" when the figure's history starts inside the span; "No samples in this span"; or empty. */
    public ReadOnlyStringProperty trendNoteProperty() {
        return trendNote;
    }

    /** The figure: "12,480", "0.4 %", "3 min ago". */
    public ReadOnlyStringProperty valueProperty() {
        return value;
    }

    /** A line under the figure that says what it counts or what is wrong. */
    public ReadOnlyStringProperty detailProperty() {
        return detail;
    }

    /** More than fits on the tile (the newest alert's whole message, an exact time); empty when there is nothing more. */
    public ReadOnlyStringProperty tooltipProperty() {
        return tooltip;
    }

    /** Whether the figure is past its alert threshold. */
    public ReadOnlyBooleanProperty attentionProperty() {
        return attention;
    }

    /** The trend, oldest first; empty before the first read; {@code NaN} where no stored history covers a bucket. */
    public ObservableList<Number> trend() {
        return trendView;
    }
}
