package org.nstcg.integrity.console.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import javafx.geometry.Bounds;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.input.MouseButton;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.service.SynchronousTaskRunner;
import org.nstcg.integrity.console.service.ViewLoader;
import org.nstcg.integrity.console.theme.ConsoleTheme;
import org.nstcg.integrity.console.view.cache.CacheView;
import org.nstcg.integrity.console.viewmodel.cache.CacheSource;
import org.nstcg.integrity.console.viewmodel.cache.CacheViewModel;
import org.nstcg.integrity.engine.cache.CacheInspector;
import org.nstcg.integrity.engine.cache.CacheRebuilder;
import org.nstcg.integrity.engine.cache.CacheStats;
import org.nstcg.integrity.engine.cache.DivergenceReport;
import org.nstcg.integrity.engine.store.CacheRows.DivergenceSample;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.ScreenCapture;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** Issue 15 §5: the divergence chart's range picker and zoom change what the chart draws (a fake history, no engine). */
class DivergenceChartRangeUiTest {

    private static final Instant NOW = Instant.parse("2026-12-04T15:00:00Z");

    private final FxRobot robot = new FxRobot();
    private final History history = new History();

    @BeforeEach
    void show() throws Exception {
        history.samples = List.of(
                new DivergenceSample(NOW.minus(Duration.ofHours(20)), "user:*", 100, 4, Optional.empty()),
                new DivergenceSample(NOW.minus(Duration.ofMinutes(30)), "user:*", 100, 1, Optional.empty()));
        FxToolkit.registerPrimaryStage();
        CacheViewModel vm = new CacheViewModel(history, new SynchronousTaskRunner(), Clock.fixed(NOW, ZoneOffset.UTC),
                Duration.ofHours(1), true);
        FxToolkit.setupStage(stage -> {
            Parent page = ViewLoader.load(new CacheView(vm));
            Scene scene = new Scene(page, 1280, 800);
            ConsoleTheme.LIGHT.apply(scene);
            stage.setScene(scene);
            stage.show();
            vm.activate();
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void pickingARangeThenDraggingAcrossTheChartZoomsAndResetShowsTheWholeRangeAgain() {
        assertThat(points()).as("last hour: the sample 30 min ago").containsExactly(NOW.minus(Duration.ofMinutes(30)).getEpochSecond());
        assertThat(axis().getLowerBound()).isEqualTo(NOW.minus(Duration.ofHours(1)).getEpochSecond());

        robot.clickOn("#rangeChoice");
        robot.clickOn("Last 24 hours");
        WaitForAsyncUtils.waitForFxEvents();

        assertThat(points()).hasSize(2);
        assertThat(axis().getLowerBound()).isEqualTo(NOW.minus(Duration.ofHours(24)).getEpochSecond());
        assertThat(axis().getTickLabelFormatter().toString(NOW.getEpochSecond())).isEqualTo("15:00");
        assertThat(text("#chartShown")).isEqualTo("12-03 15:00 – 12-04 15:00 (last 24 hours)");

        // Drag across the last quarter of the plot, 09:14 to 15:00: onto whole hours, 09:00 to 15:00.
        Node plot = robot.lookup(".chart-plot-background").query();
        Bounds b = plot.localToScreen(plot.getBoundsInLocal());
        double y = b.getMinY() + b.getHeight() / 2;
        robot.drag(new Point2D(b.getMinX() + b.getWidth() * 0.76, y), MouseButton.PRIMARY)
                .moveTo(new Point2D(b.getMinX() + b.getWidth() * 0.9, y))
                .moveTo(new Point2D(b.getMaxX() - 1, y)).release(MouseButton.PRIMARY);
        WaitForAsyncUtils.waitForFxEvents();

        assertThat(axis().getLowerBound()).isCloseTo(NOW.minus(Duration.ofHours(6)).getEpochSecond(), org.assertj.core.data.Offset.offset(600.0));
        assertThat(axis().getUpperBound()).isCloseTo(NOW.getEpochSecond(), org.assertj.core.data.Offset.offset(600.0));
        assertThat(points()).as("the zoomed span holds only the recent sample")
                .containsExactly(NOW.minus(Duration.ofMinutes(30)).getEpochSecond());
        assertThat(text("#chartShown")).startsWith("Zoomed to ");
        ScreenCapture.save(robot, robot.lookup(".cache-page").query(), "cache-zoomed");
        assertThat(robot.lookup("#resetZoomButton").queryAs(Button.class).isDisabled()).isFalse();

        robot.clickOn("#zoomInButton");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(axis().getUpperBound() - axis().getLowerBound()).as("zoom in halves the span")
                .isCloseTo(3 * 3600.0, org.assertj.core.data.Offset.offset(600.0));

        robot.clickOn("#resetZoomButton");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(axis().getLowerBound()).isEqualTo(NOW.minus(Duration.ofHours(24)).getEpochSecond());
        assertThat(points()).hasSize(2);
        assertThat(robot.lookup("#resetZoomButton").queryAs(Button.class).isDisabled()).isTrue();
    }

    @Test
    void aTypedFromToRangeIsCheckedThenShown() {
        robot.clickOn("#rangeChoice");
        robot.clickOn("From – to…");
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> {
            robot.lookup("#rangeFrom").queryAs(javafx.scene.control.TextField.class).setText("2026-12-03 20:00");
            robot.lookup("#rangeTo").queryAs(javafx.scene.control.TextField.class).setText("2026-12-03 18:00");
        });
        robot.clickOn("#rangeShowButton");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(text("#rangeError")).isEqualTo("The end is not after the start; choose an end later than the start.");
        ScreenCapture.save(robot, robot.lookup(".cache-page").query(), "cache-custom-range-error");

        robot.interact(() -> robot.lookup("#rangeTo").queryAs(javafx.scene.control.TextField.class).setText("2026-12-03 22:00"));
        robot.clickOn("#rangeShowButton");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#rangeError").query().isVisible()).isFalse();
        assertThat(axis().getLowerBound()).isEqualTo(Instant.parse("2026-12-03T20:00:00Z").getEpochSecond());
        assertThat(axis().getUpperBound()).isEqualTo(Instant.parse("2026-12-03T22:00:00Z").getEpochSecond());
        assertThat(points()).as("the sample at 19:00 on the 3rd lies before the range").isEmpty();
        assertThat(text("#chartEmptyText")).startsWith("No divergence samples in 12-03 20:00 – 22:00.");
        ScreenCapture.save(robot, robot.lookup(".cache-page").query(), "cache-custom-range");
    }

    private List<Long> points() {
        LineChart<?, ?> chart = robot.lookup("#chart").queryAs(LineChart.class);
        return chart.getData().stream().flatMap(s -> s.getData().stream()).map(XYChart.Data::getXValue)
                .map(x -> ((Number) x).longValue()).toList();
    }

    private NumberAxis axis() {
        return robot.lookup("#timeAxis").queryAs(NumberAxis.class);
    }

    private String text(String query) {
        return robot.lookup(query).queryAs(Label.class).getText();
    }

    /** A stored divergence history and an idle cache. */
    private static final class History implements CacheSource {
        List<DivergenceSample> samples = List.of();

        @Override
        public List<DivergenceSample> divergence(Instant since, Duration bucket) {
            return samples.stream().filter(s -> !s.sampledAt().isBefore(since)).toList();
        }

        @Override
        public DivergenceReport latestRound() {
            return new DivergenceReport(DivergenceReport.State.NOT_SAMPLED_YET, NOW, List.of());
        }

        @Override
        public CacheStats stats() {
            return new CacheStats(1, 2, 3, 0, 0, 0, 0, 0, 0, 1, true, true, false);
        }

        @Override
        public CacheInspector.Overview contents() {
            return new CacheInspector.Overview(List.of(), "1.2M", 10, 5, 1, 0, "7.2.4");
        }

        @Override
        public CacheRebuilder.Result rebuild(String pattern, ProgressListener progress, BooleanSupplier cancelled) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Long> invalidate(String pattern) {
            throw new UnsupportedOperationException();
        }

        @Override
        public double alertThreshold() {
            return 0.05;
        }

        @Override
        public Duration sampleInterval() {
            return Duration.ofMinutes(1);
        }
    }
}
