package org.nstcg.integrity.console.view;

import javafx.beans.binding.Bindings;
import javafx.beans.value.ObservableStringValue;
import javafx.scene.control.Control;
import javafx.scene.control.Tooltip;

/** Tooltips whose text comes from a view-model and that disappear while that text is empty. */
public final class Tooltips {

    private Tooltips() {
    }

    /** Shows {@code text} as the control's tooltip, and no tooltip while it is empty. */
    public static void bindNonEmpty(Control control, ObservableStringValue text) {
        Tooltip tooltip = new Tooltip();
        tooltip.setWrapText(true);
        tooltip.setMaxWidth(520);
        tooltip.textProperty().bind(text);
        control.tooltipProperty().bind(Bindings.when(Bindings.isEmpty(text)).then((Tooltip) null).otherwise(tooltip));
    }
}
