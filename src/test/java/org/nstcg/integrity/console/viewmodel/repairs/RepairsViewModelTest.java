package org.nstcg.integrity.console.viewmodel.repairs;

import org.nstcg.integrity.engine.support.DeepLink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.service.SynchronousTaskRunner;
import org.nstcg.integrity.console.viewmodel.repairs.CheckRow;
import org.nstcg.integrity.console.viewmodel.repairs.RepairsSource;
import org.nstcg.integrity.console.viewmodel.repairs.RepairsViewModel;
import org.nstcg.integrity.console.viewmodel.repairs.RepairsViewModel.RepairStep;
import org.nstcg.integrity.engine.integrity.CheckResult;
import org.nstcg.integrity.engine.integrity.CheckRun;
import org.nstcg.integrity.engine.integrity.CheckTrigger;
import org.nstcg.integrity.engine.integrity.Finding;
import org.nstcg.integrity.engine.integrity.RunSummary;
import org.nstcg.integrity.engine.integrity.Severity;
import org.nstcg.integrity.engine.repair.PlannedChange;
import org.nstcg.integrity.engine.repair.RepairPlan;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.ProgressListener;

class RepairsViewModelTest {

    private static final Instant NOW = Instant.parse("2026-05-02T12:00:00Z");

    private final SynchronousTaskRunner runner = new SynchronousTaskRunner();
    private final FakeEngine engine = new FakeEngine();
    private RepairsViewModel vm = new RepairsViewModel(engine, runner, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(5), true);

    @Test
    void beforeAnyRunEveryCheckSaysItHasNotRun() {
        vm.activate();

        assertThat(vm.checks()).extracting(CheckRow::summary).containsOnly("not run yet");
        assertThat(vm.selectedProperty().get().name()).isEqualTo("orphans");
        assertThat(vm.findingsEmptyTextProperty().get()).isEqualTo("orphans has not run yet. Run the checks now to see what it finds.");
        assertThat(vm.runs()).isEmpty();
    }

    @Test
    void eachCheckShowsItsNewestResultAndTheFirstFailingOneIsSelectedWithItsFindings() {
        engine.addRun(1, Map.of("orphans", figures("passed", 0), "points-ledger", figures("failed", 3)));
        engine.addRun(2, Map.of("orphans", figures("failed", 1)));
        vm.activate();

        assertThat(vm.checks()).extracting(CheckRow::toString).containsExactly("orphans · 1 finding", "points-ledger · 3 findings",
                "outbox-backlog · not run yet");
        assertThat(vm.selectedProperty().get().name()).isEqualTo("orphans");
        assertThat(engine.findingsAsked).containsExactly("2/orphans");
        assertThat(vm.findings()).containsExactly("orphans problem (ids 42)");
        assertThat(vm.findingDetailsProperty().get()).as("no finding chosen yet").isEmpty();
        vm.selectedFindingProperty().set(0);
        assertThat(vm.findingDetailsProperty().get()).as("for the JSON viewer").isEqualTo("{\n  \"profileId\" : 42\n}");
        assertThat(vm.findingsHeaderProperty().get()).startsWith("1 finding in run #2, ");
        assertThat(vm.repairTitleProperty().get()).isEqualTo("Repair: missing-profile");

        vm.select(vm.checks().get(2));
        assertThat(vm.repairTitleProperty().get()).isEqualTo("No repair for outbox-backlog");
        assertThat(vm.runs()).extracting(r -> r.id()).containsExactly("#2", "#1");
    }

    @Test
    void aRunLinkSelectsThatRunInTheHistoryOrSaysItIsNotThere() {
        engine.addRun(1, Map.of("orphans", figures("passed", 0)));
        engine.addRun(2, Map.of("orphans", figures("failed", 1)));
        vm.activate();

        vm.open(DeepLink.run(1));
        assertThat(vm.shownRunProperty().get().id()).isEqualTo("#1");
        assertThat(vm.shownRunProperty().get().link()).isEqualTo("integrity://run/1");
        assertThat(vm.runNoticeProperty().get()).isEmpty();

        vm.open(DeepLink.run(77));
        assertThat(vm.shownRunProperty().get()).isNull();
        assertThat(vm.runNoticeProperty().get()).isEqualTo("Check run #77 was not found: it is not among the last "
                + RepairsViewModel.HISTORY_RUNS + " runs shown here. Check the link; 'checks history --limit N' lists older runs.");
        vm.dismissRunNotice();
        assertThat(vm.runNoticeProperty().get()).isEmpty();
    }

