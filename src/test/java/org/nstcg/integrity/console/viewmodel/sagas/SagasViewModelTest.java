package org.nstcg.integrity.console.viewmodel.sagas;

import org.nstcg.integrity.engine.support.DeepLink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.service.SynchronousTaskRunner;
import org.nstcg.integrity.console.viewmodel.UserMessages;
import org.nstcg.integrity.console.viewmodel.sagas.SagaSource;
import org.nstcg.integrity.console.viewmodel.sagas.SagaTone;
import org.nstcg.integrity.console.viewmodel.sagas.SagasViewModel;
import org.nstcg.integrity.console.viewmodel.sagas.SagasViewModel.PendingAction;
import org.nstcg.integrity.console.viewmodel.sagas.StatusFilter;
import org.nstcg.integrity.console.viewmodel.TimeRange;
import org.nstcg.integrity.console.viewmodel.sagas.TimelineItem;
import org.nstcg.integrity.engine.saga.SagaEvent;
import org.nstcg.integrity.engine.saga.SagaOutcome;
import org.nstcg.integrity.engine.saga.SagaPage;
import org.nstcg.integrity.engine.saga.SagaQuery;
import org.nstcg.integrity.engine.saga.SagaRecord;
import org.nstcg.integrity.engine.saga.SagaStatus;
import org.nstcg.integrity.engine.support.EngineException;

/** The sagas screen's state over a fake saga source, without a stage. */
class SagasViewModelTest {

    private static final Instant NOW = Instant.parse("2026-05-02T12:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final SynchronousTaskRunner runner = new SynchronousTaskRunner();
    private final FakeSource source = new FakeSource();

    /** A saga log in memory: the queries asked for, what retry and resolve were given. */
    private static final class FakeSource implements SagaSource {
        final List<SagaRecord> log = new ArrayList<>();
        final List<SagaQuery> queries = new ArrayList<>();
        final List<Optional<SagaPage.Cursor>> starts = new ArrayList<>();
        final List<String> actions = new ArrayList<>();
        RuntimeException failure;

        @Override
        public SagaPage page(SagaQuery query, Optional<SagaPage.Cursor> after, int size) {
            if (failure != null) {
                throw failure;
            }
            queries.add(query);
            starts.add(after);
            List<SagaRecord> matching = log.stream().filter(r -> query.status().map(s -> s == r.status()).orElse(true))
                    .filter(r -> after.map(c -> r.createdAt().isBefore(c.createdAt())).orElse(true)).toList();
            List<SagaRecord> page = matching.stream().limit(size).toList();
            SagaRecord last = page.isEmpty() ? null : page.get(page.size() - 1);
            return new SagaPage(page, matching.size() > size ? Optional.of(new SagaPage.Cursor(last.createdAt(), last.id())) : Optional.empty());
        }

        @Override
        public Optional<SagaRecord> show(UUID id) {
            return log.stream().filter(r -> r.id().equals(id)).findFirst();
        }

        @Override
        public List<String> types() {
            return List.of("merge", "registration");
        }

        @Override
        public SagaOutcome retry(UUID id, String reason) {
            actions.add("retry " + id + ": " + reason);
            replace(id, SagaStatus.COMPENSATED);
            return new SagaOutcome.Compensated(id, "Fail", Optional.empty(), "x", true);
        }

        @Override
        public void resolve(UUID id, String note) {
            if (failure != null) {
                throw failure;
            }
            actions.add("resolve " + id + ": " + note);
            replace(id, SagaStatus.RESOLVED);
        }

        @Override
        public boolean needsAttention(SagaQuery filter) {
            return log.stream().anyMatch(r -> r.status() == SagaStatus.FAILED_NEEDS_ATTENTION);
        }

        @Override
        public org.nstcg.integrity.engine.support.BulkPreview<UUID> bulkPreview(SagaEvent.ManualAction action, SagaQuery filter) {
            throw new UnsupportedOperationException("bulk actions are tested in SagasBulkUiTest");
        }

        @Override
        public org.nstcg.integrity.engine.support.BulkResult<UUID> bulkRun(SagaEvent.ManualAction action, List<UUID> ids, String reason,
                org.nstcg.integrity.engine.support.ProgressListener progress, java.util.function.BooleanSupplier cancelled) {
            throw new UnsupportedOperationException("bulk actions are tested in SagasBulkUiTest");
        }

        void replace(UUID id, SagaStatus status) {
            for (int i = 0; i < log.size(); i++) {
                SagaRecord r = log.get(i);
                if (r.id().equals(id)) {
                    log.set(i, saga(r.id(), status, r.createdAt(), "x", r.updatedAt().plusSeconds(1)));
                }
            }
        }
    }

    private static SagaRecord saga(UUID id, SagaStatus status, Instant created, String key, Instant updated) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        List<SagaEvent> events = List.of(
                new SagaEvent(0, SagaEvent.Type.STARTED, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                        Optional.empty(), created),
                new SagaEvent(1, SagaEvent.Type.STEP_COMPLETED, Optional.of("Write"), Optional.of(f.objectNode().put("wrote", 1)),
                        Optional.empty(), Optional.empty(), Optional.empty(), created.plusMillis(12)),
                new SagaEvent(2, SagaEvent.Type.STEP_FAILED, Optional.of("Fail"), Optional.empty(), Optional.of("Fail refuses"),
                        Optional.empty(), Optional.empty(), created.plusMillis(20)),
                new SagaEvent(3, SagaEvent.Type.COMPENSATION_FAILED, Optional.of("Write"), Optional.empty(),
                        Optional.of("undo broken\n  at line 3"), Optional.empty(), Optional.empty(), created.plusMillis(1500)),
                new SagaEvent(4, SagaEvent.Type.MANUAL_ACTION, Optional.empty(), Optional.of(f.objectNode().put("action", "retry")),
                        Optional.empty(), Optional.of("alice"), Optional.of("mended"), created.plusSeconds(90)));
        return new SagaRecord(id, "probe", key, status, 1, 2, Optional.of("i-1"), Optional.empty(),
                Optional.of("undo broken"), f.objectNode().put("note", key), created, updated,
                status.finished() ? Optional.of(created.plusSeconds(2)) : Optional.empty(), events);
    }

