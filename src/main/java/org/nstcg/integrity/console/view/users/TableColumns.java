package org.nstcg.integrity.console.view.users;

import java.util.function.Function;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.value.ObservableValue;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;

/** Binds table columns to the text of view-model rows, and gives tables an empty-state sentence. */
public final class TableColumns {

    private TableColumns() {
    }

    /** The column shows {@code text} of each row. */
    public static <R> void text(TableColumn<R, String> column, Function<R, String> text) {
        column.setCellValueFactory(cell -> new ReadOnlyStringWrapper(text.apply(cell.getValue())));
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
}
