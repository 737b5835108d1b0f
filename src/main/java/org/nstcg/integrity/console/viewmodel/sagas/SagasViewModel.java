package org.nstcg.integrity.console.viewmodel.sagas;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import java.util.function.BooleanSupplier;
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.console.viewmodel.bulk.BulkActionViewModel;
import org.nstcg.integrity.console.viewmodel.KeysetPager;
import org.nstcg.integrity.console.viewmodel.ReadStatus;
import org.nstcg.integrity.console.viewmodel.TimeRange;
import org.nstcg.integrity.console.viewmodel.DisplayFormats;
import org.nstcg.integrity.console.viewmodel.LiveRefresh;
import org.nstcg.integrity.console.viewmodel.UserMessages;
import org.nstcg.integrity.console.viewmodel.shell.PageViewModel;
import org.nstcg.integrity.engine.saga.SagaEvent;
import org.nstcg.integrity.engine.saga.SagaPage;
import org.nstcg.integrity.engine.support.BulkPreview;
import org.nstcg.integrity.engine.support.BulkResult;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.engine.saga.SagaQuery;
import org.nstcg.integrity.engine.saga.SagaRecord;
import org.nstcg.integrity.engine.saga.SagaStatus;
import org.nstcg.integrity.engine.support.DeepLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sagas screen: the saga log filtered by status, type and start time, a page at a time (keyset paging: the log
 * may hold millions); the saga chosen opens as a timeline of its steps, compensations and errors; a saga that needs
 * attention can be retried or resolved with a reason, after a confirmation, by a role allowed to act.
 *
 * <p>Design notes: the page shown (and the open saga, while unfinished) is read again every refresh period while
 * the screen is shown. A read captures the filter and page it was started for; when the user changed either
 * meanwhile, its result is dropped and a fresh read started, so a slow answer never shows under the wrong filter.
 */
public final class SagasViewModel implements PageViewModel {

    private static final Logger log = LoggerFactory.getLogger(SagasViewModel.class);
    /** Sagas per page. */
    public static final int PAGE_SIZE = 50;
    /** The type filter's "no filter" entry. */
    public static final String ALL_TYPES = "All types";

    private final SagaSource source;
    private final FxTaskRunner runner;
    private final Clock clock;
    private final ReadStatus readStatus;
    private final KeysetPager<SagaPage.Cursor> pager = new KeysetPager<>(PAGE_SIZE, "saga", "sagas");
    private final boolean mayAct;
    private final LiveRefresh<Snapshot> live;

    // filters
    private final ObjectProperty<StatusFilter> status = new SimpleObjectProperty<>(StatusFilter.ALL);
    private final ObservableList<String> typeChoices = FXCollections.observableArrayList(ALL_TYPES);
    private final StringProperty type = new SimpleStringProperty(ALL_TYPES);
    private final ObjectProperty<TimeRange> timeRange = new SimpleObjectProperty<>(TimeRange.ANY_TIME);
    private final ObjectProperty<LocalDate> fromDate = new SimpleObjectProperty<>();
    private final ObjectProperty<LocalDate> toDate = new SimpleObjectProperty<>();
    private final StringProperty filterProblem = new SimpleStringProperty("");

    // the page
    private final ObservableList<SagaRow> rows = FXCollections.observableArrayList();
    private final StringProperty emptyText = new SimpleStringProperty("Loading sagas…");
    private final StringProperty refreshHint;

    // the open saga
    private final ObjectProperty<String> selectedId = new SimpleObjectProperty<>();
    /**
     * The saga retried or resolved here, or opened by a link, while it is open: it stays open when the page does not list
     * it (the action moved it out of the filter, or it is older than the page shown).
     */
    private String actedOn;
    /** The saga opened by a link: when it does not exist the pane says the link's saga was not found. */
    private String linked;
    private final ObjectProperty<SagaRecord> opened = new SimpleObjectProperty<>();
    private final BooleanProperty detailLoading = new SimpleBooleanProperty();
    private final StringProperty detailTitle = new SimpleStringProperty("");
    private final StringProperty detailStatus = new SimpleStringProperty("");
    private final ObjectProperty<SagaTone> detailTone = new SimpleObjectProperty<>(SagaTone.NEUTRAL);
    private final StringProperty detailFacts = new SimpleStringProperty("");
    private final StringProperty detailError = new SimpleStringProperty("");
    private final StringProperty detailData = new SimpleStringProperty("");
    private final StringProperty detailProblem = new SimpleStringProperty("");
    private final StringProperty detailLink = new SimpleStringProperty("");
    private final ObservableList<TimelineItem> timeline = FXCollections.observableArrayList();
    private final javafx.beans.property.ObjectProperty<TimelineItem> selectedStep = new javafx.beans.property.SimpleObjectProperty<>();
    private final StringProperty stepResult = new SimpleStringProperty("");
    private final StringProperty stepResultHint = new SimpleStringProperty("");

