package org.nstcg.integrity.console.view.cache;

import org.nstcg.integrity.console.view.ChartRangeBar;
import org.nstcg.integrity.console.view.ChartZoom;
import org.nstcg.integrity.console.view.TableColumns;
import java.util.function.Function;
import javafx.beans.value.ObservableBooleanValue;
import javafx.collections.ListChangeListener;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.StackPane;
import javafx.util.StringConverter;
import org.nstcg.integrity.console.viewmodel.cache.CacheViewModel;
import org.nstcg.integrity.console.viewmodel.cache.PatternRow;
import org.nstcg.integrity.console.viewmodel.cache.PatternSeries;

/** The cache page: divergence chart, what the cache holds, rebuild and invalidation. Binds {@link CacheViewModel}. */
public final class CacheView {

    private final CacheViewModel viewModel;

    @FXML private Label updatedAt;
    @FXML private Node redisDownBox;
    @FXML private Label redisDownText;
    @FXML private Node errorBox;
    @FXML private Label errorText;
    @FXML private Label errorDetail;
    @FXML private ChartRangeBar rangeBar;
    @FXML private StackPane chartArea;
    @FXML private Label chartShown;
    @FXML private Label chartGap;
    @FXML private LineChart<Number, Number> chart;
    @FXML private NumberAxis timeAxis;
    @FXML private Node chartEmpty;
    @FXML private Label chartEmptyText;
    @FXML private Label chartCaption;
    @FXML private Label contentsCaption;
    @FXML private TableView<PatternRow> patternTable;
    @FXML private TableColumn<PatternRow, String> patternColumn;
    @FXML private TableColumn<PatternRow, String> entriesColumn;
    @FXML private TableColumn<PatternRow, String> tombstonesColumn;
    @FXML private TableColumn<PatternRow, String> ttlColumn;
    @FXML private TableColumn<PatternRow, String> divergenceColumn;
    @FXML private TableColumn<PatternRow, String> stalenessColumn;
    @FXML private Label hitRate;
    @FXML private Label hitRateDetail;
    @FXML private Label redisMemory;
    @FXML private Label redisDetail;
    @FXML private Label invalidations;
    @FXML private Label invalidationsDetail;
    @FXML private ComboBox<String> rebuildPatternChoice;
    @FXML private Button rebuildButton;
    @FXML private Button cancelRebuildButton;
    @FXML private ProgressBar rebuildProgress;
    @FXML private Label rebuildStatus;
    @FXML private Label rebuildError;
    @FXML private TextField invalidatePattern;
    @FXML private Button invalidateButton;
    @FXML private Label invalidateError;
    @FXML private Node confirmBox;
    @FXML private Label invalidateQuestion;
    @FXML private Label invalidateResult;
    @FXML private Label manageHint;

    public CacheView(CacheViewModel viewModel) {
        this.viewModel = viewModel;
    }