    private UUID add(SagaStatus status, int minutesAgo) {
        UUID id = UUID.randomUUID();
        Instant created = NOW.minus(Duration.ofMinutes(minutesAgo));
        source.log.add(saga(id, status, created, "key " + minutesAgo, created));
        return id;
    }

    private SagasViewModel viewModel(boolean mayAct) {
        SagasViewModel vm = new SagasViewModel(source, runner, clock, Duration.ofSeconds(5), mayAct);
        vm.activate();
        return vm;
    }

    @Test
    void showsTheNewestPageWithRowsInWordsAndPagesByKeyset() {
        for (int i = 0; i < SagasViewModel.PAGE_SIZE + 5; i++) {
            add(SagaStatus.COMPLETED, i);
        }
        SagasViewModel vm = viewModel(true);

        assertThat(vm.rows()).hasSize(SagasViewModel.PAGE_SIZE);
        assertThat(vm.rows().get(0).businessKey()).isEqualTo("key 0");
        assertThat(vm.rows().get(0).status()).isEqualTo("Completed");
        assertThat(vm.rows().get(0).tone()).isEqualTo(SagaTone.SUCCESS);
        assertThat(vm.rows().get(0).started()).isEqualTo("2026-05-02 12:00:00");
        assertThat(vm.rows().get(0).duration()).isEqualTo("2.0 s");
        assertThat(vm.pageTextProperty().get()).isEqualTo("Sagas 1–50 · page 1");
        assertThat(vm.hasNextPageProperty().get()).isTrue();
        assertThat(vm.hasPreviousPageProperty().get()).isFalse();
        assertThat(vm.updatedAtProperty().get()).isEqualTo("Updated 12:00:00");
        assertThat(vm.typeChoices()).containsExactly(SagasViewModel.ALL_TYPES, "merge", "probe", "registration");

        vm.nextPage();

        assertThat(source.starts.get(source.starts.size() - 1)).isPresent();
        assertThat(vm.rows()).hasSize(5);
        assertThat(vm.rows().get(0).businessKey()).isEqualTo("key 50");
        assertThat(vm.pageTextProperty().get()).isEqualTo("Sagas 51–55 of 55 · page 2");
        assertThat(vm.hasNextPageProperty().get()).isFalse();
        assertThat(vm.hasPreviousPageProperty().get()).isTrue();

        vm.previousPage();
        assertThat(vm.rows().get(0).businessKey()).isEqualTo("key 0");
        assertThat(source.starts.get(source.starts.size() - 1)).isEmpty();
    }

