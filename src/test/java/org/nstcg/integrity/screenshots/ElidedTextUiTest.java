package org.nstcg.integrity.screenshots;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.geometry.BoundingBox;
import javafx.scene.Scene;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.ConsoleWindow;
import org.nstcg.integrity.console.ConsoleWindowFixture;
import org.nstcg.integrity.console.viewmodel.shell.Feature;
import org.nstcg.integrity.console.viewmodel.shell.ShellViewModel;
import org.nstcg.integrity.console.viewmodel.users.UsersViewModel;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.support.ElidedText;
import org.nstcg.integrity.support.IntegrityTest;

/**
 * No text is cut without its full value at hand (issue 15 §3): every screen an administrator sees, with the demo
 * data of the screenshot tour, in the console's 1280×800 window; a visible label, button or table cell whose displayed
 * text is shorter than its text must carry the whole of it in a tooltip.
 */
@IntegrityTest(settings = {"console.refresh=1h", "cache.sample-interval=1h", "checks.interval=off"})
class ElidedTextUiTest {

    private ConsoleWindowFixture ui;

    @AfterEach
    void close() throws Exception {
        if (ui != null) {
            ui.close();
        }
    }

    @Test
    void noScreenShowsCutTextWithoutItsFullValue(IntegrityEngine engine) throws Exception {
        Session admin = DemoData.seed(engine);
        ui = new ConsoleWindowFixture();
        ConsoleWindow window = ui.open(w -> w.showSignIn(engine));
        List<String> cuts = new ArrayList<>();
        check(window, "signin", cuts);

        ui.robot().interact(() -> window.showShell(engine, admin));
        ShellViewModel shell = window.shell().orElseThrow();
        for (Feature feature : shell.features()) {
            ui.robot().interact(() -> shell.select(feature));
            check(window, feature.name().toLowerCase(Locale.ROOT), cuts);
        }
        UsersViewModel users = (UsersViewModel) shell.page(Feature.USERS);
        ui.robot().interact(() -> {
            shell.select(Feature.USERS);
            users.queryProperty().set("ada");
            users.search();
        });
        ui.waitUntil(() -> !users.results().isEmpty(), "search results for ada");
        ui.robot().interact(() -> users.select(users.results().get(0).id()));
        check(window, "users-details", cuts);

        // The two sides of a pair of users, compared on Duplicates: no line of them may wrap (an email broke mid-word).
        var duplicates = (org.nstcg.integrity.console.viewmodel.duplicates.DuplicatesViewModel) shell.page(Feature.DUPLICATES);
        ui.robot().interact(() -> shell.select(Feature.DUPLICATES));
        ui.waitUntil(() -> duplicates.pairs().stream().anyMatch(p -> p.right().userId() != null), "a pair of two users");
        ui.robot().interact(() -> duplicates.select(duplicates.pairs().stream().filter(p -> p.right().userId() != null)
                .findFirst().orElseThrow()));
        check(window, "duplicates-pair", cuts);
        List<String> wrapped = new ArrayList<>();
        ui.robot().interact(() -> {
            for (String side : List.of("#leftText", "#rightText")) {
                javafx.scene.control.Label label = ui.robot().lookup(side).queryAs(javafx.scene.control.Label.class);
                javafx.scene.text.Text unwrapped = new javafx.scene.text.Text(label.getText());
                unwrapped.setFont(label.getFont());
                double oneLinePerLine = unwrapped.getLayoutBounds().getHeight() + label.snappedTopInset() + label.snappedBottomInset();
                if (label.getHeight() > oneLinePerLine + 2) {
                    wrapped.add(side + " wraps: " + label.getText().replace('\n', '|'));
                }
            }
        });
        assertThat(wrapped).as("a side of the compared pair wraps a line").isEmpty();

        assertThat(window.stage().getScene().getWidth()).isEqualTo(1280);
        assertThat(cuts).as("text shown cut with no tooltip carrying all of it").isEmpty();
    }

    private void check(ConsoleWindow window, String name, List<String> cuts) {
        ui.settle(); // every screen's reads have arrived and it is laid out
        ui.robot().interact(() -> {
            Scene scene = window.stage().getScene();
            ElidedText.under(scene.getRoot(), new BoundingBox(0, 0, scene.getWidth(), scene.getHeight()))
                    .forEach(c -> cuts.add(name + ": " + c));
        });
    }
}
