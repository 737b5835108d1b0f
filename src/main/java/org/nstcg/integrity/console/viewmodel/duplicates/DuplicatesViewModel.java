package org.nstcg.integrity.console.viewmodel.duplicates;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.console.service.TaskHandle;
import org.nstcg.integrity.console.viewmodel.DisplayFormats;
import org.nstcg.integrity.console.viewmodel.UserMessages;
import org.nstcg.integrity.console.viewmodel.shell.PageViewModel;
import org.nstcg.integrity.console.viewmodel.users.MergeActions;
import org.nstcg.integrity.console.viewmodel.users.MergeWizardViewModel;
import java.util.function.BooleanSupplier;
import org.nstcg.integrity.console.viewmodel.bulk.BulkActionViewModel;
import org.nstcg.integrity.engine.dedup.DuplicateCandidate;
import org.nstcg.integrity.engine.dedup.MergePair;
import org.nstcg.integrity.engine.support.BulkPreview;
import org.nstcg.integrity.engine.support.BulkResult;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.engine.integrity.Finding;
import org.nstcg.integrity.engine.lookup.DuplicateAlerts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Duplicates screen: the duplicate alerts of the latest integrity check run, exact pairs (the same mailbox) and
 * likely pairs (similar names and mailboxes, scored with reasons), filterable by kind, score and text, read a page
 * at a time; a pair opens side by side with the merge wizard (preview first).
 *
 * <p>Design notes: while the screen is shown the pairs are read on arrival and every refresh period (a sign-up made
 * meanwhile, or a merge by another console, appears without Refresh). The pair open side by side follows each read:
 * its cards are redrawn from the row read now, and when its row is gone the pane empties, except right after a merge
 * made here (the wizard keeps its result and Undo), where the cards say who was merged into whom.
 */
public final class DuplicatesViewModel implements PageViewModel {

    /** Pairs of each kind read per page. */
    public static final int PAGE = 100;
    /** The kind filter's choices. */
    public static final String ALL_KINDS = "All kinds";

    private static final Logger log = LoggerFactory.getLogger(DuplicatesViewModel.class);
    private static final String READING = "Reading the duplicate alerts and pairs…";

    private final DuplicatesSource source;
    private final FxTaskRunner runner;
    private final Clock clock;
    private final MergeWizardViewModel wizard;

    private final ObservableList<DuplicatePair> pairs = FXCollections.observableArrayList();
    private final FilteredList<DuplicatePair> shown = new FilteredList<>(pairs);
    private final ObservableList<String> kinds = FXCollections.observableArrayList(ALL_KINDS,
            DuplicatePair.Kind.ALERT.label(), DuplicatePair.Kind.EXACT.label(), DuplicatePair.Kind.LIKELY.label());
    private final ObjectProperty<String> kind = new SimpleObjectProperty<>(ALL_KINDS);
    private final DoubleProperty minScore = new SimpleDoubleProperty(0);
    private final StringProperty filterText = new SimpleStringProperty("");
    private final ReadOnlyBooleanWrapper loading = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper moreAvailable = new ReadOnlyBooleanWrapper();
    private final StringProperty progress = new SimpleStringProperty("");
    private final StringProperty summary = new SimpleStringProperty("");
    private final StringProperty alertsSummary = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private final ReadOnlyBooleanWrapper pairShown = new ReadOnlyBooleanWrapper();
    private final StringProperty leftTitle = new SimpleStringProperty("");
    private final StringProperty leftText = new SimpleStringProperty("");
    private final StringProperty rightTitle = new SimpleStringProperty("");
    private final StringProperty rightText = new SimpleStringProperty("");
    private final StringProperty pairReasons = new SimpleStringProperty("");
    private final StringProperty mergeHint = new SimpleStringProperty("");
    private final ReadOnlyBooleanWrapper wizardShown = new ReadOnlyBooleanWrapper();
    private final StringProperty emptyText = new SimpleStringProperty(READING);
    private final ObservableList<DuplicatePair> selection = FXCollections.observableArrayList();
    private final javafx.beans.binding.BooleanBinding mergeSelectedAvailable;
    private final Duration refreshPeriod;
    private TaskHandle task = TaskHandle.DONE;
    private TaskHandle timer;
    private boolean loaded;
    /** The pair open side by side; null when none. */
    private DuplicatePair open;
    private int exactOffset;
    private int likelyOffset;