    @Test
    void previewListsTheChangesThenApplyNeedsAReasonThenRunsTheCheckAgain() {
        engine.addRun(1, Map.of("points-ledger", figures("failed", 1)));
        vm.activate();
        vm.select(vm.checks().get(1));

        vm.preview();
        assertThat(vm.stepProperty().get()).isEqualTo(RepairStep.PREVIEWED);
        assertThat(vm.plannedChanges()).containsExactly("user 42: points 13 → 10");
        assertThat(vm.planSummaryProperty().get()).isEqualTo("Would apply 1 change (points). Nothing has been written.");
        assertThat(engine.applied).isEmpty();

        vm.requestApply();
        assertThat(vm.stepProperty().get()).isEqualTo(RepairStep.CONFIRMING);
        vm.confirmApply();
        assertThat(vm.reasonErrorProperty().get()).isEqualTo("Say why you apply this repair; the audit trail keeps it.");
        assertThat(engine.applied).isEmpty();

        vm.reasonProperty().set("  ledger is right  ");
        vm.confirmApply();
        assertThat(engine.applied).containsExactly("points: ledger is right");
        assertThat(engine.ran).containsExactly(List.of("points-ledger"));
        assertThat(vm.stepProperty().get()).isEqualTo(RepairStep.APPLIED);
        assertThat(vm.repairResultProperty().get()).isEqualTo("Applied 1 change (points). Checked again in run #2: points-ledger now passes.");
        assertThat(vm.selectedProperty().get().status()).as("the history is read again").isEqualTo(CheckRow.PASSED);
    }

    @Test
    void cancellingTheConfirmationWritesNothing() {
        engine.addRun(1, Map.of("points-ledger", figures("failed", 1)));
        vm.activate();
        vm.select(vm.checks().get(1));
        vm.preview();
        vm.requestApply();

        vm.cancelApply();

        assertThat(vm.stepProperty().get()).isEqualTo(RepairStep.PREVIEWED);
        assertThat(engine.applied).isEmpty();
    }

    @Test
    void aPreviewWithNothingToDoOffersNoApply() {
        engine.addRun(1, Map.of("points-ledger", figures("failed", 1)));
        engine.planSize = 0;
        vm.activate();
        vm.select(vm.checks().get(1));

        vm.preview();
        vm.requestApply();

        assertThat(vm.planSummaryProperty().get()).isEqualTo("Nothing to repair: points finds nothing wrong now.");
        assertThat(vm.planHasChangesProperty().get()).isFalse();
        assertThat(vm.stepProperty().get()).isEqualTo(RepairStep.PREVIEWED);
    }

    @Test
    void aFailedRepairIsASentenceAndTheRepairCanBeTriedAgain() {
        engine.addRun(1, Map.of("points-ledger", figures("failed", 1)));
        engine.applyFailure = new EngineException("Cannot apply the points repair: PostgreSQL at db:5432 does not answer.");
        vm.activate();
        vm.select(vm.checks().get(1));
        vm.preview();
        vm.requestApply();
        vm.reasonProperty().set("why");

        vm.confirmApply();

        assertThat(vm.repairErrorProperty().get()).isEqualTo("Cannot apply the points repair: PostgreSQL at db:5432 does not answer.");
        assertThat(vm.stepProperty().get()).isEqualTo(RepairStep.PREVIEWED);
    }

    @Test
    void runningTheChecksReportsProgressThenTheRunAndGoesToWhatIsWrong() {
        vm.activate();
        List<Double> seen = new ArrayList<>();
        vm.runProgressProperty().addListener((obs, old, now) -> seen.add(now.doubleValue()));
        engine.nextRunFinds = Map.of("points-ledger", 2L);

        vm.runChecks();

        assertThat(seen).containsSubsequence(0.5, 1.0);
        assertThat(vm.runStatusProperty().get()).startsWith("Run #1 failed: 2 findings in 3 checks, ");
        assertThat(vm.selectedProperty().get().name()).isEqualTo("points-ledger");
        assertThat(vm.runningChecksProperty().get()).isFalse();
    }

    /** Regression (issue 15 §2): after a repair checked again in run #3 the header still said "Run #2 passed". */
    @Test
    void theRunHeaderFollowsTheLatestRunAfterARepairAndAScheduledRun() {
        vm.activate();
        engine.nextRunFinds = Map.of("points-ledger", 1L);
        vm.runChecks();
        assertThat(vm.runStatusProperty().get()).startsWith("Run #1 failed: 1 finding in 3 checks, ");
        engine.nextRunFinds = Map.of();
        vm.preview();
        vm.requestApply();
        vm.reasonProperty().set("ledger is right");

        vm.confirmApply();

        assertThat(vm.repairResultProperty().get()).contains("Checked again in run #2");
        assertThat(vm.runStatusProperty().get()).startsWith("Run #2 passed: 0 findings in 1 check, ");
        assertThat(vm.findingsHeaderProperty().get()).startsWith("Passed in run #2, ");

        // A run made elsewhere (the schedule, another console) replaces it on the next refresh.
        engine.addRun(3, Map.of("orphans", figures("failed", 2)));
        vm.refresh();
        assertThat(vm.runStatusProperty().get()).startsWith("Run #3 failed: 2 findings in 1 check, ");
    }

