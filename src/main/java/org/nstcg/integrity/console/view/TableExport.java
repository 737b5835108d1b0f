package org.nstcg.integrity.console.view;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.control.Alert;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.stage.FileChooser;

/**
 * Export of what a table shows (issue 15 §5): its rows as filtered and sorted on screen, its visible columns under their
 * headers, as CSV (RFC 4180) or JSON (an array of objects keyed by header), to the clipboard or a file. Every table
 * whose columns come from {@link TableColumns#text} offers it in each cell's context menu, with "Copy" of the cell.
 */
public final class TableExport {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TableExport() {
    }

    /** The table as CSV: a header line, then one line per row, CRLF-terminated, fields quoted where they need it. */
    public static String csv(TableView<?> table) {
        List<TableColumn<?, ?>> columns = columns(table);
        StringBuilder out = new StringBuilder();
        line(out, columns.stream().map(TableColumn::getText).toList());
        for (int row = 0; row < table.getItems().size(); row++) {
            List<String> fields = new ArrayList<>();
            for (TableColumn<?, ?> c : columns) {
                fields.add(cell(c, row));
            }
            line(out, fields);
        }
        return out.toString();
    }

    /** The table as a JSON array of objects keyed by column header. */
    public static String json(TableView<?> table) {
        List<TableColumn<?, ?>> columns = columns(table);
        ArrayNode rows = JSON.createArrayNode();
        for (int row = 0; row < table.getItems().size(); row++) {
            ObjectNode o = rows.addObject();
            for (TableColumn<?, ?> c : columns) {
                o.put(c.getText(), cell(c, row));
            }
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(rows);
        } catch (IOException e) {
            throw new IllegalStateException("a tree of strings always serialises", e);
        }
    }

    /**
     * The context menu of a cell showing {@code value}: copy it, copy the row's deep link (when its table has links, see
     * {@link TableColumns#links}), or copy or save the whole table.
     */
    static ContextMenu menu(java.util.function.Supplier<TableView<?>> tableOf, java.util.function.Supplier<String> value,
                            java.util.function.Supplier<String> link) {
        MenuItem copy = new MenuItem("Copy");
        copy.setOnAction(e -> toClipboard(value.get()));
        MenuItem copyLink = new MenuItem("Copy link");
        copyLink.setOnAction(e -> {
            String text = link.get();
            if (text != null && !text.isEmpty()) {
                toClipboard(text);
            }
        });
        MenuItem csv = new MenuItem("Copy table as CSV");
        csv.setOnAction(e -> toClipboard(csv(tableOf.get())));
        MenuItem json = new MenuItem("Copy table as JSON");
        json.setOnAction(e -> toClipboard(json(tableOf.get())));
        MenuItem saveCsv = new MenuItem("Save table as CSV…");
        saveCsv.setOnAction(e -> save(tableOf.get(), "csv"));
        MenuItem saveJson = new MenuItem("Save table as JSON…");
        saveJson.setOnAction(e -> save(tableOf.get(), "json"));
        ContextMenu menu = new ContextMenu(copy, copyLink, new SeparatorMenuItem(), csv, json, saveCsv, saveJson);
        menu.setOnShowing(e -> {
            String text = link.get();
            copyLink.setVisible(text != null && !text.isEmpty());
        });
        return menu;
    }

    private static void save(TableView<?> table, String kind) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Save the table as " + kind.toUpperCase(java.util.Locale.ROOT));
        chooser.setInitialFileName((table.getId() == null ? "table" : table.getId()) + "." + kind);
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(kind.toUpperCase(java.util.Locale.ROOT), "*." + kind));
        File file = chooser.showSaveDialog(table.getScene() == null ? null : table.getScene().getWindow());
        if (file == null) {
            return;
        }
        try {
            Files.writeString(file.toPath(), kind.equals("csv") ? csv(table) : json(table), StandardCharsets.UTF_8);
        } catch (IOException e) {
            new Alert(Alert.AlertType.ERROR, "The table could not be saved to " + file + ": " + e.getMessage() + ".").show();
        }
    }

    /** Puts {@code text} on the system clipboard (Copy, Copy link). */
    public static void toClipboard(String text) {
        ClipboardContent content = new ClipboardContent();
        content.putString(text);
        Clipboard.getSystemClipboard().setContent(content);
    }

    private static List<TableColumn<?, ?>> columns(TableView<?> table) {
        List<TableColumn<?, ?>> visible = new ArrayList<>();
        for (TableColumn<?, ?> c : table.getVisibleLeafColumns()) {
            visible.add(c);
        }
        return visible;
    }

    private static String cell(TableColumn<?, ?> column, int row) {
        Object v = column.getCellData(row);
        return v == null ? "" : v.toString();
    }

    private static void line(StringBuilder out, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            String f = fields.get(i);
            boolean quote = f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0;
            out.append(quote ? '"' + f.replace("\"", "\"\"") + '"' : f);
        }
        out.append("\r\n");
    }
}