    /**
     * @param refreshPeriod how often the pairs are read again while the screen is shown
     */
    public DuplicatesViewModel(DuplicatesSource source, MergeActions merges, FxTaskRunner runner, Clock clock, Duration refreshPeriod) {
        this.source = source;
        this.runner = runner;
        this.clock = clock;
        this.refreshPeriod = refreshPeriod;
        this.wizard = new MergeWizardViewModel(merges, runner);
        // After a merge or its undo the pairs are read again; the wizard stays open with its result and Undo.
        wizard.setOnChange(this::read);
        kind.addListener((obs, old, now) -> applyFilter());
        minScore.addListener((obs, old, now) -> applyFilter());
        filterText.addListener((obs, old, now) -> applyFilter());
        this.mergeSelectedAvailable = javafx.beans.binding.Bindings.createBooleanBinding(
                () -> wizard.allowed() && selection.stream().anyMatch(DuplicatesViewModel::twoUsers), selection);
    }

    /** The screen is shown: reads the pairs now and then every refresh period, until {@link #deactivate()}. */
    @Override
    public void activate() {
        if (timer != null) {
            return;
        }
        read();
        timer = runner.every(refreshPeriod, () -> {
            if (!loading.get()) {
                read();
            }
        });
    }

    @Override
    public void deactivate() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    /** Reads the alerts and the first page of each kind again. */
    @Override
    public void refresh() {
        read();
    }

    private void read() {
        task.cancel();
        loading.set(true);
        error.set("");
        if (!loaded) {
            summary.set(READING);
            emptyText.set(READING);
        }
        task = runner.run(p -> {
            p.step("Reading the duplicate alerts of the latest integrity check…");
            DuplicateAlerts.Report alerts = source.alerts();
            p.step("Looking for users sharing a mailbox…");
            List<DuplicateCandidate> exact = source.exact(0, PAGE);
            p.step("Scoring likely duplicates among active users…");
            List<DuplicateCandidate> likely = source.likely(0, PAGE);
            return new Page(alerts, exact, likely);
        }, progress::set, page -> {
            loaded = true;
            loading.set(false);
            progress.set("");
            List<DuplicatePair> rows = new ArrayList<>();
            page.alerts().findings().forEach(f -> rows.add(alert(f)));
            page.exact().forEach(c -> rows.add(pair(c)));
            page.likely().forEach(c -> rows.add(pair(c)));
            exactOffset = page.exact().size();
            likelyOffset = page.likely().size();
            moreAvailable.set(page.exact().size() >= PAGE || page.likely().size() >= PAGE);
            alertsSummary.set(page.alerts().runId().map(id -> page.alerts().findings().isEmpty()
                    ? "No duplicate alerts in the latest integrity check (run " + id + ", " + when(page.alerts()) + ")."
                    : DisplayFormats.count(page.alerts().findings().size(), "duplicate alert", "duplicate alerts")
                      + " from integrity check run " + id + " (" + when(page.alerts()) + ").")
                    .orElse("No integrity check has looked for duplicates yet; an operator runs them on the Repairs screen."));
            if (!rows.equals(pairs)) {
                pairs.setAll(rows);
            }
            followOpenPair();
            updateSummary();
        }, failure -> {
            loading.set(false);
            progress.set("");
            error.set((loaded ? "Duplicates could not be read again; the pairs below may be out of date. " : "Duplicates could not be read. ")
                    + UserMessages.describe(failure, "reading duplicates", log));
            if (!loaded) {
                summary.set("");
                emptyText.set("The duplicates appear here once they can be read; see the message above.");
            }
        });
    }