    @Test
    void aSagaLinkOpensThatSagaEvenBeyondThePageShownAndKeepsItOpenOnRefresh() {
        UUID older = null;
        for (int i = 0; i < SagasViewModel.PAGE_SIZE + 5; i++) {
            UUID id = add(SagaStatus.COMPLETED, i);
            older = i == SagasViewModel.PAGE_SIZE + 2 ? id : older;
        }
        SagasViewModel vm = viewModel(true);
        String id = older.toString();
        assertThat(vm.rows()).extracting(SagaRow::id).doesNotContain(id);

        vm.open(DeepLink.saga(older));

        assertThat(vm.selectedIdProperty().get()).isEqualTo(id);
        assertThat(vm.detailShownProperty().get()).isTrue();
        assertThat(vm.detailTitleProperty().get()).isEqualTo("probe · key " + (SagasViewModel.PAGE_SIZE + 2));
        assertThat(vm.detailLinkProperty().get()).isEqualTo("integrity://saga/" + id);
        runner.tick();
        assertThat(vm.detailShownProperty().get()).as("open although the page does not list it").isTrue();
        assertThat(vm.link(vm.rows().get(0))).isEqualTo("integrity://saga/" + vm.rows().get(0).id());
    }

    @Test
    void aLinkToASagaThatDoesNotExistSaysSoAndShowsNoOtherSaga() {
        UUID shown = add(SagaStatus.COMPLETED, 1);
        SagasViewModel vm = viewModel(true);
        vm.selectedIdProperty().set(shown.toString());
        assertThat(vm.detailShownProperty().get()).isTrue();
        UUID missing = UUID.fromString("00000000-0000-4000-8000-000000000042");

        vm.open(DeepLink.saga(missing));

        assertThat(vm.detailShownProperty().get()).as("not the previous saga's timeline").isFalse();
        assertThat(vm.detailProblemProperty().get()).isEqualTo("Saga " + missing + " was not found: the saga log has no saga with"
                + " this id. Check the link, or search the list below.");
    }

    @Test
    void filtersGoToTheEngineAndStartAgainAtTheFirstPage() {
        for (int i = 0; i < SagasViewModel.PAGE_SIZE + 1; i++) {
            add(SagaStatus.COMPLETED, i);
        }
        SagasViewModel vm = viewModel(true);
        vm.nextPage();

        vm.statusProperty().set(StatusFilter.NEEDS_ATTENTION);
        vm.typeProperty().set("merge");
        vm.timeRangeProperty().set(TimeRange.LAST_HOUR);

        SagaQuery asked = source.queries.get(source.queries.size() - 1);
        assertThat(asked.status()).contains(SagaStatus.FAILED_NEEDS_ATTENTION);
        assertThat(asked.type()).contains("merge");
        assertThat(asked.from()).contains(NOW.minus(Duration.ofHours(1)));
        assertThat(asked.to()).isEmpty();
        assertThat(source.starts.get(source.starts.size() - 1)).as("back to the first page").isEmpty();
        assertThat(vm.rows()).isEmpty();
        assertThat(vm.emptyTextProperty().get()).isEqualTo("No saga matches these filters. Choose another status, type or time.");

        vm.timeRangeProperty().set(TimeRange.BETWEEN_DATES);
        vm.fromDateProperty().set(LocalDate.of(2026, 5, 1));
        vm.toDateProperty().set(LocalDate.of(2026, 5, 1));
        asked = source.queries.get(source.queries.size() - 1);
        assertThat(asked.from()).contains(Instant.parse("2026-05-01T00:00:00Z"));
        assertThat(asked.to()).contains(Instant.parse("2026-05-02T00:00:00Z"));

        int before = source.queries.size();
        vm.fromDateProperty().set(LocalDate.of(2026, 5, 3));
        assertThat(vm.filterProblemProperty().get()).startsWith("The first date is after the second");
        assertThat(source.queries).as("an impossible range is not asked for").hasSize(before);
    }

