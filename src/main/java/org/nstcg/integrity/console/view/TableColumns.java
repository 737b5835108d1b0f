package org.nstcg.integrity.console.view;

import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.value.ObservableValue;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import org.nstcg.integrity.console.theme.StyleClasses;

/**
 * Binds table columns to the text of view-model rows, and gives tables an empty-state sentence: the one way every
 * screen's tables show text. A cell too narrow for its text shows it cut, and its tooltip carries the whole of it
 * (issue 15: no cut cell without its full value); its context menu copies it, or copies or saves the whole table
 * ({@link TableExport}).
 */
public final class TableColumns {

    private TableColumns() {
    }

    /** The column shows {@code text} of each row, the whole of it in the cell's tooltip. */
    public static <R> void text(TableColumn<R, String> column, Function<R, String> text) {
        column.setCellValueFactory(cell -> new ReadOnlyStringWrapper(text.apply(cell.getValue())));
        column.setCellFactory(c -> new FullTextCell<>());
    }

    /**
     * The column shows {@code text} of each row, as {@link #text} does, in the monospace face of ids and codes
     * ({@link StyleClasses#MONO}): user and saga ids, referral codes, audit ids and hashes.
     */
    public static <R> void code(TableColumn<R, String> column, Function<R, String> text) {
        text(column, text);
        if (!column.getStyleClass().contains(StyleClasses.MONO)) {
            column.getStyleClass().add(StyleClasses.MONO);
        }
    }

    /** What the table says while it has no rows. */
    public static void empty(TableView<?> table, String sentence) {
        Label label = new Label(sentence);
        label.setWrapText(true);
        label.getStyleClass().add("muted");
        table.setPlaceholder(label);
    }

    /** What the table says while it has no rows, as the view-model words it now (before a search, loading, none found). */
    public static void empty(TableView<?> table, ObservableValue<String> sentence) {
        Label label = new Label();
        label.textProperty().bind(sentence);
        label.setWrapText(true);
        label.getStyleClass().add("muted");
        table.setPlaceholder(label);
    }

    /** A text cell whose tooltip is its text (one tooltip per cell, reused as the cell is). */
    private static final class FullTextCell<R> extends TableCell<R, String> {
        private final Tooltip tip = new Tooltip();
        private javafx.scene.control.ContextMenu menu;

        FullTextCell() {
            tip.setWrapText(true);
            tip.setMaxWidth(600);
        }

        @Override
        protected void updateItem(String item, boolean empty) {
            super.updateItem(item, empty);
            boolean blank = empty || item == null || item.isBlank();
            setText(empty ? null : item);
            tip.setText(blank ? "" : item);
            setTooltip(blank ? null : tip);
            if (!empty && menu == null) {
                menu = TableExport.menu(this::getTableView, this::getText);
            }
            setContextMenu(empty ? null : menu);
        }
    }
}