    /** Reads the next page of exact and likely pairs. */
    public void loadMore() {
        if (!moreAvailable.get() || loading.get()) {
            return;
        }
        int e = exactOffset;
        int l = likelyOffset;
        loading.set(true);
        task = runner.run(p -> {
            p.step("Reading more duplicates…");
            return new Page(null, source.exact(e, PAGE), source.likely(l, PAGE));
        }, progress::set, page -> {
            loading.set(false);
            progress.set("");
            page.exact().forEach(c -> pairs.add(pair(c)));
            page.likely().forEach(c -> pairs.add(pair(c)));
            exactOffset += page.exact().size();
            likelyOffset += page.likely().size();
            moreAvailable.set(page.exact().size() >= PAGE || page.likely().size() >= PAGE);
            updateSummary();
        }, failure -> {
            loading.set(false);
            progress.set("");
            error.set("More duplicates could not be read. " + UserMessages.describe(failure, "reading duplicates", log));
        });
    }

    /** Stops a read under way. */
    public void cancel() {
        task.cancel();
        loading.set(false);
        progress.set("");
        summary.set("Stopped; press F5 or Refresh to read again.");
    }

    private record Page(DuplicateAlerts.Report alerts, List<DuplicateCandidate> exact, List<DuplicateCandidate> likely) {
    }

    private String when(DuplicateAlerts.Report r) {
        return r.checkedAt().map(t -> DisplayFormats.ago(t, clock.instant())).orElse("");
    }

    private static DuplicatePair pair(DuplicateCandidate c) {
        DuplicatePair.Side left = side(c.left());
        DuplicatePair.Side right = side(c.right());
        boolean mergeable = left.userId() != null && right.userId() != null && "active".equals(left.status()) && "active".equals(right.status());
        return new DuplicatePair(c.kind() == DuplicateCandidate.Kind.EXACT ? DuplicatePair.Kind.EXACT : DuplicatePair.Kind.LIKELY,
                c.score(), left, right, String.join("; ", c.reasons()), mergeable);
    }

    private static DuplicatePair.Side side(DuplicateCandidate.Party p) {
        return new DuplicatePair.Side(p.userId(), p.label(), p.email(), p.name(), p.status());
    }

    private static DuplicatePair alert(Finding f) {
        List<Long> ids = f.affectedIds();
        List<String> emails = new ArrayList<>();
        f.details().path("emails").forEach(e -> emails.add(e.asText()));
        DuplicatePair.Side left = alertSide(ids, emails, 0);
        DuplicatePair.Side right = alertSide(ids, emails, 1);
        String more = ids.size() > 2 ? " (and " + (ids.size() - 2) + " more: " + ids.subList(2, ids.size()) + ")" : "";
        return new DuplicatePair(DuplicatePair.Kind.ALERT, 1.0, left, right, f.message() + more, left.userId() != null && right.userId() != null);
    }

    private static DuplicatePair.Side alertSide(List<Long> ids, List<String> emails, int i) {
        if (i >= ids.size()) {
            return new DuplicatePair.Side(null, "—", "", "", "");
        }
        // The check saw the users at its run; their status now is not known here, so the card claims none.
        return new DuplicatePair.Side(ids.get(i), "user " + ids.get(i), i < emails.size() ? emails.get(i) : "", "", "");
    }

    private void applyFilter() {
        String k = kind.get();
        double min = minScore.get();
        String text = filterText.get() == null ? "" : filterText.get().strip();
        shown.setPredicate(p -> (k == null || k.equals(ALL_KINDS) || p.kind().label().equals(k)) && p.score() + 1e-9 >= min
                && (text.isEmpty() || p.mentions(text)));
        updateSummary();
    }

    private void updateSummary() {
        if (!loaded) {
            return;
        }
        if (pairs.isEmpty()) {
            // New sign-ups are compared on the refresh timer: no "press Refresh" advice (it used to say so).
            summary.set("No duplicates found: no users share a mailbox and no two active users look alike.");
            emptyText.set("No duplicates found.");
            return;
        }
        emptyText.set("No pair matches the filters.");
        long alerts = pairs.stream().filter(p -> p.kind() == DuplicatePair.Kind.ALERT).count();
        long exact = pairs.stream().filter(p -> p.kind() == DuplicatePair.Kind.EXACT).count();
        long likely = pairs.size() - alerts - exact;
        String counts = DisplayFormats.count(alerts, "alert", "alerts") + ", " + exact + " exact and "
                + DisplayFormats.count(likely, "likely pair", "likely pairs") + " read"
                + (moreAvailable.get() ? "; more can be loaded" : "");
        summary.set(shown.size() == pairs.size() ? counts + "."
                : shown.size() + " of them match the filter (" + counts + ").");
    }