    @Test
    void anEmptyLogSaysWhatWillAppearAndAFailureIsASentenceThatKeepsTheRows() {
        SagasViewModel vm = viewModel(true);
        assertThat(vm.emptyTextProperty().get()).startsWith("No sagas yet.");

        add(SagaStatus.COMPLETED, 1);
        vm.refresh();
        assertThat(vm.rows()).hasSize(1);

        source.failure = new EngineException("PostgreSQL could not read the saga log: connection refused");
        vm.refresh();

        assertThat(vm.rows()).as("the last rows stay").hasSize(1);
        assertThat(vm.errorProperty().get()).isEqualTo("Refresh failed at 12:00:00; the sagas shown were read at 12:00:00.");
        assertThat(vm.errorDetailProperty().get()).isEqualTo("PostgreSQL could not read the saga log: connection refused");

        source.failure = new IllegalStateException("bug");
        vm.refresh();
        assertThat(vm.errorDetailProperty().get()).isEqualTo(UserMessages.UNEXPECTED);
    }

    @Test
    void refreshesOnlyWhileShown() {
        SagasViewModel vm = viewModel(true);
        int reads = source.queries.size();
        runner.tick();
        assertThat(source.queries).hasSize(reads + 1);

        vm.deactivate();
        assertThat(runner.activeTimers()).isZero();
    }

    @Test
    void aChosenSagaOpensAsATimelineWithErrorsAndOffsets() {
        UUID id = add(SagaStatus.FAILED_NEEDS_ATTENTION, 3);
        SagasViewModel vm = viewModel(true);

        vm.selectedIdProperty().set(id.toString());

        assertThat(vm.detailShownProperty().get()).isTrue();
        assertThat(vm.detailStatusProperty().get()).isEqualTo("Needs attention");
        assertThat(vm.detailToneProperty().get()).isEqualTo(SagaTone.DANGER);
        assertThat(vm.detailTitleProperty().get()).isEqualTo("probe · key 3");
        assertThat(vm.detailFactsProperty().get()).contains("Saga " + id, "Step 1 of 2", "started 2026-05-02 11:57:00",
                "waiting 3 min 0 s").doesNotContain("Owned by");
        assertThat(vm.detailErrorProperty().get()).isEqualTo("undo broken");
        assertThat(vm.timeline()).extracting(TimelineItem::title).containsExactly("Started", "Step Write completed",
                "Step Fail failed", "Undo of Write failed", "Retried by alice");
        TimelineItem undo = vm.timeline().get(3);
        assertThat(undo.tone()).isEqualTo(SagaTone.DANGER);
        assertThat(undo.error()).as("one line").isEqualTo("undo broken at line 3");
        assertThat(undo.offset()).isEqualTo("+1.5 s");
        assertThat(undo.time()).isEqualTo("11:57:01.500");
        assertThat(vm.timeline().get(1).detail()).isEqualTo("{\"wrote\":1}");
        assertThat(vm.timeline().get(4).detail()).isEqualTo("Reason: mended");
        assertThat(vm.timeline().get(4).offset()).isEqualTo("+1 min 30 s");
        assertThat(vm.detailDataProperty().get()).contains("\"note\" : \"key 3\"");

        // Issue 15 §3: a step's whole result goes to the JSON viewer when the step is chosen.
        assertThat(vm.stepResultProperty().get()).isEmpty();
        assertThat(vm.stepResultHintProperty().get()).isEqualTo("Choose a completed step in the timeline to see its result.");
        vm.selectedStepProperty().set(vm.timeline().get(1));
        assertThat(vm.stepResultProperty().get()).isEqualTo("{\n  \"wrote\" : 1\n}");
        assertThat(vm.stepResultHintProperty().get()).isEmpty();
        vm.selectedStepProperty().set(vm.timeline().get(0));
        assertThat(vm.stepResultProperty().get()).isEmpty();
        assertThat(vm.stepResultHintProperty().get()).startsWith("\"Started\" recorded no result");
    }

