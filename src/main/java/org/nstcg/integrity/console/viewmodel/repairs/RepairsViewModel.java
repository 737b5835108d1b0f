package org.nstcg.integrity.console.viewmodel.repairs;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.console.viewmodel.ReadStatus;
import org.nstcg.integrity.console.viewmodel.DisplayFormats;
import org.nstcg.integrity.console.viewmodel.LiveRefresh;
import org.nstcg.integrity.console.viewmodel.UserMessages;
import org.nstcg.integrity.console.viewmodel.repairs.RepairsSource.CheckInfo;
import org.nstcg.integrity.console.viewmodel.repairs.RepairsSource.RepairInfo;
import org.nstcg.integrity.console.viewmodel.shell.PageViewModel;
import org.nstcg.integrity.engine.integrity.CheckResult;
import org.nstcg.integrity.engine.integrity.CheckRun;
import org.nstcg.integrity.engine.support.DeepLink;
import org.nstcg.integrity.engine.integrity.Finding;
import org.nstcg.integrity.engine.integrity.RunSummary;
import org.nstcg.integrity.engine.repair.PlannedChange;
import org.nstcg.integrity.engine.repair.RepairPlan;
import org.nstcg.integrity.engine.support.Reasons;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The repairs screen's state: every check with its latest stored result, the selected check's findings and the
 * repair offered for them (preview, confirm with a reason, apply, then the check run again), running the checks
 * now, and the history of runs.
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>Latest result per check, not per run.</b> A run may cover only some checks (a check run again after its
 *   repair), so each check shows the newest stored run that includes it.</li>
 *   <li><b>The preview is the data now.</b> It is asked of the engine, not derived from the stored findings, and
 *   writes nothing; applying finds the changes again, so it may differ if the data changed meanwhile (the result
 *   says what was changed).</li>
 *   <li><b>Live refresh</b> re-reads the history every period (a scheduled run shows up by itself); it does not
 *   disturb a repair being previewed or confirmed.</li>
 *   <li><b>The run header follows the latest run.</b> Once it describes a run, a newer one replaces it: the run a
 *   repair made when it checked again, or one the history shows (scheduled, another console's), so the header never
 *   names an older run than the panels below it.</li>
 * </ul>
 */
public final class RepairsViewModel implements PageViewModel {

    private static final Logger log = LoggerFactory.getLogger(RepairsViewModel.class);
    /** Runs read for the history and the latest result of each check. */
    public static final int HISTORY_RUNS = 50;
    /** Findings listed for the selected check. */
    public static final int FINDINGS_SHOWN = 200;

    /** Where the repair of the selected check stands. */
    public enum RepairStep { IDLE, PREVIEWING, PREVIEWED, CONFIRMING, APPLYING, APPLIED }

    private record Units(long done, long total) {
    }

    private final RepairsSource source;
    private final FxTaskRunner runner;
    private final Clock clock;
    private final ReadStatus readStatus;
    private final boolean mayRepair;
    private final LiveRefresh<List<RunSummary>> live;

    private final ObservableList<CheckRow> checks = FXCollections.observableArrayList();
    private final ObjectProperty<CheckRow> selected = new SimpleObjectProperty<>();
    private final StringProperty checksEmptyText = new SimpleStringProperty("Loading the latest check results…");
    private final ObservableList<String> findings = FXCollections.observableArrayList();
    /** The findings behind {@link #findings}, in the same order, for their JSON details. */
    private List<Finding> findingRecords = List.of();
    private final javafx.beans.property.IntegerProperty selectedFinding = new javafx.beans.property.SimpleIntegerProperty(-1);
    private final StringProperty findingDetails = new SimpleStringProperty("");
    private final StringProperty findingsHeader = new SimpleStringProperty("");
    private final StringProperty findingsEmptyText = new SimpleStringProperty("");

    private final StringProperty repairTitle = new SimpleStringProperty("");
    private final StringProperty repairDescription = new SimpleStringProperty("");
    private final BooleanProperty repairAvailable = new SimpleBooleanProperty();
    private final ObjectProperty<RepairStep> step = new SimpleObjectProperty<>(RepairStep.IDLE);
    private final ObservableList<String> plannedChanges = FXCollections.observableArrayList();
    private final StringProperty planSummary = new SimpleStringProperty("");
    private final BooleanProperty planHasChanges = new SimpleBooleanProperty();
    private final StringProperty applyQuestion = new SimpleStringProperty("");
    private final StringProperty reason = new SimpleStringProperty("");
    private final StringProperty reasonError = new SimpleStringProperty("");
    private final StringProperty repairResult = new SimpleStringProperty("");
    private final StringProperty repairError = new SimpleStringProperty("");
    private RepairPlan previewed;

    private final BooleanProperty runningChecks = new SimpleBooleanProperty();
    private final DoubleProperty runProgress = new SimpleDoubleProperty(-1);
    private final StringProperty runStatus = new SimpleStringProperty("");
    private final StringProperty runError = new SimpleStringProperty("");
    private final AtomicReference<Units> runUnits = new AtomicReference<>();
    /** The run {@link #runStatus} describes, 0 for none: a newer one (a repair's re-run, a scheduled run) replaces it. */
    private long headerRun;

    private final ObservableList<RunRow> runs = FXCollections.observableArrayList();
    /** The run a link asked for, until the history is read and it is found there or reported missing. */
    private Long linkedRun;
    private final ObjectProperty<RunRow> shownRun = new SimpleObjectProperty<>();
    private final StringProperty runNotice = new SimpleStringProperty("");
    private final BooleanBinding busy;
    private boolean preferFailing = true;

    /**
     * @param mayRepair whether the user may preview and apply repairs (the engine checks again on every call)
     */
    public RepairsViewModel(RepairsSource source, FxTaskRunner runner, Clock clock, Duration refreshPeriod, boolean mayRepair) {
        selectedFinding.addListener((o, was, is) -> showFindingDetails());
        this.source = source;
        this.runner = runner;
        this.clock = clock;
        this.readStatus = new ReadStatus(clock, "The check results", "the results");
        this.mayRepair = mayRepair;
        this.live = new LiveRefresh<>(runner, refreshPeriod, progress -> source.history(HISTORY_RUNS), this::show, this::showFailure);
        this.busy = Bindings.createBooleanBinding(() -> runningChecks.get() || step.get() == RepairStep.PREVIEWING
                || step.get() == RepairStep.APPLYING, runningChecks, step);
        reason.addListener((obs, old, now) -> reasonError.set(""));
    }

    @Override
    public void activate() {
        live.activate();
    }

    @Override
    public void deactivate() {
        live.deactivate();
    }

    @Override
    public void refresh() {
        live.refresh();
    }

    // Latest results and history ---------------------------------------------------------------------------------

    /** Shows the check run a link names in the run history, or says that the history does not hold it. */
    @Override
    public void open(DeepLink link) {
        if (!(link instanceof DeepLink.CheckRun run)) {
            return;
        }
        linkedRun = run.id();
        shownRun.set(null);
        runNotice.set("");
        // Resolved by the next read of the history, never against a list read before the link was given.
        live.refresh();
    }

    private void resolveLinkedRun() {
        Long wanted = linkedRun;
        if (wanted == null) {
            return;
        }
        linkedRun = null;
        String link = DeepLink.run(wanted).text();
        runs.stream().filter(r -> r.link().equals(link)).findFirst().ifPresentOrElse(r -> {
            runNotice.set("");
            shownRun.set(r);
        }, () -> {
            shownRun.set(null);
            runNotice.set("Check run #" + wanted + " was not found: it is not among the last " + HISTORY_RUNS
                    + " runs shown here. Check the link; 'checks history --limit N' lists older runs.");
        });
    }

    /** The run opened by a link: the view selects its row in the run history. */
    public ReadOnlyObjectProperty<RunRow> shownRunProperty() {
        return shownRun;
    }

    /** Why the run a link asked for is not shown; empty when it is (or none was asked for). */
    public ReadOnlyStringProperty runNoticeProperty() {
        return runNotice;
    }

    /** Hides the run notice. */
    public void dismissRunNotice() {
        runNotice.set("");
    }

    private void show(List<RunSummary> history) {
        List<CheckRow> rows = new ArrayList<>();
        for (CheckInfo check : source.checks()) {
            rows.add(latestRow(check, history));
        }
        String keep = selected.get() == null ? null : selected.get().name();
        OptionalLong shownRun = selected.get() == null ? OptionalLong.empty() : selected.get().runId();
        checks.setAll(rows);
        checksEmptyText.set(rows.isEmpty() ? "The suite has no checks." : "");
        runs.setAll(history.stream().map(this::runRow).toList());
        resolveLinkedRun();
        readStatus.succeeded();
        if (headerRun != 0 && !runningChecks.get()) {
            history.stream().filter(r -> r.finishedAt().isPresent()).findFirst().filter(r -> r.id() > headerRun).ifPresent(r -> {
                headerRun = r.id();
                runStatus.set(runText(r.id(), r.status(), r.totalFindings(), r.checks().size(),
                        Duration.between(r.startedAt(), r.finishedAt().orElseThrow())));
            });
        }

        Optional<CheckRow> failing = rows.stream().filter(r -> r.status().equals(CheckRow.FAILED)).findFirst();
        CheckRow again;
        if (preferFailing && failing.isPresent()) {
            // The first look, and the look after a run, go to what is wrong.
            again = failing.get();
        } else {
            again = rows.stream().filter(r -> r.name().equals(keep)).findFirst().orElse(failing.orElse(rows.isEmpty() ? null : rows.get(0)));
        }
        preferFailing = false;
        boolean newRun = again != null && keep != null && again.name().equals(keep) && !again.runId().equals(shownRun);
        if (again != null && (keep == null || !again.name().equals(keep))) {
            select(again);
        } else if (again != null) {
            selected.set(again);
            if (newRun && (step.get() == RepairStep.IDLE || step.get() == RepairStep.APPLIED)) {
                loadFindings(again);
            }
        }
    }

    private CheckRow latestRow(CheckInfo check, List<RunSummary> history) {
        for (RunSummary run : history) {
            RunSummary.CheckFigures f = run.checks().get(check.name());
            if (f == null || run.finishedAt().isEmpty()) {
                continue;
            }
            String status = f.status();
            String summary = switch (status) {
                case CheckRow.PASSED -> "passed";
                case CheckRow.ERROR -> "could not run";
                default -> f.findings() == 1 ? "1 finding" : DisplayFormats.count(f.findings()) + " findings";
            };
            return new CheckRow(check.name(), check.severity(), check.description(), status, f.findings(), summary,
                    OptionalLong.of(run.id()), DisplayFormats.absolute(run.startedAt(), clock.getZone()));
        }
        return new CheckRow(check.name(), check.severity(), check.description(), CheckRow.NOT_RUN, 0, "not run yet", OptionalLong.empty(), "");
    }

    private RunRow runRow(RunSummary r) {
        String duration = r.finishedAt().map(f -> DisplayFormats.period(Duration.ofMillis(Math.max(0, Duration.between(r.startedAt(), f)
                .toMillis())))).orElse("running");
        String details = r.checks().entrySet().stream().filter(e -> !e.getValue().status().equals(CheckRow.PASSED))
                .map(e -> e.getKey() + (e.getValue().status().equals(CheckRow.ERROR) ? " could not run" : " " + e.getValue().findings()))
                .collect(Collectors.joining(", "));
        return new RunRow("#" + r.id(), DisplayFormats.absolute(r.startedAt(), clock.getZone()), r.trigger(), r.actor().orElse("schedule"),
                r.status(), DisplayFormats.count(r.totalFindings()), duration,
                r.checks().size() + (r.checks().size() == 1 ? " check" : " checks")
                        + (r.checks().size() <= 2 ? " (" + String.join(", ", r.checks().keySet()) + ")" : "")
                        + (details.isEmpty() ? "" : "; " + details), DeepLink.run(r.id()).text());
    }

    private void showFailure(Throwable failure) {
        readStatus.failed(failure, "reading the integrity check history", log);
        if (!readStatus.everRead()) {
            checksEmptyText.set("The check results could not be read.");
        }
    }

    // Selection and findings -------------------------------------------------------------------------------------

    /** Shows a check's findings and the repair offered for them. */
    public void select(CheckRow row) {
        if (row == null || busy.get()) {
            return;
        }
        selected.set(row);
        resetRepair();
        Optional<RepairInfo> repair = source.repairFor(row.name());
        repairAvailable.set(repair.isPresent());
        repairTitle.set(repair.map(r -> "Repair: " + r.kind()).orElse("No repair for " + row.name()));
        repairDescription.set(repair.map(RepairInfo::description)
                .orElse("This check's findings are not the engine's to repair; they need a person to look at them."));
        loadFindings(row);
    }

    private void loadFindings(CheckRow row) {
        findings.clear();
        if (row.runId().isEmpty()) {
            findingsHeader.set("Not run yet");
            findingsEmptyText.set(row.name() + " has not run yet. Run the checks now to see what it finds.");
            return;
        }
        long runId = row.runId().getAsLong();
        findingsHeader.set(headerOf(row, runId));
        if (row.findings() == 0) {
            findingsEmptyText.set(row.status().equals(CheckRow.ERROR)
                    ? row.name() + " could not run in run #" + runId + "; the run history says why. Run the checks again."
                    : row.name() + " found nothing wrong in run #" + runId + ".");
            return;
        }
        findingsEmptyText.set("Loading the findings…");
        runner.run(progress -> source.findings(runId, row.name(), FINDINGS_SHOWN), list -> {
            if (selected.get() == null || !selected.get().name().equals(row.name())) {
                return;
            }
            findingRecords = List.copyOf(list);
            findings.setAll(list.stream().map(RepairsViewModel::describe).toList());
            showFindingDetails();
            findingsEmptyText.set(list.isEmpty() ? "The findings of run #" + runId + " are no longer stored." : "");
        }, failure -> findingsEmptyText.set(UserMessages.describe(failure, "reading the findings of " + row.name(), log)));
    }

    private static String headerOf(CheckRow row, long runId) {
        String shown = row.findings() > FINDINGS_SHOWN ? " (the first " + FINDINGS_SHOWN + " listed)" : "";
        return switch (row.status()) {
            case CheckRow.PASSED -> "Passed in run #" + runId + ", " + row.ranAt();
            case CheckRow.ERROR -> "Could not run in run #" + runId + ", " + row.ranAt();
            default -> (row.findings() == 1 ? "1 finding" : DisplayFormats.count(row.findings()) + " findings") + " in run #" + runId
                    + ", " + row.ranAt() + shown;
        };
    }

    private void showFindingDetails() {
        int i = selectedFinding.get();
        Finding f = i >= 0 && i < findingRecords.size() ? findingRecords.get(i) : null;
        findingDetails.set(f == null || f.details() == null || f.details().isNull() || f.details().isMissingNode()
                || (f.details().isContainerNode() && f.details().isEmpty()) ? "" : f.details().toPrettyString());
    }

    /** The index in {@link #findings()} of the finding chosen (the view sets it; -1 for none). */
    public javafx.beans.property.IntegerProperty selectedFindingProperty() {
        return selectedFinding;
    }

    /** The chosen finding's details, pretty JSON for the JSON viewer; empty when it has none or none is chosen. */
    public ReadOnlyStringProperty findingDetailsProperty() {
        return findingDetails;
    }

    static String describe(Finding f) {
        if (f.affectedIds().isEmpty()) {
            return f.message();
        }
        List<String> ids = f.affectedIds().stream().limit(10).map(String::valueOf).toList();
        return f.message() + " (ids " + String.join(", ", ids) + (f.affectedIds().size() > 10 ? ", …" : "") + ")";
    }

    // Repair -----------------------------------------------------------------------------------------------------

    private void resetRepair() {
        step.set(RepairStep.IDLE);
        previewed = null;
        plannedChanges.clear();
        planSummary.set("");
        planHasChanges.set(false);
        reason.set("");
        reasonError.set("");
        repairResult.set("");
        repairError.set("");
    }

    /** Asks the engine what the selected check's repair would change now; writes nothing. */
    public void preview() {
        CheckRow row = selected.get();
        Optional<RepairInfo> repair = row == null ? Optional.empty() : source.repairFor(row.name());
        if (!mayRepair || repair.isEmpty() || busy.get()) {
            return;
        }
        String kind = repair.get().kind();
        resetRepair();
        step.set(RepairStep.PREVIEWING);
        planSummary.set("Finding what " + kind + " would change…");
        runner.run(progress -> source.preview(kind), plan -> {
            previewed = plan;
            plannedChanges.setAll(plan.changes().stream().map(PlannedChange::summary).toList());
            planHasChanges.set(!plan.nothingToDo());
            planSummary.set(plan.nothingToDo() ? "Nothing to repair: " + kind + " finds nothing wrong now."
                    : "Would apply " + changes(plan.total()) + " (" + kind + ")"
                    + (plan.total() > plan.changes().size() ? ", the first " + DisplayFormats.count(plan.changes().size()) + " listed" : "")
                    + ". Nothing has been written.");
            step.set(RepairStep.PREVIEWED);
        }, failure -> {
            step.set(RepairStep.IDLE);
            planSummary.set("");
            repairError.set(UserMessages.describe(failure, "previewing the " + kind + " repair", log));
        });
    }

    /** After a preview with changes: asks for confirmation and a reason. */
    public void requestApply() {
        if (step.get() != RepairStep.PREVIEWED || previewed == null || previewed.nothingToDo()) {
            return;
        }
        applyQuestion.set("Apply " + changes(previewed.total()) + " to the live data? The repair finds them again as it applies, and"
                + " the audit trail records it under your name with the reason below.");
        reasonError.set("");
        step.set(RepairStep.CONFIRMING);
    }

    public void cancelApply() {
        if (step.get() == RepairStep.CONFIRMING) {
            step.set(RepairStep.PREVIEWED);
        }
    }

    /** Applies the previewed repair with the reason given, then runs its check again. */
    public void confirmApply() {
        if (step.get() != RepairStep.CONFIRMING || previewed == null) {
            return;
        }
        String why = reason.get() == null ? "" : reason.get().strip();
        if (why.isEmpty()) {
            reasonError.set("Say why you apply this repair; the audit trail keeps it.");
            return;
        }
        if (why.length() > Reasons.MAX_LENGTH) {
            reasonError.set("Keep the reason to " + Reasons.MAX_LENGTH + " characters; it has " + why.length() + ".");
            return;
        }
        String kind = previewed.kind();
        String check = selected.get().name();
        reasonError.set("");
        step.set(RepairStep.APPLYING);
        runner.run(progress -> {
            RepairPlan applied = source.apply(kind, why);
            progress.step("Checking " + check + " again…");
            return new Applied(applied, source.run(List.of(check), progress));
        }, message -> repairResult.set(message), done -> {
            step.set(RepairStep.APPLIED);
            previewed = null;
            plannedChanges.setAll(done.plan().changes().stream().map(PlannedChange::summary).toList());
            planHasChanges.set(false);
            planSummary.set("");
            Optional<CheckResult> after = done.run().result(check);
            String verdict = after.map(r -> switch (r.status()) {
                case PASSED -> check + " now passes.";
                case FAILED -> check + " still finds " + (r.totalFindings() == 1 ? "1 problem" : DisplayFormats.count(r.totalFindings()) + " problems")
                        + "; preview again to see what is left.";
                case ERROR -> check + " could not run again: " + r.error().orElse("see the run history") + ".";
            }).orElse("");
            repairResult.set("Applied " + changes(done.plan().total()) + " (" + kind + "). Checked again in run #" + done.run().id() + ": "
                    + verdict);
            showRun(done.run());
            live.refresh();
        }, failure -> {
            step.set(RepairStep.PREVIEWED);
            repairResult.set("");
            repairError.set(UserMessages.describe(failure, "applying the " + kind + " repair", log));
            live.refresh();
        });
    }

    private record Applied(RepairPlan plan, CheckRun run) {
    }

    private static String changes(long n) {
        return n == 1 ? "1 change" : DisplayFormats.count(n) + " changes";
    }

    // Run checks now ---------------------------------------------------------------------------------------------

    /** Runs every check now, stores and audits the run, and shows its results. */
    public void runChecks() {
        if (busy.get()) {
            return;
        }
        runningChecks.set(true);
        runProgress.set(-1);
        runError.set("");
        runStatus.set("Starting the checks…");
        runUnits.set(null);
        runner.run(progress -> source.run(List.of(), (message, done, total) -> {
            if (done >= 0 && total > 0) {
                runUnits.set(new Units(done, total));
            }
            progress.progress(message, done, total);
        }), message -> {
            Units u = runUnits.get();
            if (u != null) {
                runProgress.set(Math.min(1, (double) u.done() / u.total()));
            }
            runStatus.set(message);
        }, run -> {
            runningChecks.set(false);
            runProgress.set(1);
            showRun(run);
            resetRepair();
            preferFailing = true;
            live.refresh();
        }, failure -> {
            runningChecks.set(false);
            runStatus.set("");
            runError.set(UserMessages.describe(failure, "running the integrity checks", log));
        });
    }

    /** The header now describes {@code run}. */
    private void showRun(CheckRun run) {
        headerRun = run.id();
        runStatus.set(runText(run.id(), run.status().label(), run.totalFindings(), run.results().size(), run.duration()));
    }

    /** "Run #3 passed: 0 findings in 1 check, 12 ms." */
    private static String runText(long id, String status, long findings, int checks, Duration took) {
        return String.format(Locale.ROOT, "Run #%d %s: %s in %s, %s.", id, status,
                findings == 1 ? "1 finding" : DisplayFormats.count(findings) + " findings", checks == 1 ? "1 check" : checks + " checks",
                DisplayFormats.period(Duration.ofMillis(Math.max(1, took.toMillis()))));
    }

    // Properties -------------------------------------------------------------------------------------------------

    public ObservableList<CheckRow> checks() {
        return checks;
    }

    public ReadOnlyObjectProperty<CheckRow> selectedProperty() {
        return selected;
    }

    /** Why the check list is empty; empty once it has rows. */
    public ReadOnlyStringProperty checksEmptyTextProperty() {
        return checksEmptyText;
    }

    public ObservableList<String> findings() {
        return findings;
    }

    public ReadOnlyStringProperty findingsHeaderProperty() {
        return findingsHeader;
    }

    public ReadOnlyStringProperty findingsEmptyTextProperty() {
        return findingsEmptyText;
    }

    public ReadOnlyStringProperty repairTitleProperty() {
        return repairTitle;
    }

    public ReadOnlyStringProperty repairDescriptionProperty() {
        return repairDescription;
    }

    public ReadOnlyBooleanProperty repairAvailableProperty() {
        return repairAvailable;
    }

    public ReadOnlyObjectProperty<RepairStep> stepProperty() {
        return step;
    }

    /** The previewed changes, then the applied ones. */
    public ObservableList<String> plannedChanges() {
        return plannedChanges;
    }

    public ReadOnlyStringProperty planSummaryProperty() {
        return planSummary;
    }

    /** The preview found something to change (so Apply is offered). */
    public ReadOnlyBooleanProperty planHasChangesProperty() {
        return planHasChanges;
    }

    public ReadOnlyStringProperty applyQuestionProperty() {
        return applyQuestion;
    }

    public StringProperty reasonProperty() {
        return reason;
    }

    public ReadOnlyStringProperty reasonErrorProperty() {
        return reasonError;
    }

    /** The repair's outcome and the check's verdict after it; during the apply, what is happening. */
    public ReadOnlyStringProperty repairResultProperty() {
        return repairResult;
    }

    public ReadOnlyStringProperty repairErrorProperty() {
        return repairError;
    }

    public ReadOnlyBooleanProperty runningChecksProperty() {
        return runningChecks;
    }

    /** 0 to 1; -1 (indeterminate) until the first check reports. */
    public ReadOnlyDoubleProperty runProgressProperty() {
        return runProgress;
    }

    public ReadOnlyStringProperty runStatusProperty() {
        return runStatus;
    }

    public ReadOnlyStringProperty runErrorProperty() {
        return runError;
    }

    public ObservableList<RunRow> runs() {
        return runs;
    }

    public ReadOnlyStringProperty errorProperty() {
        return readStatus.errorProperty();
    }

    public ReadOnlyStringProperty errorDetailProperty() {
        return readStatus.errorDetailProperty();
    }

    public ReadOnlyStringProperty updatedAtProperty() {
        return readStatus.updatedAtProperty();
    }

    /** A run, a preview or an apply is under way. */
    public BooleanBinding busyProperty() {
        return busy;
    }

    public boolean mayRepair() {
        return mayRepair;
    }

    /** For users who may run checks but not repair; empty otherwise. */
    public String repairHint() {
        return mayRepair ? "" : "Your role may run the checks but not preview or apply repairs.";
    }
}