    // Merge selected ------------------------------------------------------------------------------------------------

    /** The pairs selected in the table (the view keeps it in step with the table's selection). */
    public ObservableList<DuplicatePair> selection() {
        return selection;
    }

    /** Whether "Merge selected…" is offered: the role may merge and the selection holds a pair of two users. */
    public javafx.beans.binding.BooleanBinding mergeSelectedAvailableProperty() {
        return mergeSelectedAvailable;
    }

    /**
     * The dialog of "Merge selected…": each selected pair of two users, the second merged into the first, previewed
     * by the engine (which says why a pair cannot be merged), then merged one by one with one reason. After the run
     * the pairs are read again.
     */
    public BulkActionViewModel<MergePair> mergeSelected() {
        List<MergePair> chosen = selection.stream().filter(DuplicatesViewModel::twoUsers)
                .map(p -> new MergePair(p.left().userId(), p.right().userId())).distinct().toList();
        return new BulkActionViewModel<>(new BulkActionViewModel.Source<>() {
            @Override
            public BulkPreview<MergePair> preview() {
                return source.mergePreview(chosen);
            }

            @Override
            public BulkResult<MergePair> run(List<MergePair> keys, String reason, ProgressListener progress, BooleanSupplier cancelled) {
                return source.mergeRun(keys, reason, progress, cancelled);
            }
        }, runner, new BulkActionViewModel.Texts("Merge selected duplicates", "pair", "pairs", "merged", "Merge",
                "why each pair is one person (a ticket, a confirmation by mail)"), this::read);
    }

    private static boolean twoUsers(DuplicatePair p) {
        return p.kind() != DuplicatePair.Kind.ALERT && p.left().userId() != null && p.right().userId() != null;
    }

    // The pair side by side -----------------------------------------------------------------------------------------

    /** Shows the pair side by side, with the merge wizard when both are active users. Null closes it. */
    public void select(DuplicatePair pair) {
        if (pair == null) {
            closePair();
            return;
        }
        if (open != null && samePair(open, pair) && pairShown.get()) {
            // The table selected the open pair again (its rows were read again): the wizard keeps its step.
            return;
        }
        open = pair;
        showCards(pair);
        if (!wizard.allowed()) {
            mergeHint.set("Your role may not merge users.");
            wizardShown.set(false);
        } else if (pair.mergeable()) {
            mergeHint.set("");
            wizard.start(pair.left().userId(), pair.right().userId());
            wizardShown.set(true);
        } else {
            mergeHint.set(pair.right().userId() == null
                    ? (source.mayApplyRepairs()
                        ? "The other side is a legacy row held at import, not a user: apply the duplicate-emails repair on the"
                          + " Repairs screen to fold it into the user."
                        : "The other side is a legacy row held at import, not a user, so it cannot be merged here: an operator"
                          + " or administrator folds it into the user with the duplicate-emails repair.")
                    : "Only two active users can be merged; " + pair.right().label() + " is " + pair.right().status()
                    + (pair.right().status().equals("merged") ? " already (unmerge it on the Users screen if that was wrong)." : "."));
            wizardShown.set(false);
        }
        pairShown.set(true);
    }

    private void closePair() {
        open = null;
        pairShown.set(false);
        wizardShown.set(false);
    }

    private void showCards(DuplicatePair pair) {
        leftTitle.set(pair.left().label());
        rightTitle.set(pair.right().label());
        leftText.set(describe(pair.left()));
        rightText.set(describe(pair.right()));
        pairReasons.set(pair.kind().label() + ", score " + pair.scoreText() + ": " + pair.reasons());
    }

