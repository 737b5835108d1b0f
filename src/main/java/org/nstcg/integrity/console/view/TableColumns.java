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

    private static final String LINK = TableColumns.class.getName() + ".link";

    private TableColumns() {
    }

    /** The column shows {@code text} of each row, the whole of it in the cell's tooltip. */
    public static <R> void text(TableColumn<R, String> column, Function<R, String> text) {
        column.setCellValueFactory(cell -> new ReadOnlyStringWrapper(text.apply(cell.getValue())));
        javafx.util.Callback<TableColumn<R, String>, TableCell<R, String>> cells = c -> new FullTextCell<>();
        column.setCellFactory(cells);
        column.getProperties().put(TEXT_CELLS, cells);
    }

    /**
     * The rows of {@code table} have deep links ({@code integrity://saga/<id>}): every cell's context menu offers
     * "Copy link" for its row. The view-model makes the link; the view only hands it over.
     */
    public static <R> void links(TableView<R> table, Function<R, String> link) {
        table.getProperties().put(LINK, link);
    }

    /** The deep link of the row shown in {@code cell}, or null when its table has none. */
    @SuppressWarnings("unchecked")
    private static <R> String linkOf(TableCell<R, ?> cell) {
        TableView<R> table = cell.getTableView();
        Object row = cell.getTableRow() == null ? null : cell.getTableRow().getItem();
        if (table == null || row == null || !(table.getProperties().get(LINK) instanceof Function<?, ?> link)) {
            return null;
        }
        return ((Function<R, String>) link).apply((R) row);
    }

    /**
     * Sizes the columns of {@code table} to their content and lets {@code flexible} take the rest of its width (issue
     * 15 §3). Each other visible column whose cells are text wants the width of its header or of the widest of its
     * first {@value #MEASURED_ROWS} rows, at most {@value #MAX_FITTED_WIDTH} px; a column wants only more as rows come
     * and go, so a table that refreshes does not jump. When the table is too narrow for every column to have what it
     * wants and {@code flexible} its header's width, the others give up width in proportion, never below
     * their header (a value cut then is whole in its tooltip). Fitted again when the table's width changes.
     */
    public static <R> void fitToContent(TableView<R> table, TableColumn<R, ?> flexible) {
        table.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        Runnable refit = () -> javafx.application.Platform.runLater(() -> {
            measure(table, flexible);
            fit(table, flexible);
        });
        javafx.collections.ListChangeListener<R> rowsChanged = change -> refit.run();
        table.getItems().addListener(rowsChanged);
        table.itemsProperty().addListener((obs, old, now) -> {
            if (old != null) {
                old.removeListener(rowsChanged);
            }
            if (now != null) {
                now.addListener(rowsChanged);
            }
            refit.run();
        });
        table.widthProperty().addListener(obs -> fit(table, flexible));
        table.skinProperty().addListener((obs, old, now) -> refit.run());
    }

    static final int MEASURED_ROWS = 200;
    static final double MAX_FITTED_WIDTH = 360;
    static final double FLEXIBLE_MIN = 120;
    /** Cell padding and the header's sort arrow, around the text. */
    private static final double TEXT_MARGIN = 26;
    /** Room kept for a vertical scroll bar not laid out yet, so the columns do not make a horizontal one appear. */
    private static final double SCROLL_BAR = 18;
    /** The cell factory {@link #text} gave a column: while it is still the column's, its cells are plain text, measured by {@link #fitToContent}. */
    private static final String TEXT_CELLS = TableColumns.class.getName() + ".text";
    private static final String WANTED = TableColumns.class.getName() + ".wanted";
    private static final String HEADER = TableColumns.class.getName() + ".header";

    /** Records the width each text column wants (header and rows), only ever more. */
    private static <R> void measure(TableView<R> table, TableColumn<R, ?> flexible) {
        if (table.getItems() == null) {
            return;
        }
        int rows = Math.min(MEASURED_ROWS, table.getItems().size());
        javafx.scene.text.Text probe = new javafx.scene.text.Text();
        for (TableColumn<R, ?> column : table.getColumns()) {
            if (column.getCellFactory() == null || column.getProperties().get(TEXT_CELLS) != column.getCellFactory()) {
                continue; // a cell drawn by its own factory (a badge, a bold status): its width stays the layout's
            }
            probe.setFont(headerFont(table));
            double header = Math.ceil(width(probe, column.getText()) + TEXT_MARGIN);
            double widest = header;
            probe.setFont(cellFont(table, column));
            boolean text = true;
            for (int i = 0; i < rows && text; i++) {
                Object value = column.getCellData(i);
                if (value == null || value instanceof String) {
                    widest = Math.max(widest, Math.ceil(width(probe, (String) value) + TEXT_MARGIN));
                } else {
                    text = false; // a cell drawn by its own factory (a badge): its width stays the layout's
                }
            }
            if (!text) {
                continue;
            }
            double wanted = Math.max(column.getMinWidth(), Math.min(MAX_FITTED_WIDTH, widest));
            Object before = column.getProperties().get(WANTED);
            column.getProperties().put(WANTED, before instanceof Double d ? Math.max(d, wanted) : wanted);
            column.getProperties().put(HEADER, Math.max(column.getMinWidth(), Math.min(MAX_FITTED_WIDTH, header)));
        }
    }

    /** Gives the measured columns their widths within the table's width, and {@code flexible} the rest. */
    private static <R> void fit(TableView<R> table, TableColumn<R, ?> flexible) {
        // 2 px of slack: widths that add up to the last fraction of a pixel made the horizontal scroll bar appear
        double inner = table.getWidth() - table.snappedLeftInset() - table.snappedRightInset() - verticalScrollBar(table) - 2;
        if (inner <= 0) {
            return;
        }
        double fixed = 0;
        double wantedSum = 0;
        double floorSum = 0;
        for (TableColumn<R, ?> column : table.getColumns()) {
            if (column == flexible || !column.isVisible()) {
                continue;
            }
            if (column.getProperties().get(WANTED) instanceof Double wanted) {
                wantedSum += wanted;
                floorSum += (Double) column.getProperties().get(HEADER);
            } else {
                fixed += column.getWidth();
            }
        }
        double flexMin = Math.max(flexible.getMinWidth(), flexible.getProperties().get(HEADER) instanceof Double h ? h : FLEXIBLE_MIN);
        double room = inner - fixed - flexMin;
        // every measured column gets what it wants if there is room, else a share of what is left above its header
        double share = wantedSum <= room ? 1 : Math.max(0, (room - floorSum) / Math.max(1, wantedSum - floorSum));
        double used = fixed;
        for (TableColumn<R, ?> column : table.getColumns()) {
            if (column == flexible || !column.isVisible() || !(column.getProperties().get(WANTED) instanceof Double wanted)) {
                continue;
            }
            double floor = (Double) column.getProperties().get(HEADER);
            double width = share >= 1 ? wanted : Math.floor(floor + (wanted - floor) * Math.min(1, share));
            column.setPrefWidth(width);
            used += width;
        }
        flexible.setPrefWidth(Math.max(flexMin, Math.floor(inner - used)));
    }

    /** The width the table's vertical scroll bar takes: its own once it is laid out, none while hidden. */
    private static double verticalScrollBar(TableView<?> table) {
        for (javafx.scene.Node node : table.lookupAll(".scroll-bar")) {
            if (node instanceof javafx.scene.control.ScrollBar bar && bar.getOrientation() == javafx.geometry.Orientation.VERTICAL) {
                return bar.isVisible() ? bar.getWidth() : 0;
            }
        }
        return SCROLL_BAR;
    }

    private static double width(javafx.scene.text.Text probe, String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        probe.setText(text);
        return probe.getLayoutBounds().getWidth();
    }

    /** The font the column's cells are drawn in (its style, monospace ids included), once the table has cells. */
    private static javafx.scene.text.Font cellFont(TableView<?> table, TableColumn<?, ?> column) {
        javafx.scene.text.Font any = null;
        for (javafx.scene.Node node : table.lookupAll(".table-cell")) {
            if (node instanceof TableCell<?, ?> cell) {
                if (cell.getTableColumn() == column) {
                    return cell.getFont();
                }
                any = any == null ? cell.getFont() : any;
            }
        }
        return any != null ? any : javafx.scene.text.Font.getDefault();
    }

    private static javafx.scene.text.Font headerFont(TableView<?> table) {
        javafx.scene.Node label = table.lookup(".column-header .label");
        return label instanceof javafx.scene.control.Labeled l ? l.getFont() : javafx.scene.text.Font.getDefault();
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
                menu = TableExport.menu(this::getTableView, this::getText, () -> linkOf(this));
            }
            setContextMenu(empty ? null : menu);
        }
    }
}
