package org.nstcg.integrity.console.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.input.Clipboard;
import javafx.scene.layout.StackPane;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.theme.ConsoleTheme;
import org.nstcg.integrity.console.theme.StyleClasses;
import org.nstcg.integrity.support.ElidedText;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** Issue 15 §3: JSON details shown pretty, wrapped, collapsible and copyable, in a pane narrower than their values. */
class JsonViewerUiTest {

    private static final String LONG = "a value much longer than the pane is wide, which must wrap onto further lines and never be cut off";

    private final FxRobot robot = new FxRobot();
    private JsonViewer viewer;

    @BeforeEach
    void show() throws Exception {
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupStage(stage -> {
            viewer = new JsonViewer();
            viewer.setJson("{\"userId\":42,\"note\":\"" + LONG + "\",\"steps\":[{\"name\":\"create-user\",\"ok\":true},\"second\"]}");
            StackPane root = new StackPane(viewer);
            Scene scene = new Scene(root, 320, 600);
            ConsoleTheme.LIGHT.apply(scene);
            stage.setScene(scene);
            stage.show();
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void longValuesWrapInsteadOfBeingCut() {
        Label note = labels().stream().filter(l -> l.getText().startsWith("\"a value")).findFirst().orElseThrow();
        assertThat(note.isWrapText()).isTrue();
        assertThat(note.getHeight()).as("several lines").isGreaterThan(note.getFont().getSize() * 2.5);
        assertThat(note.localToScene(note.getBoundsInLocal()).getMaxX()).as("inside the pane").isLessThanOrEqualTo(320.5);
        List<ElidedText.Cut> cuts = new java.util.ArrayList<>();
        robot.interact(() -> cuts.addAll(ElidedText.under(viewer, viewer.localToScene(viewer.getBoundsInLocal()))));
        assertThat(cuts).isEmpty();
        assertThat(labels()).filteredOn(l -> !l.getStyleClass().contains(StyleClasses.JSON_TOGGLE))
                .allSatisfy(l -> assertThat(l.getStyleClass()).contains(StyleClasses.MONO));
    }

    @Test
    void objectsAndArraysCollapseToASummaryAndExpandAgain() {
        assertThat(visibleTexts()).contains("\"create-user\",", "\"second\"");
        List<Node> toggles = List.copyOf(robot.lookup("." + StyleClasses.JSON_TOGGLE).queryAll());
        assertThat(toggles).as("the root, the array and the object in it").hasSize(3);

        robot.clickOn(toggles.get(1)); // the "steps" array
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(visibleTexts()).doesNotContain("\"create-user\",", "\"second\"").contains("[ … ]  2 items");
        assertThat(visibleTexts()).as("the rest stays open").contains("42,");

        robot.clickOn(toggles.get(1));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(visibleTexts()).contains("\"second\"");
    }

    @Test
    void copyPutsThePrettyDocumentOnTheClipboard() {
        robot.clickOn("Copy");
        WaitForAsyncUtils.waitForFxEvents();
        String[] copied = new String[1];
        robot.interact(() -> copied[0] = Clipboard.getSystemClipboard().getString());
        assertThat(copied[0]).startsWith("{\n  \"userId\" : 42,\n  \"note\" : \"a value").contains("\"steps\" : [");
    }

    @Test
    void textThatIsNotJsonIsShownAsItIs() {
        robot.interact(() -> viewer.setJson("rejected: already registered"));
        assertThat(visibleTexts()).containsExactly("rejected: already registered");
        assertThat(viewer.copyText()).isEqualTo("rejected: already registered");
    }

    private List<Label> labels() {
        return robot.from(viewer).lookup((Node n) -> n instanceof Label).queryAllAs(Label.class).stream().toList();
    }

    private List<String> visibleTexts() {
        return labels().stream().filter(JsonViewerUiTest::shown).map(Label::getText).toList();
    }

    private static boolean shown(Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (!p.isVisible()) {
                return false;
            }
        }
        return true;
    }
}
