package org.nstcg.integrity.console.viewmodel.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.console.viewmodel.KeysetPager;
import org.nstcg.integrity.console.viewmodel.ReadStatus;
import org.nstcg.integrity.console.viewmodel.DisplayFormats;
import org.nstcg.integrity.console.viewmodel.LiveRefresh;
import org.nstcg.integrity.console.viewmodel.UserMessages;
import org.nstcg.integrity.console.viewmodel.TimeRange;
import org.nstcg.integrity.console.viewmodel.shell.PageViewModel;
import org.nstcg.integrity.engine.audit.AuditEntry;
import org.nstcg.integrity.engine.audit.AuditPage;
import org.nstcg.integrity.engine.audit.AuditQuery;
import org.nstcg.integrity.engine.audit.AuditVerification;
import org.nstcg.integrity.engine.support.DeepLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit screen: the trail searched by actor, action, target, text and time, a page at a time (keyset paging:
 * the trail may hold millions of entries), the chosen entry in full, and a verification of the hash chain that
 * reports it intact or names the first broken entry and why.
 *
 * <p>Design notes: text filters apply on {@link #search()} (Enter), choices at once. The page shown is read again
 * every refresh period while the screen is shown; a read whose filter or page is no longer the one asked for is
 * dropped and read again. The verification reads the whole trail, so it runs only when asked.
 */
public final class AuditViewModel implements PageViewModel {

    private static final Logger log = LoggerFactory.getLogger(AuditViewModel.class);
    /** Entries per page. */
    public static final int PAGE_SIZE = 50;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    private static final int LONGEST_DETAILS = 300;

    private final AuditSource source;
    private final FxTaskRunner runner;
    private final Clock clock;
    private final ReadStatus readStatus;
    private final KeysetPager<AuditPage.Cursor> pager = new KeysetPager<>(PAGE_SIZE, "entry", "entries");
    private final LiveRefresh<Snapshot> live;

    // filters as typed, and as applied
    private final StringProperty actor = new SimpleStringProperty("");
    private final StringProperty action = new SimpleStringProperty("");
    private final StringProperty target = new SimpleStringProperty("");
    private final StringProperty text = new SimpleStringProperty("");
    private final ObjectProperty<TimeRange> timeRange = new SimpleObjectProperty<>(TimeRange.ANY_TIME);
    private final ObjectProperty<LocalDate> fromDate = new SimpleObjectProperty<>();
    private final ObjectProperty<LocalDate> toDate = new SimpleObjectProperty<>();
    private final StringProperty filterProblem = new SimpleStringProperty("");
    private AuditQuery applied = AuditQuery.ALL;

    // the page
    private final ObservableList<AuditRow> rows = FXCollections.observableArrayList();
    private final Map<Long, AuditEntry> entries = new HashMap<>();
    private final StringProperty emptyText = new SimpleStringProperty("Loading the audit trail…");
    private final StringProperty refreshHint;

    // the chosen entry
    private final ObjectProperty<Long> selectedId = new SimpleObjectProperty<>();
    /** The entry opened as the chain's first bad entry, or by a link: shown whatever the page lists. */
    private Long pinnedId;
    private final StringProperty detailTitle = new SimpleStringProperty("");
    private final StringProperty detailText = new SimpleStringProperty("");
    private final StringProperty detailDetailsJson = new SimpleStringProperty("");
    private final StringProperty detailBefore = new SimpleStringProperty("");
    private final StringProperty detailAfter = new SimpleStringProperty("");
    private final StringProperty detailHash = new SimpleStringProperty("");
    private final StringProperty detailPrevHash = new SimpleStringProperty("");
    private final BooleanProperty detailShown = new SimpleBooleanProperty();
    private final StringProperty detailLink = new SimpleStringProperty("");

    // verification
    private final ObjectProperty<VerifyState> verifyState = new SimpleObjectProperty<>(VerifyState.NOT_RUN);
    private final StringProperty verifyText = new SimpleStringProperty("Verify the chain to check that no entry was changed,"
            + " removed or inserted behind the console's back.");
    private final ObjectProperty<Long> firstBadId = new SimpleObjectProperty<>();

    private record Request(AuditQuery query, Optional<AuditPage.Cursor> start) {
    }

    private record Snapshot(Request request, AuditPage page) {
    }

    public AuditViewModel(AuditSource source, FxTaskRunner runner, Clock clock, Duration refreshPeriod) {
        this.source = source;
        this.runner = runner;
        this.clock = clock;
        this.readStatus = new ReadStatus(clock, "The audit trail", "the entries");
        this.refreshHint = new SimpleStringProperty("The list refreshes every " + DisplayFormats.period(refreshPeriod)
                + "; press F5 to refresh now.");
        this.live = new LiveRefresh<>(runner, refreshPeriod, progress -> read(currentRequest()), this::show, this::showFailure);
        timeRange.addListener((obs, old, now) -> search());
        fromDate.addListener((obs, old, now) -> search());
        toDate.addListener((obs, old, now) -> search());
        selectedId.addListener((obs, old, id) -> {
            if (id != null && !id.equals(pinnedId)) {
                pinnedId = null;
            }
            showEntry(id == null ? null : entries.get(id));
        });
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

    // ---- searching and paging ------------------------------------------------------------------------------

    /** Applies the filters as typed and shows the newest page. */
    public void search() {
        Optional<String> problem = TimeRange.problem(timeRange.get(), fromDate.get(), toDate.get());
        filterProblem.set(problem.orElse(""));
        if (problem.isPresent()) {
            return;
        }
        TimeRange.Bounds bounds = timeRange.get().bounds(clock, fromDate.get(), toDate.get());
        applied = new AuditQuery(given(actor), given(action), given(target), given(text), bounds.from(), bounds.to());
        pager.reset();
        live.refresh();
    }

    /** Empties every filter and shows the newest page of the whole trail. */
    public void clearFilters() {
        actor.set("");
        action.set("");
        target.set("");
        text.set("");
        fromDate.set(null);
        toDate.set(null);
        if (timeRange.get() == TimeRange.ANY_TIME) {
            search();
        } else {
            timeRange.set(TimeRange.ANY_TIME);
        }
    }

    private static Optional<String> given(StringProperty field) {
        return Optional.ofNullable(field.get()).map(String::strip).filter(s -> !s.isEmpty());
    }

    public void nextPage() {
        if (pager.older()) {
            live.refresh();
        }
    }

    public void previousPage() {
        if (pager.newer()) {
            live.refresh();
        }
    }

    public void firstPage() {
        if (pager.newest()) {
            live.refresh();
        }
    }

    private Request currentRequest() {
        return new Request(applied, pager.start());
    }

    private Snapshot read(Request request) {
        return new Snapshot(request, source.page(request.query(), request.start(), PAGE_SIZE));
    }

    private void show(Snapshot s) {
        if (!s.request().equals(currentRequest())) {
            live.refresh();
            return;
        }
        AuditPage page = s.page();
        // Keep only the page's entries (and the one open), not every entry ever shown.
        entries.keySet().removeIf(id -> !id.equals(selectedId.get()));
        for (AuditEntry e : page.entries()) {
            entries.put(e.id(), e);
        }
        List<AuditRow> newRows = page.entries().stream().map(this::row).toList();
        if (!newRows.equals(rows)) {
            rows.setAll(newRows);
        }
        pager.shown(rows.size(), page.next());
        // The entry shown belongs to a row of the page, unless it was opened as the chain's first bad entry.
        Long open = selectedId.get();
        if (open != null && !open.equals(pinnedId) && newRows.stream().noneMatch(r -> r.id() == open)) {
            selectedId.set(null);
        }
        emptyText.set(s.request().query().equals(AuditQuery.ALL)
                ? "The audit trail is empty. Every retry, resolve, merge, repair, cache action and account change will appear here."
                : "No entry matches these filters. Loosen them, or clear them to see the whole trail.");
        readStatus.succeeded();
    }

    private void showFailure(Throwable failure) {
        readStatus.failed(failure, "reading the audit trail", log);
        if (!readStatus.everRead()) {
            emptyText.set("The entries will appear here once the audit trail can be read.");
        }
    }

    private AuditRow row(AuditEntry e) {
        String targetText = e.targetType().map(t -> t + e.targetId().map(id -> " " + id).orElse("")).orElse(e.targetId().orElse(""));
        return new AuditRow(e.id(), WHEN.format(e.occurredAt().atZone(clock.getZone())), e.actor(), e.action(), targetText,
                e.details().map(AuditViewModel::oneLine).orElse(""));
    }

    private static String oneLine(String text) {
        String line = text.strip().replaceAll("\\s*\\R\\s*", " ");
        return line.length() <= LONGEST_DETAILS ? line : line.substring(0, LONGEST_DETAILS - 1) + "…";
    }

    // ---- the chosen entry ----------------------------------------------------------------------------------

    private void showEntry(AuditEntry e) {
        detailShown.set(e != null);
        detailLink.set(e == null ? "" : DeepLink.audit(e.id()).text());
        clearDetailParts();
        if (e == null) {
            detailTitle.set("");
            detailText.set("");
            return;
        }
        detailTitle.set("Entry " + e.id() + " · " + e.action());
        StringBuilder b = new StringBuilder()
                .append("When: ").append(DisplayFormats.absolute(e.occurredAt(), clock.getZone())).append('\n')
                .append("Actor: ").append(e.actor()).append('\n');
        e.targetType().ifPresent(t -> b.append("Target: ").append(t).append(e.targetId().map(id -> " " + id).orElse("")).append('\n'));
        // JSON goes to the viewer (pretty, wrapping, collapsible); plain details stay a line of the text.
        e.details().filter(d -> !isJson(d)).ifPresent(d -> b.append("Details: ").append(d).append('\n'));
        detailDetailsJson.set(e.details().filter(AuditViewModel::isJson).orElse(""));
        detailBefore.set(e.before().map(j -> j.toPrettyString()).orElse(""));
        detailAfter.set(e.after().map(j -> j.toPrettyString()).orElse(""));
        detailHash.set(e.hash());
        detailPrevHash.set(e.prevHash());
        detailText.set(b.toString().strip());
    }

    private void clearDetailParts() {
        detailDetailsJson.set("");
        detailBefore.set("");
        detailAfter.set("");
        detailHash.set("");
        detailPrevHash.set("");
    }

    /** Whether audit details are a JSON object or array (older entries hold a sentence). */
    private static boolean isJson(String details) {
        String s = details.strip();
        if (!(s.startsWith("{") && s.endsWith("}")) && !(s.startsWith("[") && s.endsWith("]"))) {
            return false;
        }
        try {
            new com.fasterxml.jackson.databind.ObjectMapper().readTree(s);
            return true;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return false;
        }
    }

    /** Shows the entry where the chain breaks (after a verification found one), whatever the filters. */
    public void showFirstBadEntry() {
        Long id = firstBadId.get();
        if (id == null) {
            return;
        }
        openEntry(id, "Entry " + id + " is missing from the trail: it was removed behind the console's back.");
    }

    /** Shows the audit entry a link names, whatever the filters and page; the pane says so when there is none. */
    @Override
    public void open(DeepLink link) {
        if (link instanceof DeepLink.AuditEntry entry) {
            openEntry(entry.id(), "Audit entry " + entry.id() + " was not found: the trail has no entry with this number."
                    + " Check the link; Verify chain tells whether an entry was removed.");
        }
    }

    /** {@code integrity://audit/<id>} of a row, for "Copy link". */
    public String link(AuditRow row) {
        return DeepLink.audit(row.id()).text();
    }

    private void openEntry(long id, String missing) {
        runner.run(progress -> source.entry(id), found -> {
            if (found.isPresent()) {
                entries.put(id, found.get());
                selectedId.set(null);
                pinnedId = id;
                selectedId.set(id);
            } else {
                selectedId.set(null);
                clearDetailParts();
                detailShown.set(true);
                detailTitle.set("Entry " + id);
                detailText.set(missing);
            }
        }, failure -> {
            clearDetailParts();
            detailShown.set(true);
            detailTitle.set("Entry " + id);
            detailText.set(UserMessages.describe(failure, "reading audit entry " + id, log));
        });
    }

    // ---- verification --------------------------------------------------------------------------------------

    /** Recomputes the whole chain in the background and reports intact, or the first broken entry and why. */
    public void verify() {
        if (verifyState.get() == VerifyState.RUNNING) {
            return;
        }
        verifyState.set(VerifyState.RUNNING);
        firstBadId.set(null);
        verifyText.set("Verifying every entry's hash and link…");
        runner.run(progress -> source.verify(), this::showVerification, failure -> {
            verifyState.set(VerifyState.FAILED);
            verifyText.set("The chain could not be verified. " + UserMessages.describe(failure, "verifying the audit trail", log));
        });
    }

    private void showVerification(AuditVerification v) {
        String at = DisplayFormats.clockTime(clock.instant(), clock.getZone());
        if (v.intact()) {
            verifyState.set(VerifyState.INTACT);
            verifyText.set((v.entries() == 0 ? "Intact: the trail has no entries yet (checked " + at + ")."
                    : "Intact: all " + DisplayFormats.count(v.entries()) + " entr" + (v.entries() == 1 ? "y" : "ies")
                      + " verified at " + at + "." + v.headId().map(id -> " Newest entry " + id + ", hash "
                      + v.headHash().orElse("?") + "; keep it elsewhere to notice a cut end.").orElse(""))
                      + (v.sealing() ? " " + DisplayFormats.count(v.sealedEntries()) + " sealed with the deployment's audit key, "
                      + v.anchorsChecked() + " anchor" + (v.anchorsChecked() == 1 ? "" : "s") + " checked." : ""));
        } else if (v.firstBadId().isEmpty()) {
            // the trail may be intact, but this console cannot tell (it lacks the deployment's audit key, say)
            verifyState.set(VerifyState.FAILED);
            verifyText.set("Not verified: " + v.problem().orElse("the trail could not be checked") + ".");
        } else {
            long bad = v.firstBadId().orElseThrow();
            verifyState.set(VerifyState.BROKEN);
            firstBadId.set(bad);
            verifyText.set("Broken at entry " + bad + ": " + v.problem().orElse("it does not verify") + ". Entries before it"
                    + " are intact; restore the trail from a backup or find out who changed the database.");
        }
    }

    // ---- properties ----------------------------------------------------------------------------------------

    public StringProperty actorProperty() {
        return actor;
    }

    public StringProperty actionProperty() {
        return action;
    }

    public StringProperty targetProperty() {
        return target;
    }

    public StringProperty textProperty() {
        return text;
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

    public ReadOnlyStringProperty filterProblemProperty() {
        return filterProblem;
    }

    public ObservableList<AuditRow> rows() {
        return rows;
    }

    public ReadOnlyBooleanProperty hasNextPageProperty() {
        return pager.hasNextProperty();
    }

    public ReadOnlyBooleanProperty hasPreviousPageProperty() {
        return pager.hasPreviousProperty();
    }

    public ReadOnlyStringProperty pageTextProperty() {
        return pager.textProperty();
    }

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

    /** The id of the entry chosen in the table (the view sets it). */
    public ObjectProperty<Long> selectedIdProperty() {
        return selectedId;
    }

    public ReadOnlyBooleanProperty detailShownProperty() {
        return detailShown;
    }

    /** The shown entry's {@code integrity://audit/<id>}, for "Copy link"; empty when none is shown. */
    public ReadOnlyStringProperty detailLinkProperty() {
        return detailLink;
    }

    public ReadOnlyStringProperty detailTitleProperty() {
        return detailTitle;
    }

    /** The chosen entry in full, one field a line. */
    public ReadOnlyStringProperty detailTextProperty() {
        return detailText;
    }

    /** The entry's details when they are JSON (for the JSON viewer); empty when they are a sentence or absent. */
    public ReadOnlyStringProperty detailDetailsJsonProperty() {
        return detailDetailsJson;
    }

    /** The target's state before the action, pretty JSON; empty when none was recorded. */
    public ReadOnlyStringProperty detailBeforeProperty() {
        return detailBefore;
    }

    /** The target's state after the action, pretty JSON; empty when none was recorded. */
    public ReadOnlyStringProperty detailAfterProperty() {
        return detailAfter;
    }

    /** The entry's hash in the chain. */
    public ReadOnlyStringProperty detailHashProperty() {
        return detailHash;
    }

    /** The previous entry's hash, which this entry's hash covers. */
    public ReadOnlyStringProperty detailPrevHashProperty() {
        return detailPrevHash;
    }

    public ReadOnlyObjectProperty<VerifyState> verifyStateProperty() {
        return verifyState;
    }

    /** What the last verification found, as sentences. */
    public ReadOnlyStringProperty verifyTextProperty() {
        return verifyText;
    }

    /** The first broken entry the last verification found; null when none. */
    public ReadOnlyObjectProperty<Long> firstBadIdProperty() {
        return firstBadId;
    }
}
