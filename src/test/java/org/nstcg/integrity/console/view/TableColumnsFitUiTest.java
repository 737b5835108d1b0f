package org.nstcg.integrity.console.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.Scene;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.text.Text;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.theme.ConsoleTheme;
import org.nstcg.integrity.console.theme.StyleClasses;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Columns sized to their content, the flexible one taking the rest (issue 15 §3), and ids in a monospace face: over a
 * real table in a real stage, as every screen builds its tables (TableColumns).
 */
class TableColumnsFitUiTest {

    record Row(String id, String email, String note) {
    }

    private final FxRobot robot = new FxRobot();
    private TableColumn<Row, String> id;
    private TableColumn<Row, String> email;
    private TableColumn<Row, String> note;

    @AfterEach
    void close() throws Exception {
        FxToolkit.cleanupStages();
    }

    private TableView<Row> show(double width, ObservableList<Row> rows) throws Exception {
        FxToolkit.registerPrimaryStage();
        TableView<Row> table = new TableView<>();
        id = new TableColumn<>("Id");
        email = new TableColumn<>("Email");
        note = new TableColumn<>("Note");
        TableColumns.code(id, Row::id);
        TableColumns.text(email, Row::email);
        TableColumns.text(note, Row::note);
        table.getColumns().setAll(List.of(id, email, note));
        table.setItems(rows);
        TableColumns.fitToContent(table, note);
        FxToolkit.setupStage(stage -> {
            Scene scene = new Scene(table, width, 300);
            ConsoleTheme.LIGHT.apply(scene);
            stage.setScene(scene);
            stage.show();
        });
        WaitForAsyncUtils.waitForFxEvents();
        WaitForAsyncUtils.waitForFxEvents();
        return table;
    }

    private static double textWidth(String s) {
        return new Text(s).getLayoutBounds().getWidth();
    }

    @Test
    void eachColumnIsAsWideAsItsWidestValueAndTheFlexibleOneTakesTheRest() throws Exception {
        String longEmail = "katherine.johnson@langley.example.org";
        TableView<Row> table = show(900, FXCollections.observableArrayList(new Row("1", "ada@example.org", "short"),
                new Row("12345", longEmail, "note")));

        robot.interact(() -> {
            assertThat(email.getWidth()).as("the email column fits its longest address").isGreaterThan(textWidth(longEmail));
            assertThat(email.getWidth()).as("and not much more").isLessThan(textWidth(longEmail) + 60);
            assertThat(id.getWidth()).as("the id column fits its header and ids, no wider").isLessThan(100);
            double used = id.getWidth() + email.getWidth() + note.getWidth();
            assertThat(used).as("the flexible column takes what is left").isBetween(table.getWidth() - 40, table.getWidth());
        });

        // A refresh with shorter rows does not make the columns jump back.
        double before = email.getWidth();
        robot.interact(() -> table.getItems().setAll(new Row("2", "bo@example.org", "x")));
        WaitForAsyncUtils.waitForFxEvents();
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(email.getWidth()).isEqualTo(before);
    }

    @Test
    void aNarrowTableSharesItsWidthAndNoColumnGoesBelowItsHeader() throws Exception {
        String longEmail = "a.very.long.address.that.does.not.fit@subdomain.example.org";
        TableView<Row> table = show(320, FXCollections.observableArrayList(new Row("123456789012", longEmail, "the reason")));

        robot.interact(() -> {
            double used = id.getWidth() + email.getWidth() + note.getWidth();
            assertThat(used).as("no horizontal scrolling while the headers fit").isLessThanOrEqualTo(table.getWidth());
            assertThat(email.getWidth()).isLessThan(textWidth(longEmail)).isGreaterThan(textWidth("Email"));
            assertThat(note.getWidth()).isGreaterThan(textWidth("Note"));
        });
    }

    @Test
    void idsAreSetInAMonospaceFace() throws Exception {
        show(600, FXCollections.observableArrayList(new Row("ADAX-ZSGS", "ada@example.org", "n")));

        robot.interact(() -> {
            assertThat(id.getStyleClass()).contains(StyleClasses.MONO);
            TableCell<?, ?> idCell = robot.lookup(".table-cell").queryAllAs(TableCell.class).stream()
                    .filter(c -> c.getTableColumn() == id && "ADAX-ZSGS".equals(c.getText())).findFirst().orElseThrow();
            TableCell<?, ?> emailCell = robot.lookup(".table-cell").queryAllAs(TableCell.class).stream()
                    .filter(c -> c.getTableColumn() == email && "ada@example.org".equals(c.getText())).findFirst().orElseThrow();
            assertThat(idCell.getFont().getFamily()).isNotEqualTo(emailCell.getFont().getFamily());
            assertThat(new Text("iiii") {{ setFont(idCell.getFont()); }}.getLayoutBounds().getWidth())
                    .as("monospace: an i is as wide as an M")
                    .isCloseTo(new Text("MMMM") {{ setFont(idCell.getFont()); }}.getLayoutBounds().getWidth(), org.assertj.core.data.Offset.offset(1.0));
        });
    }
}