    @FXML
    private void initialize() {
        updatedAt.textProperty().bind(viewModel.updatedAtProperty());
        showWhen(redisDownBox, viewModel.redisDownProperty());
        redisDownText.textProperty().bind(viewModel.redisDownTextProperty());
        errorText.textProperty().bind(viewModel.errorProperty());
        errorDetail.textProperty().bind(viewModel.errorDetailProperty());
        showWhen(errorBox, viewModel.errorProperty().isNotEmpty());

        rangeBar.bind(viewModel.chartRange());
        chartShown.textProperty().bind(viewModel.chartShownProperty());
        chartGap.textProperty().bind(viewModel.chartGapProperty());
        showWhen(chartGap, viewModel.chartGapProperty().isNotEmpty().and(viewModel.chartEmptyProperty().not()));
        bindChart();
        ChartZoom.install(chart, timeAxis, chartArea, viewModel.chartRange());
        chartEmpty.visibleProperty().bind(viewModel.chartEmptyProperty());
        chart.visibleProperty().bind(viewModel.chartEmptyProperty().not());
        chartEmptyText.textProperty().bind(viewModel.chartEmptyTextProperty());
        chartCaption.textProperty().bind(viewModel.chartCaptionProperty());
        contentsCaption.textProperty().bind(viewModel.contentsCaptionProperty());

        patternTable.setItems(viewModel.patterns());

        TableColumns.fitToContent(patternTable, patternColumn);
        column(patternColumn, PatternRow::pattern);
        column(entriesColumn, PatternRow::entries);
        column(tombstonesColumn, PatternRow::tombstones);
        column(ttlColumn, PatternRow::ttl);
        column(divergenceColumn, PatternRow::divergence);
        column(stalenessColumn, PatternRow::staleness);
        hitRate.textProperty().bind(viewModel.hitRateProperty());
        hitRateDetail.textProperty().bind(viewModel.hitRateDetailProperty());
        redisMemory.textProperty().bind(viewModel.redisMemoryProperty());
        redisDetail.textProperty().bind(viewModel.redisDetailProperty());
        invalidations.textProperty().bind(viewModel.invalidationsProperty());
        invalidationsDetail.textProperty().bind(viewModel.invalidationsDetailProperty());

        rebuildPatternChoice.getItems().setAll(viewModel.rebuildPatterns());
        rebuildPatternChoice.valueProperty().bindBidirectional(viewModel.rebuildPatternProperty());
        rebuildPatternChoice.disableProperty().bind(viewModel.actionsDisabledProperty());
        rebuildButton.disableProperty().bind(viewModel.actionsDisabledProperty());
        cancelRebuildButton.visibleProperty().bind(viewModel.rebuildingProperty());
        cancelRebuildButton.managedProperty().bind(cancelRebuildButton.visibleProperty());
        cancelRebuildButton.disableProperty().bind(viewModel.cancelRequestedProperty());
        rebuildProgress.progressProperty().bind(viewModel.rebuildProgressProperty());
        rebuildProgress.visibleProperty().bind(viewModel.rebuildingProperty().or(viewModel.rebuildStatusProperty().isNotEmpty()));
        rebuildProgress.managedProperty().bind(rebuildProgress.visibleProperty());
        rebuildStatus.textProperty().bind(viewModel.rebuildStatusProperty());
        showWhen(rebuildStatus, viewModel.rebuildStatusProperty().isNotEmpty());
        rebuildError.textProperty().bind(viewModel.rebuildErrorProperty());
        showWhen(rebuildError, viewModel.rebuildErrorProperty().isNotEmpty());

        invalidatePattern.textProperty().bindBidirectional(viewModel.invalidatePatternProperty());
        invalidatePattern.disableProperty().bind(viewModel.actionsDisabledProperty());
        invalidateButton.disableProperty().bind(viewModel.actionsDisabledProperty().or(viewModel.confirmingInvalidateProperty()));
        invalidateError.textProperty().bind(viewModel.invalidateErrorProperty());
        showWhen(invalidateError, viewModel.invalidateErrorProperty().isNotEmpty());
        showWhen(confirmBox, viewModel.confirmingInvalidateProperty());
        invalidateQuestion.textProperty().bind(viewModel.invalidateQuestionProperty());
        invalidateResult.textProperty().bind(viewModel.invalidateResultProperty());
        showWhen(invalidateResult, viewModel.invalidateResultProperty().isNotEmpty());
        manageHint.setText(viewModel.manageHint());
        manageHint.setVisible(!viewModel.mayManage());
        manageHint.setManaged(!viewModel.mayManage());
    }

    /** The chart mirrors the view-model's series: one line per key pattern, the time axis over the chosen window. */
    private void bindChart() {
        timeAxis.lowerBoundProperty().bind(viewModel.chartFromProperty());
        timeAxis.upperBoundProperty().bind(viewModel.chartToProperty());
        timeAxis.tickUnitProperty().bind(viewModel.chartTickProperty());
        timeAxis.setTickLabelFormatter(new StringConverter<>() {
            @Override
            public String toString(Number epochSecond) {
                return viewModel.timeLabel(epochSecond.doubleValue());
            }

            @Override
            public Number fromString(String text) {
                throw new UnsupportedOperationException("the time axis is not edited");
            }
        });
        viewModel.series().addListener((ListChangeListener<PatternSeries>) change -> drawSeries());
        drawSeries();
    }

    private void drawSeries() {
        chart.getData().clear();
        for (PatternSeries line : viewModel.series()) {
            XYChart.Series<Number, Number> s = new XYChart.Series<>();
            s.setName(line.pattern());
            for (PatternSeries.Point p : line.points()) {
                s.getData().add(new XYChart.Data<>(p.epochSecond(), p.percent()));
            }
            chart.getData().add(s);
        }
    }

    private static void column(TableColumn<PatternRow, String> column, Function<PatternRow, String> value) {
        TableColumns.text(column, value);
        column.setSortable(false);
    }

    private static void showWhen(Node node, ObservableBooleanValue shown) {
        node.visibleProperty().bind(shown);
        node.managedProperty().bind(node.visibleProperty());
    }

    @FXML
    private void refresh() {
        viewModel.refresh();
    }

    @FXML
    private void rebuild() {
        viewModel.rebuild();
    }

    @FXML
    private void cancelRebuild() {
        viewModel.cancelRebuild();
    }

    @FXML
    private void requestInvalidate() {
        viewModel.requestInvalidate();
    }

    @FXML
    private void confirmInvalidate() {
        viewModel.confirmInvalidate();
    }

    @FXML
    private void cancelInvalidate() {
        viewModel.cancelInvalidate();
    }
}