    // bulk retry / resolve
    private final BooleanProperty bulkAvailable = new SimpleBooleanProperty();

    // retry / resolve
    private final StringProperty reason = new SimpleStringProperty("");
    private final ObjectProperty<PendingAction> pending = new SimpleObjectProperty<>(PendingAction.NONE);
    private final StringProperty confirmText = new SimpleStringProperty("");
    private final StringProperty confirmButtonText = new SimpleStringProperty("");
    private final BooleanProperty acting = new SimpleBooleanProperty();
    private final StringProperty actionResult = new SimpleStringProperty("");
    private final StringProperty actionError = new SimpleStringProperty("");
    private final BooleanBinding actionsShown;
    private final BooleanBinding reasonMissing;

    /** A confirmation the user has been asked for. */
    public enum PendingAction { NONE, RETRY, RESOLVE }

    /** What a bulk action does to every matching saga that needs attention. */
    public enum BulkAction { RETRY, RESOLVE }

    /** What a read asked for: the filter and the start of the page. */
    private record Request(SagaQuery query, Optional<SagaPage.Cursor> start, Optional<UUID> open) {
    }

    /** What a read found; {@code attention} whether the filter matches any saga needing attention (read only for a role that may act). */
    private record Snapshot(Request request, SagaPage page, Optional<SagaRecord> open, boolean attention) {
    }

    /**
     * @param mayAct whether the signed-in role may retry and resolve (the engine checks again on each action)
     */
    public SagasViewModel(SagaSource source, FxTaskRunner runner, Clock clock, Duration refreshPeriod, boolean mayAct) {
        this.source = source;
        this.runner = runner;
        this.clock = clock;
        selectedStep.addListener((o, was, is) -> showStepResult());
        this.readStatus = new ReadStatus(clock, "The saga log", "the sagas");
        this.mayAct = mayAct;
        this.refreshHint = new SimpleStringProperty("The list refreshes every " + DisplayFormats.period(refreshPeriod)
                + "; press F5 to refresh now.");
        this.live = new LiveRefresh<>(runner, refreshPeriod, progress -> read(currentRequest()), this::show, this::showFailure);
        this.actionsShown = Bindings.createBooleanBinding(() -> mayAct && opened.get() != null
                && opened.get().status() == SagaStatus.FAILED_NEEDS_ATTENTION, opened);
        this.reasonMissing = Bindings.createBooleanBinding(() -> reason.get() == null || reason.get().isBlank(), reason);
        status.addListener((obs, old, now) -> filterChanged());
        type.addListener((obs, old, now) -> filterChanged());
        timeRange.addListener((obs, old, now) -> filterChanged());
        fromDate.addListener((obs, old, now) -> filterChanged());
        toDate.addListener((obs, old, now) -> filterChanged());
        selectedId.addListener((obs, old, now) -> {
            if (now == null || !now.equals(actedOn)) {
                actedOn = null;
            }
            if (now == null || !now.equals(linked)) {
                linked = null;
            }
            open(now);
        });
        reason.addListener((obs, old, now) -> actionError.set(""));
    }

    @Override
    public void activate() {
        loadTypes();
        live.activate();
    }

    @Override
    public void deactivate() {
        live.deactivate();
    }

    /** Reads the page (and the open saga) again now. */
    @Override
    public void refresh() {
        live.refresh();
    }

    private void loadTypes() {
        runner.run(progress -> source.types(), this::addTypes, failure -> {
            // The filter still offers the types seen in the log; the list itself reports read failures.
            log.warn("Could not read the saga types: {}", failure.getMessage());
        });
    }

    private void addTypes(List<String> types) {
        TreeSet<String> all = new TreeSet<>(typeChoices.subList(1, typeChoices.size()));
        if (all.addAll(types)) {
            List<String> choices = new ArrayList<>(List.of(ALL_TYPES));
            choices.addAll(all);
            String chosen = type.get();
            typeChoices.setAll(choices);
            type.set(chosen);
        }
    }

