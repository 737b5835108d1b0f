package org.nstcg.integrity.console.view;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import javafx.collections.FXCollections;
import javafx.scene.Scene;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.input.Clipboard;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** Export of a table as it is shown (issue 15 §5), and the cells' full text and "Copy" (§3). */
class TableExportUiTest {

    record Row(String id, String note) {
    }

    private final FxRobot robot = new FxRobot();

    private TableView<Row> table() throws Exception {
        FxToolkit.registerPrimaryStage();
        TableView<Row> table = new TableView<>();
        table.setId("sagaTable");
        TableColumn<Row, String> id = new TableColumn<>("Id");
        TableColumn<Row, String> note = new TableColumn<>("Note");
        TableColumn<Row, String> hidden = new TableColumn<>("Hidden");
        TableColumns.text(id, Row::id);
        TableColumns.text(note, Row::note);
        TableColumns.text(hidden, r -> "never exported");
        hidden.setVisible(false);
        note.setPrefWidth(40);
        table.getColumns().setAll(List.of(id, note, hidden));
        table.setItems(FXCollections.observableArrayList(new Row("7", "plain"), new Row("8", "a, \"quoted\"\nline long enough to be cut")));
        FxToolkit.setupStage(stage -> {
            stage.setScene(new Scene(table, 300, 200));
            stage.show();
        });
        WaitForAsyncUtils.waitForFxEvents();
        return table;
    }

    @Test
    void aTableIsExportedAsShownAsCsvAndJson() throws Exception {
        TableView<Row> table = table();
        String[] out = new String[2];
        robot.interact(() -> {
            out[0] = TableExport.csv(table);
            out[1] = TableExport.json(table);
        });
        assertThat(out[0]).isEqualTo("Id,Note\r\n7,plain\r\n8,\"a, \"\"quoted\"\"\nline long enough to be cut\"\r\n");
        JsonNode json = new ObjectMapper().readTree(out[1]);
        assertThat(json).hasSize(2);
        assertThat(json.get(1).path("Note").asText()).isEqualTo("a, \"quoted\"\nline long enough to be cut");
        assertThat(json.get(0).has("Hidden")).as("hidden columns are not exported").isFalse();

        robot.interact(() -> table.getSortOrder().setAll(List.of(table.getColumns().get(0))));
        robot.interact(() -> {
            table.getColumns().get(0).setSortType(TableColumn.SortType.DESCENDING);
            out[0] = TableExport.csv(table);
        });
        assertThat(out[0]).as("rows in the order shown").startsWith("Id,Note\r\n8,");
    }

    @Test
    void aCellCarriesItsFullTextAndCopiesIt() throws Exception {
        TableView<Row> table = table();
        @SuppressWarnings("unchecked")
        TableCell<Row, String> cell = robot.lookup(".table-cell").match(n -> n instanceof TableCell<?, ?> c && "plain".equals(c.getText()))
                .queryAs(TableCell.class);
        assertThat(cell.getTooltip().getText()).isEqualTo("plain");
        ContextMenu menu = cell.getContextMenu();
        assertThat(menu.getItems()).extracting(MenuItem::getText)
                .contains("Copy", "Copy table as CSV", "Copy table as JSON", "Save table as CSV…", "Save table as JSON…");
        String[] clip = new String[1];
        robot.interact(() -> {
            menu.getItems().get(0).fire();
            clip[0] = Clipboard.getSystemClipboard().getString();
        });
        assertThat(clip[0]).isEqualTo("plain");
    }

    @Test
    void copyLinkIsOfferedOnlyByATableWhoseRowsHaveLinksAndCopiesTheRowsLink() throws Exception {
        TableView<Row> table = table();
        @SuppressWarnings("unchecked")
        TableCell<Row, String> cell = robot.lookup(".table-cell").match(n -> n instanceof TableCell<?, ?> c && "plain".equals(c.getText()))
                .queryAs(TableCell.class);
        ContextMenu menu = cell.getContextMenu();
        MenuItem copyLink = menu.getItems().stream().filter(i -> "Copy link".equals(i.getText())).findFirst().orElseThrow();
        robot.interact(() -> menu.show(cell, 0, 0));
        assertThat(copyLink.isVisible()).as("a table without links").isFalse();
        robot.interact(menu::hide);

        robot.interact(() -> TableColumns.links(table, r -> "integrity://user/" + r.id()));
        robot.interact(() -> menu.show(cell, 0, 0));
        assertThat(copyLink.isVisible()).isTrue();
        String[] clip = new String[1];
        robot.interact(() -> {
            copyLink.fire();
            menu.hide();
            clip[0] = Clipboard.getSystemClipboard().getString();
        });
        assertThat(clip[0]).isEqualTo("integrity://user/7");
    }
}
