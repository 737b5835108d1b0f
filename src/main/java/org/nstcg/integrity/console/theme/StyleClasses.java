package org.nstcg.integrity.console.theme;

import javafx.css.PseudoClass;

/**
 * The style classes and pseudo-classes Java code sets, so a rename in the CSS is a rename here and nowhere else.
 * Classes that FXML sets are written in the FXML; their rules live in {@code css/components/}.
 */
public final class StyleClasses {

    /** A navigation entry in the shell's left bar. */
    public static final String NAV_ITEM = "nav-item";
    /** The small coloured dot before a server's status. */
    public static final String STATUS_DOT = "status-dot";
    /** A server or the engine that does not answer. */
    public static final PseudoClass DOWN = PseudoClass.getPseudoClass("down");
    /** The engine works without Redis. */
    public static final PseudoClass DEGRADED = PseudoClass.getPseudoClass("degraded");
    /** A message that reports a failure rather than a success. */
    public static final PseudoClass ERROR = PseudoClass.getPseudoClass("error");

    /** The overview's small trend chart, its line and the dot on its newest value. */
    public static final String SPARKLINE = "sparkline";
    public static final String SPARKLINE_LINE = "sparkline-line";
    public static final String SPARKLINE_POINT = "sparkline-point";
    /** The times at a sparkline's edges, and "No samples before 14:02" where its history starts inside the span. */
    public static final String SPARKLINE_AXIS = "sparkline-axis";
    public static final String SPARKLINE_NOTE = "sparkline-note";
    /** An overview tile that opens its screen when clicked. */
    public static final PseudoClass NAVIGABLE = PseudoClass.getPseudoClass("navigable");
    /** A figure past its alert threshold. */
    public static final PseudoClass ATTENTION = PseudoClass.getPseudoClass("attention");

    /** A bulk action's item, by how it ended (or, in the preview, that it will be left alone): colours in bulk.css. */
    public static final PseudoClass OUTCOME_DONE = PseudoClass.getPseudoClass("outcome-done");
    public static final PseudoClass OUTCOME_SKIPPED = PseudoClass.getPseudoClass("outcome-skipped");
    public static final PseudoClass OUTCOME_FAILED = PseudoClass.getPseudoClass("outcome-failed");
    public static final PseudoClass OUTCOME_ALONE = PseudoClass.getPseudoClass("outcome-alone");

    /** Ids, codes and hashes (user and saga ids, referral codes, audit hashes): set in a monospace face. */
    public static final String MONO = "mono";
    /** A history chart's range picker, and the band a drag across the chart draws before it zooms. */
    public static final String CHART_RANGE_BAR = "chart-range-bar";
    public static final String CHART_ZOOM_BAND = "chart-zoom-band";
    /** "No samples before 14:02" over a chart whose history starts inside the shown span. */
    public static final String CHART_GAP = "chart-gap";

    /** The JSON viewer (view/JsonViewer): the control, its tree, a line, an object or array, its toggle and the token kinds. */
    public static final String JSON_VIEWER = "json-viewer";
    public static final String JSON_BODY = "json-body";
    public static final String JSON_LINE = "json-line";
    public static final String JSON_BLOCK = "json-block";
    public static final String JSON_TOGGLE = "json-toggle";
    public static final String JSON_KEY = "json-key";
    public static final String JSON_STRING = "json-string";
    public static final String JSON_NUMBER = "json-number";
    public static final String JSON_LITERAL = "json-literal";
    public static final String JSON_PUNCT = "json-punct";

    private StyleClasses() {
    }
}