    // ---- reading -------------------------------------------------------------------------------------------

    private Request currentRequest() {
        TimeRange.Bounds bounds = timeRange.get().bounds(clock, fromDate.get(), toDate.get());
        SagaQuery query = new SagaQuery(status.get().status(), Optional.ofNullable(type.get()).filter(t -> !ALL_TYPES.equals(t)),
                bounds.from(), bounds.to());
        return new Request(query, pager.start(), Optional.ofNullable(opened.get())
                .filter(r -> !r.status().finished()).map(SagaRecord::id));
    }

    private Snapshot read(Request request) {
        SagaPage page = source.page(request.query(), request.start(), PAGE_SIZE);
        Optional<SagaRecord> open = request.open().flatMap(source::show);
        return new Snapshot(request, page, open, mayAct && attentionMatches(request.query()));
    }

    private boolean attentionMatches(SagaQuery query) {
        return (query.status().isEmpty() || query.status().get() == SagaStatus.FAILED_NEEDS_ATTENTION) && source.needsAttention(query);
    }

    private void filterChanged() {
        Optional<String> problem = TimeRange.problem(timeRange.get(), fromDate.get(), toDate.get());
        filterProblem.set(problem.orElse(""));
        if (problem.isPresent()) {
            return;
        }
        pager.reset();
        live.refresh();
    }

    /** Shows the next (older) page. */
    public void nextPage() {
        if (pager.older()) {
            live.refresh();
        }
    }

    /** Shows the previous (newer) page. */
    public void previousPage() {
        if (pager.newer()) {
            live.refresh();
        }
    }

    /** Back to the first (newest) page. */
    public void firstPage() {
        if (pager.newest()) {
            live.refresh();
        }
    }

    private void show(Snapshot s) {
        Request now = currentRequest();
        if (!now.query().equals(s.request().query()) || !now.start().equals(s.request().start())) {
            // The user changed the filter or page while this was read: read what is asked for now.
            live.refresh();
            return;
        }
        SagaPage page = s.page();
        List<SagaRow> newRows = page.sagas().stream().map(r -> SagaTexts.row(r, clock.instant(), clock.getZone())).toList();
        if (!newRows.equals(rows)) {
            rows.setAll(newRows);
        }
        addTypes(page.sagas().stream().map(SagaRecord::type).distinct().toList());
        pager.shown(rows.size(), page.next());
        bulkAvailable.set(s.attention());
        boolean filtered = !s.request().query().equals(SagaQuery.ALL);
        emptyText.set(filtered ? "No saga matches these filters. Choose another status, type or time."
                : "No sagas yet. Each registration and merge is a saga; they appear here as they run.");
        s.open().filter(r -> opened.get() != null && r.id().equals(opened.get().id())).ifPresent(this::showSaga);
        // The timeline belongs to a row of the page: a saga the page no longer lists (filtered out, paged away) closes,
        // unless it just left the filter because of the retry or resolve done here (its result stays on screen).
        String open = selectedId.get();
        if (open != null && !open.equals(actedOn) && rows.stream().noneMatch(r -> r.id().equals(open))) {
            selectedId.set(null);
            opened.set(null);
            detailLoading.set(false);
            detailProblem.set("");
        }
        readStatus.succeeded();
    }

    private void showFailure(Throwable failure) {
        readStatus.failed(failure, "reading the saga log", log);
        if (!readStatus.everRead()) {
            emptyText.set("The sagas will appear here once the saga log can be read.");
        }
    }

    // ---- the open saga -------------------------------------------------------------------------------------

    /** Opens the saga a link names, whether or not the page shown lists it. */
    @Override
    public void open(DeepLink link) {
        if (!(link instanceof DeepLink.Saga saga)) {
            return;
        }
        String id = saga.id().toString();
        actedOn = id;
        linked = id;
        if (id.equals(selectedId.get())) {
            open(id);
        } else {
            selectedId.set(id);
        }
    }

    /** {@code integrity://saga/<id>} of a row, for "Copy link". */
    public String link(SagaRow row) {
        return DeepLink.saga(UUID.fromString(row.id())).text();
    }

