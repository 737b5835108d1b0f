package org.nstcg.integrity.support;

import java.util.ArrayList;
import java.util.List;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Labeled;
import javafx.scene.control.Tooltip;
import javafx.scene.text.Text;

/**
 * Finds text the console shows cut ("Ada Lo…"): a visible {@link Labeled} (label, button, table or list cell) whose
 * displayed text differs from its text, with no tooltip carrying the whole of it. JavaFX elides in the skin: the
 * labeled's {@code Text} child holds what is displayed. Call on the FX thread.
 */
public final class ElidedText {

    private ElidedText() {
    }

    /** One cut text: where, what it shows, what it holds. */
    public record Cut(String where, String shown, String full) {
        @Override
        public String toString() {
            return where + ": shows \"" + shown + "\" of \"" + full + "\"";
        }
    }

    /** Every cut text without a tooltip under {@code root} that is visible inside {@code viewport} (scene coordinates). */
    public static List<Cut> under(Parent root, Bounds viewport) {
        List<Cut> cuts = new ArrayList<>();
        walk(root, viewport, cuts);
        return cuts;
    }

    private static void walk(Node node, Bounds viewport, List<Cut> cuts) {
        if (!node.isVisible() || node.getScene() == null) {
            return;
        }
        if (node instanceof Labeled labeled && labeled.getText() != null && !labeled.getText().isBlank()) {
            shown(labeled).filter(s -> !s.equals(labeled.getText()) && onScreen(labeled, viewport) && !explained(labeled))
                    .ifPresent(s -> cuts.add(new Cut(describe(labeled), s, labeled.getText())));
        }
        if (node instanceof Parent parent) {
            for (Node child : parent.getChildrenUnmodifiable()) {
                walk(child, viewport, cuts);
            }
        }
    }

    private static java.util.Optional<String> shown(Labeled labeled) {
        for (Node child : labeled.getChildrenUnmodifiable()) {
            if (child instanceof Text text && child.isVisible() && child.getClass().getSimpleName().equals("LabeledText")) {
                return java.util.Optional.ofNullable(text.getText());
            }
        }
        return java.util.Optional.empty();
    }

    private static boolean explained(Labeled labeled) {
        Tooltip tip = labeled.getTooltip();
        return tip != null && tip.getText() != null && tip.getText().contains(labeled.getText().strip());
    }

    private static boolean onScreen(Node node, Bounds viewport) {
        Bounds b = node.localToScene(node.getBoundsInLocal());
        return b.getWidth() > 0 && b.getHeight() > 0 && viewport.intersects(b);
    }

    private static String describe(Labeled labeled) {
        StringBuilder path = new StringBuilder(labeled.getClass().getSimpleName());
        if (labeled.getId() != null) {
            path.append('#').append(labeled.getId());
        }
        for (Node p = labeled.getParent(); p != null; p = p.getParent()) {
            if (p.getId() != null) {
                path.append(" in #").append(p.getId());
                break;
            }
        }
        return path.toString();
    }
}
