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
    /** An overview tile that opens its screen when clicked. */
    public static final PseudoClass NAVIGABLE = PseudoClass.getPseudoClass("navigable");
    /** A figure past its alert threshold. */
    public static final PseudoClass ATTENTION = PseudoClass.getPseudoClass("attention");

    /** A bulk action's item, by how it ended (or, in the preview, that it will be left alone): colours in bulk.css. */
    public static final PseudoClass OUTCOME_DONE = PseudoClass.getPseudoClass("outcome-done");
    public static final PseudoClass OUTCOME_SKIPPED = PseudoClass.getPseudoClass("outcome-skipped");
    public static final PseudoClass OUTCOME_FAILED = PseudoClass.getPseudoClass("outcome-failed");
    public static final PseudoClass OUTCOME_ALONE = PseudoClass.getPseudoClass("outcome-alone");

    private StyleClasses() {
    }
}