    private void open(String id) {
        pending.set(PendingAction.NONE);
        reason.set("");
        actionResult.set("");
        actionError.set("");
        if (id == null) {
            return;
        }
        UUID uuid = UUID.fromString(id);
        detailLoading.set(true);
        detailProblem.set("");
        if (opened.get() != null && !opened.get().id().equals(uuid)) {
            // Never the previous saga's timeline under the new one's selection, even for the time of the read.
            opened.set(null);
        }
        runner.run(progress -> source.show(uuid), found -> {
            if (!id.equals(selectedId.get())) {
                return;
            }
            detailLoading.set(false);
            found.ifPresentOrElse(this::showSaga, () -> {
                opened.set(null);
                detailProblem.set(id.equals(linked) ? "Saga " + id + " was not found: the saga log has no saga with this id."
                        + " Check the link, or search the list below."
                        : "Saga " + id + " is no longer in the log.");
            });
        }, failure -> {
            if (!id.equals(selectedId.get())) {
                return;
            }
            detailLoading.set(false);
            detailProblem.set(UserMessages.describe(failure, "opening saga " + id, log));
        });
    }

    private void showSaga(SagaRecord r) {
        SagaRecord before = opened.get();
        if (before != null && before.id().equals(r.id()) && before.updatedAt().equals(r.updatedAt())
                && before.status() == r.status() && before.events().size() == r.events().size()) {
            return;
        }
        opened.set(r);
        detailLink.set(DeepLink.saga(r.id()).text());
        detailTitle.set(r.type() + " · " + r.businessKey());
        detailStatus.set(StatusFilter.title(r.status()));
        detailTone.set(SagaTone.of(r.status()));
        StringBuilder facts = new StringBuilder()
                .append("Saga ").append(r.id()).append('\n')
                .append("Step ").append(r.currentStep()).append(" of ").append(r.stepCount())
                .append(" · started ").append(SagaTexts.started(r.createdAt(), clock.getZone()))
                .append(r.finishedAt().map(f -> " · finished after " + SagaTexts.span(Duration.between(r.createdAt(), f)))
                        .orElse(" · " + SagaTexts.duration(r, clock.instant())));
        r.owner().filter(o -> r.status() == SagaStatus.RUNNING || r.status() == SagaStatus.COMPENSATING).ifPresent(o -> facts.append('\n').append("Owned by instance ").append(o));
        detailFacts.set(facts.toString());
        detailError.set(r.lastError().orElse(""));
        detailData.set(SagaTexts.pretty(r.data()));
        detailProblem.set("");
        List<TimelineItem> items = SagaTexts.timeline(r, clock.getZone());
        timeline.setAll(items);
        if (selectedStep.get() != null && !items.contains(selectedStep.get())) {
            selectedStep.set(null);
        }
        showStepResult();
    }

    // ---- retry / resolve -----------------------------------------------------------------------------------

    /** Asks to confirm a retry; needs a reason. */
    public void requestRetry() {
        request(PendingAction.RETRY);
    }

    /** Asks to confirm marking the saga resolved; needs a reason. */
    public void requestResolve() {
        request(PendingAction.RESOLVE);
    }

    private void request(PendingAction action) {
        actionResult.set("");
        if (!actionsShown.get()) {
            return;
        }
        if (reasonMissing.get()) {
            actionError.set(action == PendingAction.RETRY
                    ? "Give a reason first: say what was fixed, so that the retry can succeed."
                    : "Give a reason first: say what was done by hand to finish this saga.");
            return;
        }
        actionError.set("");
        confirmText.set(action == PendingAction.RETRY
                ? "Retry this saga now? It runs again from where it failed"
                  + (failedWhileUndoing(opened.get()) ? " (its rollback)." : " (its remaining steps).")
                : "Mark this saga as resolved by hand? It will not be run again.");
        confirmButtonText.set(action == PendingAction.RETRY ? "Retry now" : "Mark resolved");
        pending.set(action);
    }

    private static boolean failedWhileUndoing(SagaRecord r) {
        for (int i = r.events().size() - 1; i >= 0; i--) {
            switch (r.events().get(i).type()) {
                case COMPENSATION_FAILED:
                    return true;
                case STEP_FAILED:
                    return false;
                default:
                    break;
            }
        }
        return true;
    }

    /** Withdraws the pending confirmation. */
    public void cancelAction() {
        pending.set(PendingAction.NONE);
    }