    @Test
    void retryNeedsAReasonAndAConfirmationThenShowsWhatHappened() {
        UUID id = add(SagaStatus.FAILED_NEEDS_ATTENTION, 3);
        SagasViewModel vm = viewModel(true);
        vm.selectedIdProperty().set(id.toString());
        assertThat(vm.actionsShownProperty().get()).isTrue();
        assertThat(vm.reasonMissingProperty().get()).isTrue();

        vm.requestRetry();
        assertThat(vm.pendingActionProperty().get()).isEqualTo(PendingAction.NONE);
        assertThat(vm.actionErrorProperty().get()).startsWith("Give a reason first");

        vm.reasonProperty().set("  undo mended  ");
        assertThat(vm.actionErrorProperty().get()).isEmpty();
        vm.requestRetry();
        assertThat(vm.pendingActionProperty().get()).isEqualTo(PendingAction.RETRY);
        assertThat(vm.confirmTextProperty().get()).isEqualTo("Retry this saga now? It runs again from where it failed (its rollback).");
        assertThat(vm.confirmButtonTextProperty().get()).isEqualTo("Retry now");
        assertThat(source.actions).as("nothing before the confirmation").isEmpty();

        vm.confirmAction();

        assertThat(source.actions).containsExactly("retry " + id + ": undo mended");
        assertThat(vm.actionResultProperty().get()).isEqualTo("Saga " + id
                + " was retried and is now rolled back: every step it had done was undone.");
        assertThat(vm.detailStatusProperty().get()).isEqualTo("Rolled back");
        assertThat(vm.actionsShownProperty().get()).isFalse();
        assertThat(vm.reasonProperty().get()).isEmpty();
        assertThat(vm.rows().get(0).status()).isEqualTo("Rolled back");
    }

    @Test
    void cancelledResolveDoesNothingAndARefusalIsShownAsTheEnginesSentence() {
        UUID id = add(SagaStatus.FAILED_NEEDS_ATTENTION, 3);
        SagasViewModel vm = viewModel(true);
        vm.selectedIdProperty().set(id.toString());
        vm.reasonProperty().set("refunded by hand");

        vm.requestResolve();
        assertThat(vm.confirmButtonTextProperty().get()).isEqualTo("Mark resolved");
        vm.cancelAction();
        vm.confirmAction();
        assertThat(source.actions).isEmpty();

        source.failure = new EngineException("Saga " + id + " is RESOLVED; only a saga that needs attention can be resolved.");
        vm.requestResolve();
        vm.confirmAction();
        assertThat(vm.actionErrorProperty().get()).isEqualTo("Saga " + id
                + " is RESOLVED; only a saga that needs attention can be resolved.");
        assertThat(vm.actingProperty().get()).isFalse();
        assertThat(vm.pendingActionProperty().get()).isEqualTo(PendingAction.NONE);
    }

    @Test
    void aRoleThatMayNotActSeesNoActions() {
        UUID id = add(SagaStatus.FAILED_NEEDS_ATTENTION, 3);
        SagasViewModel vm = viewModel(false);
        vm.selectedIdProperty().set(id.toString());
        vm.reasonProperty().set("anything");

        assertThat(vm.actionsShownProperty().get()).isFalse();
        vm.requestRetry();
        vm.confirmAction();
        assertThat(source.actions).isEmpty();
    }

    @Test
    void theOpenSagaFollowsTheRefreshTimerAndClosesWhenItsRowLeavesThePage() {
        UUID failed = add(SagaStatus.FAILED_NEEDS_ATTENTION, 1);
        add(SagaStatus.COMPLETED, 2);
        SagasViewModel vm = viewModel(true);
        vm.selectedIdProperty().set(failed.toString());
        assertThat(vm.detailShownProperty().get()).isTrue();

        source.replace(failed, SagaStatus.RESOLVED);
        runner.tick();
        assertThat(vm.detailStatusProperty().get()).as("resolved on another console, seen on the timer")
                .isEqualTo(StatusFilter.title(SagaStatus.RESOLVED));

        vm.statusProperty().set(StatusFilter.COMPLETED);
        assertThat(vm.rows()).noneMatch(r -> r.id().equals(failed.toString()));
        assertThat(vm.detailShownProperty().get()).as("its row is gone from the list").isFalse();
        assertThat(vm.selectedIdProperty().get()).isNull();
    }

    @Test
    void aRefreshKeepsTheOpenSagaAndTheReasonBeingTyped() {
        UUID id = add(SagaStatus.FAILED_NEEDS_ATTENTION, 3);
        SagasViewModel vm = viewModel(true);
        vm.selectedIdProperty().set(id.toString());
        vm.reasonProperty().set("half a sent");

        runner.tick();

        assertThat(vm.detailShownProperty().get()).isTrue();
        assertThat(vm.reasonProperty().get()).isEqualTo("half a sent");
    }
}