    @Test
    void withoutTheRepairPermissionNothingIsPreviewed() {
        vm = new RepairsViewModel(engine, runner, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(5), false);
        engine.addRun(1, Map.of("points-ledger", figures("failed", 1)));
        vm.activate();
        vm.select(vm.checks().get(1));

        vm.preview();

        assertThat(vm.stepProperty().get()).isEqualTo(RepairStep.IDLE);
        assertThat(vm.repairHint()).isNotEmpty();
    }

    @Test
    void aHistoryThatCannotBeReadIsASentence() {
        engine.historyFailure = new EngineException("Cannot read the integrity check history (connection refused).");
        vm.activate();

        assertThat(vm.errorProperty().get()).startsWith("The check results could not be read at ");
        assertThat(vm.errorDetailProperty().get()).isEqualTo("Cannot read the integrity check history (connection refused).");
    }

    private static RunSummary.CheckFigures figures(String status, long findings) {
        return new RunSummary.CheckFigures("warning", status, findings, 5);
    }

    /** Three checks, stored runs set by the test, repairs that record what they were asked. */
    private static final class FakeEngine implements RepairsSource {
        final List<RunSummary> runs = new ArrayList<>();
        final List<String> findingsAsked = new ArrayList<>();
        final List<String> applied = new ArrayList<>();
        final List<List<String>> ran = new ArrayList<>();
        int planSize = 1;
        RuntimeException applyFailure;
        RuntimeException historyFailure;
        Map<String, Long> nextRunFinds = Map.of();

        void addRun(long id, Map<String, RunSummary.CheckFigures> checks) {
            runs.add(0, new RunSummary(id, NOW.minusSeconds(600 - id), Optional.of(NOW.minusSeconds(599 - id)), "manual", "failed",
                    Optional.of("oli"), Optional.of("i1"), new LinkedHashMap<>(checks)));
        }

        @Override
        public List<CheckInfo> checks() {
            return List.of(new CheckInfo("orphans", "critical", "Every user has a profile."),
                    new CheckInfo("points-ledger", "critical", "Points equal the ledger."),
                    new CheckInfo("outbox-backlog", "warning", "Outbox events are published."));
        }

        @Override
        public Optional<RepairInfo> repairFor(String check) {
            return switch (check) {
                case "orphans" -> Optional.of(new RepairInfo("missing-profile", "Creates missing profiles."));
                case "points-ledger" -> Optional.of(new RepairInfo("points", "Sets points to the ledger's sum."));
                default -> Optional.empty();
            };
        }

        @Override
        public List<RunSummary> history(int limit) {
            if (historyFailure != null) {
                throw historyFailure;
            }
            return List.copyOf(runs);
        }

        @Override
        public List<Finding> findings(long runId, String check, int limit) {
            findingsAsked.add(runId + "/" + check);
            return List.of(new Finding(check, Severity.CRITICAL, List.of(42L), check + " problem", JsonNodeFactory.instance.objectNode().put("profileId", 42)));
        }

        @Override
        public CheckRun run(List<String> only, ProgressListener progress) {
            ran.add(only);
            List<String> names = only.isEmpty() ? checks().stream().map(CheckInfo::name).toList() : only;
            progress.progress("Checking…", 0, 2);
            progress.progress("Checking more…", 1, 2);
            progress.progress("Checks done.", 2, 2);
            long id = runs.size() + 1;
            List<CheckResult> results = new ArrayList<>();
            Map<String, RunSummary.CheckFigures> figures = new LinkedHashMap<>();
            for (String n : names) {
                long found = nextRunFinds.getOrDefault(n, 0L);
                results.add(new CheckResult(n, Severity.WARNING, found == 0 ? CheckResult.Status.PASSED : CheckResult.Status.FAILED, found,
                        List.of(), Duration.ofMillis(3), Optional.empty()));
                figures.put(n, figures(found == 0 ? "passed" : "failed", found));
            }
            addRun(id, figures);
            CheckRun.Status status = results.stream().anyMatch(r -> r.status() == CheckResult.Status.FAILED)
                    ? CheckRun.Status.FAILED : CheckRun.Status.PASSED;
            return new CheckRun(id, CheckTrigger.MANUAL, Optional.of("oli"), "i1", NOW, NOW.plusMillis(20), status, results);
        }

        @Override
        public RepairPlan preview(String kind) {
            return plan(kind, false);
        }

        @Override
        public RepairPlan apply(String kind, String reason) {
            if (applyFailure != null) {
                throw applyFailure;
            }
            applied.add(kind + ": " + reason);
            return plan(kind, true);
        }

        private RepairPlan plan(String kind, boolean applied) {
            List<PlannedChange> changes = planSize == 0 ? List.of()
                    : List.of(new PlannedChange("profile", "42", null, null, "user 42: points 13 → 10"));
            return new RepairPlan(kind, changes, changes.size(), applied);
        }
    }
}