    /** Does the confirmed retry or resolve, as the signed-in user, with the reason given. */
    public void confirmAction() {
        PendingAction action = pending.get();
        SagaRecord r = opened.get();
        if (action == PendingAction.NONE || r == null || reasonMissing.get() || acting.get()) {
            return;
        }
        String why = reason.get().strip();
        UUID id = r.id();
        actedOn = id.toString();
        acting.set(true);
        runner.run(progress -> {
            if (action == PendingAction.RETRY) {
                return SagaTexts.retried(source.retry(id, why));
            }
            source.resolve(id, why);
            return "Saga " + id + " is marked resolved; your reason is recorded in its timeline and the audit trail.";
        }, done -> {
            acting.set(false);
            pending.set(PendingAction.NONE);
            reason.set("");
            actionResult.set(done);
            reopen(id);
        }, failure -> {
            acting.set(false);
            pending.set(PendingAction.NONE);
            actionError.set(UserMessages.describe(failure, (action == PendingAction.RETRY ? "retrying" : "resolving") + " saga " + id, log));
            reopen(id);
        });
    }

    private void reopen(UUID id) {
        runner.run(progress -> source.show(id), found -> found.filter(r -> r.id().toString().equals(selectedId.get()))
                .ifPresent(this::showSaga), failure -> detailProblem.set(UserMessages.describe(failure, "reading saga " + id, log)));
        live.refresh();
    }

    // ---- bulk retry / resolve -----------------------------------------------------------------------------

    /**
     * The dialog of "Retry all matching…" or "Resolve all matching…" over the filter shown now; the view shows it and
     * calls {@link BulkActionViewModel#load()}. When it has run, the page and the open saga are read again.
     */
    public BulkActionViewModel<UUID> bulk(BulkAction which) {
        SagaEvent.ManualAction action = which == BulkAction.RETRY ? SagaEvent.ManualAction.RETRY : SagaEvent.ManualAction.RESOLVE;
        SagaQuery filter = currentRequest().query();
        BulkActionViewModel.Texts texts = action == SagaEvent.ManualAction.RETRY
                ? new BulkActionViewModel.Texts("Retry all matching sagas", "saga", "sagas", "retried", "Retry",
                        "what was fixed, so that the retries can succeed")
                : new BulkActionViewModel.Texts("Resolve all matching sagas", "saga", "sagas", "resolved", "Resolve",
                        "what was done by hand to finish these sagas");
        return new BulkActionViewModel<>(new BulkActionViewModel.Source<>() {
            @Override
            public BulkPreview<UUID> preview() {
                return source.bulkPreview(action, filter);
            }

            @Override
            public BulkResult<UUID> run(List<UUID> keys, String reason, ProgressListener progress, BooleanSupplier cancelled) {
                return source.bulkRun(action, keys, reason, progress, cancelled);
            }
        }, runner, texts, () -> {
            SagaRecord open = opened.get();
            if (open != null) {
                actedOn = open.id().toString();
                reopen(open.id());
            } else {
                live.refresh();
            }
        });
    }

    /** Whether "Retry all matching…" and "Resolve all matching…" are offered: the role may act and the filter matches sagas that need attention. */
    public ReadOnlyBooleanProperty bulkAvailableProperty() {
        return bulkAvailable;
    }

    // ---- properties ----------------------------------------------------------------------------------------

    public ObjectProperty<StatusFilter> statusProperty() {
        return status;
    }

    public List<StatusFilter> statusChoices() {
        return List.of(StatusFilter.values());
    }

    public ObservableList<String> typeChoices() {
        return typeChoices;
    }

    public StringProperty typeProperty() {
        return type;
    }

    public List<TimeRange> timeRangeChoices() {
        return List.of(TimeRange.values());
    }

    public ObjectProperty<TimeRange> timeRangeProperty() {
        return timeRange;
    }

    public ObjectProperty<LocalDate> fromDateProperty() {
        return fromDate;
    }

    public ObjectProperty<LocalDate> toDateProperty() {
        return toDate;
    }

    /** Why the chosen dates cannot be used; empty when they can. */
    public ReadOnlyStringProperty filterProblemProperty() {
        return filterProblem;
    }

    public ObservableList<SagaRow> rows() {
        return rows;
    }

    public ReadOnlyBooleanProperty hasNextPageProperty() {
        return pager.hasNextProperty();
    }

    public ReadOnlyBooleanProperty hasPreviousPageProperty() {
        return pager.hasPreviousProperty();
    }

    /** "Page 2 · sagas 51–100". */
    public ReadOnlyStringProperty pageTextProperty() {
        return pager.textProperty();
    }

    /** What the empty table says. */
    public ReadOnlyStringProperty emptyTextProperty() {
        return emptyText;
    }