    /**
     * After a read: the open pair is redrawn from its row as read now; a merge this screen just made overrides the
     * statuses it changed; a pair whose row is gone (and that no such merge explains) is closed.
     */
    private void followOpenPair() {
        if (open == null) {
            return;
        }
        DuplicatePair now = pairs.stream().filter(p -> samePair(p, open)).findFirst().orElse(null);
        Optional<MergeWizardViewModel.StandingMerge> merge = wizard.standingMerge().filter(m -> involves(open, m));
        if (now == null && merge.isEmpty()) {
            closePair();
            return;
        }
        DuplicatePair base = now == null ? open : now;
        DuplicatePair shownNow = merge.map(m -> new DuplicatePair(base.kind(), base.score(), merged(base.left(), m),
                merged(base.right(), m), base.reasons(), false)).orElse(base);
        open = base;
        showCards(shownNow);
    }

    private static boolean samePair(DuplicatePair a, DuplicatePair b) {
        return a.kind() == b.kind() && Objects.equals(a.left().userId(), b.left().userId()) && a.left().label().equals(b.left().label())
                && Objects.equals(a.right().userId(), b.right().userId()) && a.right().label().equals(b.right().label());
    }

    private static boolean involves(DuplicatePair p, MergeWizardViewModel.StandingMerge m) {
        return Objects.equals(p.left().userId(), m.mergedId()) || Objects.equals(p.right().userId(), m.mergedId());
    }

    private static DuplicatePair.Side merged(DuplicatePair.Side s, MergeWizardViewModel.StandingMerge m) {
        return Objects.equals(s.userId(), m.mergedId())
                ? new DuplicatePair.Side(s.userId(), s.label(), s.email(), s.name(), "merged into user " + m.survivorId())
                : s;
    }

    private static String describe(DuplicatePair.Side s) {
        List<String> lines = new ArrayList<>();
        if (s.name() != null && !s.name().isEmpty()) {
            lines.add(s.name());
        }
        if (s.email() != null && !s.email().isEmpty()) {
            lines.add(s.email());
        }
        if (s.status() != null && !s.status().isEmpty()) {
            lines.add("Status: " + s.status().toLowerCase(Locale.ROOT));
        }
        return String.join("\n", lines);
    }

    // Properties ----------------------------------------------------------------------------------------------------

    /** The pairs that pass the filters; a sorted view of them is what the table shows. */
    public ObservableList<DuplicatePair> pairs() {
        return shown;
    }

    public ObservableList<String> kinds() {
        return kinds;
    }

    public ObjectProperty<String> kindProperty() {
        return kind;
    }

    /** Pairs scoring less are hidden (0 to 1). */
    public DoubleProperty minScoreProperty() {
        return minScore;
    }

    /** Text a pair must mention (ids, addresses, names, reasons). */
    public StringProperty filterTextProperty() {
        return filterText;
    }

    public ReadOnlyBooleanProperty loadingProperty() {
        return loading.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty moreAvailableProperty() {
        return moreAvailable.getReadOnlyProperty();
    }

    /** What the read under way is doing. */
    public ReadOnlyStringProperty progressProperty() {
        return progress;
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary;
    }

    public ReadOnlyStringProperty alertsSummaryProperty() {
        return alertsSummary;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error;
    }

    /** What the empty table says: reading, none found, or none matching the filters. */
    public ReadOnlyStringProperty emptyTextProperty() {
        return emptyText;
    }

    public ReadOnlyBooleanProperty pairShownProperty() {
        return pairShown.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty leftTitleProperty() {
        return leftTitle;
    }

    public ReadOnlyStringProperty leftTextProperty() {
        return leftText;
    }

    public ReadOnlyStringProperty rightTitleProperty() {
        return rightTitle;
    }

    public ReadOnlyStringProperty rightTextProperty() {
        return rightText;
    }

    public ReadOnlyStringProperty pairReasonsProperty() {
        return pairReasons;
    }

    /** Why the shown pair cannot be merged here; empty when it can. */
    public ReadOnlyStringProperty mergeHintProperty() {
        return mergeHint;
    }

    public ReadOnlyBooleanProperty wizardShownProperty() {
        return wizardShown.getReadOnlyProperty();
    }

    public MergeWizardViewModel wizard() {
        return wizard;
    }
}
