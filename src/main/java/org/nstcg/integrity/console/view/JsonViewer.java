package org.nstcg.integrity.console.view;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.Map;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.kordamp.ikonli.javafx.FontIcon;
import org.nstcg.integrity.console.theme.StyleClasses;

/**
 * A JSON document as a reader wants it: pretty-printed, one member a line, long values wrapped (never cut, never a
 * horizontal scroll bar), every object and array collapsible by its toggle, and "Copy" for the whole document. Text
 * that is not JSON is shown as it is, wrapped. Bind {@link #jsonProperty()} to a view-model's string.
 *
 * <p>Design notes. The tree is built from Labels in nested VBoxes rather than a TreeView: a TreeView's cells have
 * one fixed height and do not wrap, which is the problem this control exists to fix; a details pane holds documents
 * of tens of members, not thousands.
 */
public final class JsonViewer extends VBox {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Indentation per level, in pixels. */
    private static final double INDENT = 16;
    /** The toggle's width with the gap after it, in pixels. */
    private static final double TOGGLE_WIDTH = 12;

    private final StringProperty json = new SimpleStringProperty(this, "json", "");
    private final VBox body = new VBox(1);
    private final Button copy = new Button("Copy");
    private String pretty = "";

    public JsonViewer() {
        getStyleClass().add(StyleClasses.JSON_VIEWER);
        setSpacing(4);
        copy.getStyleClass().add("flat");
        copy.setGraphic(new FontIcon("mdoal-content_copy"));
        copy.setTooltip(new Tooltip("Copy the whole document, pretty-printed"));
        copy.setMinWidth(USE_PREF_SIZE);
        copy.setOnAction(e -> copyToClipboard());
        HBox bar = new HBox(copy);
        bar.setAlignment(Pos.CENTER_RIGHT);
        body.getStyleClass().add(StyleClasses.JSON_BODY);
        getChildren().addAll(bar, body);
        json.addListener((o, was, is) -> render(is));
        render("");
    }

    /** The document shown, as text (JSON, or anything else shown as it is); empty shows nothing. */
    public StringProperty jsonProperty() {
        return json;
    }

    public void setJson(String text) {
        json.set(text);
    }

    /** The document as "Copy" puts it on the clipboard: pretty-printed JSON, or the text as given. */
    public String copyText() {
        return pretty;
    }

    /** Puts {@link #copyText()} on the system clipboard. */
    public void copyToClipboard() {
        ClipboardContent content = new ClipboardContent();
        content.putString(pretty);
        Clipboard.getSystemClipboard().setContent(content);
    }

    private void render(String text) {
        body.getChildren().clear();
        String t = text == null ? "" : text.strip();
        copy.setDisable(t.isEmpty());
        if (t.isEmpty()) {
            pretty = "";
            return;
        }
        JsonNode node;
        try {
            node = JSON.readTree(t);
        } catch (JsonProcessingException e) {
            node = null;
        }
        if (node == null || node.isMissingNode()) {
            pretty = t;
            body.getChildren().add(text(t, StyleClasses.JSON_STRING));
            return;
        }
        pretty = node.toPrettyString();
        body.getChildren().add(nodeView(null, node, true));
    }

    /** One member: a leaf on one (wrapping) line, or a collapsible object/array. */
    private Node nodeView(String key, JsonNode node, boolean last) {
        String comma = last ? "" : ",";
        if (!node.isContainerNode()) {
            HBox line = new HBox();
            if (key != null) {
                line.getChildren().add(keyLabel(key));
            }
            Label value = text(scalar(node) + comma, styleOf(node));
            HBox.setHgrow(value, Priority.ALWAYS);
            line.getChildren().add(value);
            line.getStyleClass().add(StyleClasses.JSON_LINE);
            line.setPadding(new javafx.geometry.Insets(0, 0, 0, TOGGLE_WIDTH)); // keys line up with those after a toggle
            return line;
        }
        boolean object = node.isObject();
        String open = object ? "{" : "[";
        String close = (object ? "}" : "]") + comma;
        int size = node.size();
        VBox block = new VBox(1);
        block.getStyleClass().add(StyleClasses.JSON_BLOCK);
        Label toggle = new Label("▾");
        toggle.getStyleClass().add(StyleClasses.JSON_TOGGLE);
        toggle.setMinWidth(TOGGLE_WIDTH - 2);
        toggle.setPrefWidth(TOGGLE_WIDTH - 2);
        toggle.setAccessibleText("Collapse");
        HBox head = new HBox(2); // the toggle (TOGGLE_WIDTH - 2) and this gap make TOGGLE_WIDTH
        head.setAlignment(Pos.TOP_LEFT);
        head.getStyleClass().add(StyleClasses.JSON_LINE);
        head.getChildren().add(toggle);
        if (key != null) {
            head.getChildren().add(keyLabel(key));
        }
        Label openLabel = text(open, StyleClasses.JSON_PUNCT);
        String summary = (object ? size + (size == 1 ? " key" : " keys") : size + (size == 1 ? " item" : " items"));
        Label folded = text((object ? "{ … }" : "[ … ]") + comma + "  " + summary, StyleClasses.JSON_PUNCT);
        folded.setVisible(false);
        folded.setManaged(false);
        head.getChildren().addAll(openLabel, folded);

        VBox children = new VBox(1);
        children.setPadding(new javafx.geometry.Insets(0, 0, 0, INDENT));
        int i = 0;
        if (object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                children.getChildren().add(nodeView(f.getKey(), f.getValue(), ++i == size));
            }
        } else {
            for (JsonNode item : node) {
                children.getChildren().add(nodeView(null, item, ++i == size));
            }
        }
        Label closeLabel = text(close, StyleClasses.JSON_PUNCT);
        // Under the first character after the toggle, as the opening line's key starts.
        closeLabel.setPadding(new javafx.geometry.Insets(0, 0, 0, TOGGLE_WIDTH));
        block.getChildren().addAll(head, children, closeLabel);
        Runnable flip = () -> {
            boolean collapse = children.isVisible();
            for (Node n : new Node[] {children, closeLabel, openLabel}) {
                n.setVisible(!collapse);
                n.setManaged(!collapse);
            }
            folded.setVisible(collapse);
            folded.setManaged(collapse);
            toggle.setText(collapse ? "▸" : "▾");
            toggle.setAccessibleText(collapse ? "Expand" : "Collapse");
        };
        toggle.setOnMouseClicked(e -> flip.run());
        folded.setOnMouseClicked(e -> flip.run());
        return block;
    }

    private static Label keyLabel(String key) {
        Label k = text(quote(key) + ": ", StyleClasses.JSON_KEY);
        k.setWrapText(false);
        k.setMinWidth(Region.USE_PREF_SIZE);
        return k;
    }

    private static Label text(String s, String styleClass) {
        Label l = new Label(s);
        l.getStyleClass().addAll(StyleClasses.MONO, styleClass);
        l.setWrapText(true);
        l.setMaxWidth(Double.MAX_VALUE);
        l.setMinHeight(Region.USE_PREF_SIZE);
        return l;
    }

    private static String scalar(JsonNode n) {
        return n.isTextual() ? quote(n.asText()) : n.toString();
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            return "\"" + s + "\"";
        }
    }

    private static String styleOf(JsonNode n) {
        if (n.isTextual()) {
            return StyleClasses.JSON_STRING;
        }
        if (n.isNumber()) {
            return StyleClasses.JSON_NUMBER;
        }
        return StyleClasses.JSON_LITERAL;
    }
}