    public ReadOnlyStringProperty updatedAtProperty() {
        return readStatus.updatedAtProperty();
    }

    public ReadOnlyStringProperty refreshHintProperty() {
        return refreshHint;
    }

    public ReadOnlyStringProperty errorProperty() {
        return readStatus.errorProperty();
    }

    public ReadOnlyStringProperty errorDetailProperty() {
        return readStatus.errorDetailProperty();
    }

    public ReadOnlyBooleanProperty loadingProperty() {
        return live.readingProperty();
    }

    /** The id of the saga chosen in the table (the view sets it); opens its timeline. */
    public ObjectProperty<String> selectedIdProperty() {
        return selectedId;
    }

    /** Whether a saga is open. */
    public BooleanBinding detailShownProperty() {
        return opened.isNotNull();
    }

    public ReadOnlyBooleanProperty detailLoadingProperty() {
        return detailLoading;
    }

    public ReadOnlyStringProperty detailTitleProperty() {
        return detailTitle;
    }

    public ReadOnlyStringProperty detailStatusProperty() {
        return detailStatus;
    }

    public ReadOnlyObjectProperty<SagaTone> detailToneProperty() {
        return detailTone;
    }

    /** Id, step, start, duration, owner: one fact a line. */
    public ReadOnlyStringProperty detailFactsProperty() {
        return detailFacts;
    }

    /** The saga's last error; empty when none. */
    public ReadOnlyStringProperty detailErrorProperty() {
        return detailError;
    }

    /** The saga's data as indented JSON. */
    public ReadOnlyStringProperty detailDataProperty() {
        return detailData;
    }

    /** The open saga's {@code integrity://saga/<id>}, for "Copy link". */
    public ReadOnlyStringProperty detailLinkProperty() {
        return detailLink;
    }

    /** Why the chosen saga cannot be shown; empty when it can. */
    public ReadOnlyStringProperty detailProblemProperty() {
        return detailProblem;
    }

    public ObservableList<TimelineItem> timeline() {
        return timeline;
    }

    /** The timeline entry chosen (the view sets it); its step result shows in {@link #stepResultProperty()}. */
    public javafx.beans.property.ObjectProperty<TimelineItem> selectedStepProperty() {
        return selectedStep;
    }

    /** The chosen entry's step result, pretty JSON for the JSON viewer; empty when it has none or none is chosen. */
    public ReadOnlyStringProperty stepResultProperty() {
        return stepResult;
    }

    /** What the step-result pane says instead of a result: how to get one, or that the entry has none. */
    public ReadOnlyStringProperty stepResultHintProperty() {
        return stepResultHint;
    }

    private void showStepResult() {
        TimelineItem step = selectedStep.get();
        stepResult.set(step == null ? "" : step.result());
        boolean anyResult = timeline.stream().anyMatch(t -> !t.result().isEmpty());
        stepResultHint.set(step != null && !step.result().isEmpty() ? ""
                : !anyResult ? "No step of this saga recorded a result."
                : step == null ? "Choose a completed step in the timeline to see its result."
                : "\"" + step.title() + "\" recorded no result; choose a completed step to see its result.");
    }

    /** Whether Retry and Resolve are offered: the saga needs attention and the role may act. */
    public BooleanBinding actionsShownProperty() {
        return actionsShown;
    }

    /** Whether the role may retry and resolve at all. */
    public boolean mayAct() {
        return mayAct;
    }

    public StringProperty reasonProperty() {
        return reason;
    }

    /** True while no reason is given: Retry and Resolve stay disabled. */
    public BooleanBinding reasonMissingProperty() {
        return reasonMissing;
    }

    public ReadOnlyObjectProperty<PendingAction> pendingActionProperty() {
        return pending;
    }

    /** The question of the pending confirmation. */
    public ReadOnlyStringProperty confirmTextProperty() {
        return confirmText;
    }

    /** "Retry now" or "Mark resolved". */
    public ReadOnlyStringProperty confirmButtonTextProperty() {
        return confirmButtonText;
    }

    public ReadOnlyBooleanProperty actingProperty() {
        return acting;
    }

    /** What the last retry or resolve did, as a sentence. */
    public ReadOnlyStringProperty actionResultProperty() {
        return actionResult;
    }

    /** Why the last retry or resolve was refused or failed, or what is missing. */
    public ReadOnlyStringProperty actionErrorProperty() {
        return actionError;
    }
}
