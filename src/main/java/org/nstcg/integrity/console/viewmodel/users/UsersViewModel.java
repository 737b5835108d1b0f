package org.nstcg.integrity.console.viewmodel.users;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.console.service.TaskHandle;
import org.nstcg.integrity.console.viewmodel.DisplayFormats;
import org.nstcg.integrity.console.viewmodel.UserMessages;
import org.nstcg.integrity.console.viewmodel.shell.PageViewModel;
import org.nstcg.integrity.engine.dedup.UnmergeOutcome;
import org.nstcg.integrity.engine.lookup.UserDetails;
import org.nstcg.integrity.engine.support.DeepLink;
import org.nstcg.integrity.engine.lookup.UserMatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Users screen: search by address, name, referral code or id; the selected user's profile, points ledger,
 * referrals, merges, sagas and audit entries; unmerge (with a reason and a confirmation step) and the merge wizard.
 * Searches return at most {@link #LIMIT} users, so the table never holds more than a page.
 *
 * <p>Design notes: nothing on this screen may outlive what it shows. A search whose results no longer hold the user
 * shown empties the details; while the screen is shown, the last search and the shown user are read again every
 * refresh period (and on arrival), so a merge made elsewhere, or by another console, appears without F5.
 */
public final class UsersViewModel implements PageViewModel {

    /** The most results a search shows; the engine reads no more than this. */
    public static final int LIMIT = 50;
    /** Before any search. */
    public static final String START_HINT = "Type an email address, a name, a referral code or a user id, then press Enter.";
    /** What the results table says before any search. */
    public static final String EMPTY_BEFORE_SEARCH = "Users matching your search appear here.";

    private static final Logger log = LoggerFactory.getLogger(UsersViewModel.class);

    private final UsersSource source;
    private final MergeActions merges;
    private final FxTaskRunner runner;
    private final Clock clock;
    private final MergeWizardViewModel wizard;

    private final StringProperty query = new SimpleStringProperty("");
    private final ReadOnlyBooleanWrapper searching = new ReadOnlyBooleanWrapper();
    private final StringProperty summary = new SimpleStringProperty(START_HINT);
    private final StringProperty error = new SimpleStringProperty("");
    private final ObservableList<UserRows.Match> results = FXCollections.observableArrayList();
    private final StringProperty emptyText = new SimpleStringProperty(EMPTY_BEFORE_SEARCH);
    private TaskHandle searchTask = TaskHandle.DONE;
    private String lastQuery;
    private final Duration refreshPeriod;
    private TaskHandle timer;
    /** The user chosen (shown or being read); null when the details are empty. */
    private Long selectedId;
    /** The user opened by a link: when they do not exist the details pane says the link's user was not found. */
    private Long linked;
    /** What the details pane says while no user is shown. */
    public static final String SELECT_HINT = "Select a user to see their profile, points ledger, referrals, sagas and audit history.";
    private final StringProperty detailsEmptyText = new SimpleStringProperty(SELECT_HINT);
    private final StringProperty detailLink = new SimpleStringProperty("");

    private final ReadOnlyBooleanWrapper detailsShown = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper loadingDetails = new ReadOnlyBooleanWrapper();
    private final StringProperty detailsError = new SimpleStringProperty("");
    private final StringProperty title = new SimpleStringProperty("");
    private final StringProperty subtitle = new SimpleStringProperty("");
    private final StringProperty email = new SimpleStringProperty("");
    private final StringProperty mailbox = new SimpleStringProperty("");
    private final StringProperty codes = new SimpleStringProperty("");
    private final StringProperty points = new SimpleStringProperty("");
    private final StringProperty referralCount = new SimpleStringProperty("");
    private final StringProperty referrer = new SimpleStringProperty("");
    private final StringProperty created = new SimpleStringProperty("");
    private final StringProperty mergedNote = new SimpleStringProperty("");
    private final StringProperty ledgerSummary = new SimpleStringProperty("");
    private final StringProperty refereesSummary = new SimpleStringProperty("");
    private final ObservableList<UserRows.Ledger> ledger = FXCollections.observableArrayList();
    private final ObservableList<UserRows.Person> referees = FXCollections.observableArrayList();
    private final ObservableList<UserRows.Merge> mergeHistory = FXCollections.observableArrayList();
    private final ObservableList<UserRows.Saga> sagas = FXCollections.observableArrayList();
    private final ObservableList<UserRows.Audit> audit = FXCollections.observableArrayList();
    private final ReadOnlyBooleanWrapper referrerAvailable = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper unmergeAvailable = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper mergeAvailable = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper confirmingUnmerge = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper wizardShown = new ReadOnlyBooleanWrapper();
    private final StringProperty unmergeReason = new SimpleStringProperty("");
    private final StringProperty unmergeQuestion = new SimpleStringProperty("");
    private final StringProperty actionMessage = new SimpleStringProperty("");
    private final StringProperty actionError = new SimpleStringProperty("");
    private UserDetails shown;
    private TaskHandle detailsTask = TaskHandle.DONE;

    /**
     * @param refreshPeriod how often the last search and the shown user are read again while the screen is shown
     */
    public UsersViewModel(UsersSource source, MergeActions merges, FxTaskRunner runner, Clock clock, Duration refreshPeriod) {
        this.source = source;
        this.merges = merges;
        this.runner = runner;
        this.clock = clock;
        this.refreshPeriod = refreshPeriod;
        this.wizard = new MergeWizardViewModel(merges, runner);
        wizard.setOnChange(this::reload);
    }

    // Search --------------------------------------------------------------------------------------------------------

    /** Searches for the query typed; a new search replaces one under way. */
    public void search() {
        String q = query.get() == null ? "" : query.get().strip();
        if (q.isEmpty()) {
            error.set("");
            summary.set(START_HINT);
            return;
        }
        searchTask.cancel();
        searching.set(true);
        error.set("");
        summary.set("Searching for “" + q + "”…");
        emptyText.set("Searching for “" + q + "”…");
        searchTask = runner.run(progress -> source.search(q, LIMIT), found -> showResults(q, found), failure -> {
            searching.set(false);
            summary.set("");
            emptyText.set("The search for “" + q + "” failed; see the message above.");
            error.set("The search failed. " + UserMessages.describe(failure, "searching users", log));
        });
    }

    /** The timer's read of the last search: quiet (the table and summary change only if the answer did). */
    private void searchAgain() {
        String q = lastQuery;
        if (q == null || searching.get()) {
            return;
        }
        searching.set(true);
        searchTask = runner.run(progress -> source.search(q, LIMIT), found -> {
            if (q.equals(lastQuery)) {
                showResults(q, found);
            } else {
                searching.set(false);
            }
        }, failure -> {
            searching.set(false);
            error.set("The search could not be read again; the results below may be out of date. "
                    + UserMessages.describe(failure, "searching users", log));
        });
    }

    private void showResults(String q, List<UserMatch> found) {
        searching.set(false);
        error.set("");
        lastQuery = q;
        List<UserRows.Match> rows = found.stream().map(UsersViewModel::row).toList();
        if (!rows.equals(results)) {
            results.setAll(rows);
        }
        summary.set(found.isEmpty() ? "No user matches “" + q + "”. Try the full address, a first or last name, or a referral code."
                : found.size() >= LIMIT ? "Showing the first " + LIMIT + " users matching “" + q + "”; type more to narrow the search."
                : found.size() == 1 ? "1 user matches “" + q + "”." : found.size() + " users match “" + q + "”.");
        emptyText.set("No user matches “" + q + "”.");
        // The details belong to a row of the results: a user the new results do not hold is no longer shown.
        if (selectedId != null && found.stream().noneMatch(m -> m.id() == selectedId)) {
            Long gone = selectedId;
            boolean wasLinked = gone.equals(linked);
            select(null);
            detailsError.set("");
            if (wasLinked) {
                detailsEmptyText.set(notFound(gone));
            }
        }
    }

    /** Shows the user a link names; the details pane says so when there is no such user. */
    @Override
    public void open(DeepLink link) {
        if (link instanceof DeepLink.User user) {
            linked = user.id();
            openUser(user.id());
        }
    }

    /** {@code integrity://user/<id>} of a search result, for "Copy link". */
    public String link(UserRows.Match row) {
        return DeepLink.user(row.id()).text();
    }

    private static String notFound(long userId) {
        return "User " + userId + " was not found: no user has this id. Check the link, or search by email, name or referral code.";
    }

    /** Shows a user found elsewhere (a referrer, a referee, a pair on the Duplicates screen). */
    public void openUser(long userId) {
        query.set("#" + userId);
        search();
        select(userId);
    }

    private static UserRows.Match row(UserMatch m) {
        String status = m.mergedInto().map(id -> m.status() + " into " + id).orElse(m.status());
        return new UserRows.Match(m.id(), m.name(), m.email(), m.referralCode(), status, DisplayFormats.count(m.points()), m.why());
    }

    // Details -------------------------------------------------------------------------------------------------------

    /** Reads and shows the user; null clears the details. */
    public void select(Long userId) {
        detailsTask.cancel();
        confirmingUnmerge.set(false);
        actionMessage.set("");
        actionError.set("");
        wizardShown.set(false);
        selectedId = userId;
        if (userId != null && !userId.equals(linked)) {
            linked = null;
        }
        detailsEmptyText.set(SELECT_HINT);
        if (userId == null) {
            detailLink.set("");
            detailsShown.set(false);
            loadingDetails.set(false);
            shown = null;
            return;
        }
        loadDetails(userId);
    }

    private void loadDetails(long userId) {
        loadingDetails.set(true);
        detailsError.set("");
        detailsTask = runner.run(progress -> source.details(userId), found -> {
            if (selectedId == null || selectedId != userId) {
                return;
            }
            loadingDetails.set(false);
            if (found.isEmpty()) {
                detailsShown.set(false);
                detailLink.set("");
                detailsError.set("User " + userId + " does not exist (any more). Search again.");
                detailsEmptyText.set(Long.valueOf(userId).equals(linked) ? notFound(userId)
                        : "User " + userId + " does not exist (any more). Search again.");
                return;
            }
            show(found.get());
        }, failure -> {
            if (selectedId == null || selectedId != userId) {
                return;
            }
            loadingDetails.set(false);
            detailsError.set("User " + userId + " could not be read. " + UserMessages.describe(failure, "reading a user", log));
        });
    }

    private void show(UserDetails d) {
        shown = d;
        UserDetails.Profile p = d.profile();
        detailLink.set(DeepLink.user(p.id()).text());
        title.set(p.name());
        subtitle.set("User " + p.id() + " · " + p.status() + p.mergedInto().map(id -> " into user " + id).orElse(""));
        email.set(p.email());
        mailbox.set(p.emailNormalized());
        codes.set(String.join(", ", p.codes().stream().map(c -> c.kind().equals("primary") ? c.code() : c.code() + " (alias)").toList()));
        points.set(DisplayFormats.count(p.points()));
        referralCount.set(DisplayFormats.count(p.referralCount()));
        referrer.set(d.referrer().map(r -> r.name() + " (user " + r.id() + ", " + r.referralCode() + ")").orElse("Nobody: signed up without a code"));
        referrerAvailable.set(d.referrer().isPresent());
        created.set(DisplayFormats.absolute(p.createdAt(), clock.getZone()) + " · updated " + DisplayFormats.ago(p.updatedAt(), clock.instant()));
        mergedNote.set(d.liveMerge().map(m -> "Merged into user " + m.survivorId() + " by " + m.actor()
                + m.mergedAt().map(t -> " on " + DisplayFormats.absolute(t, clock.getZone())).orElse("")
                + m.reason().map(r -> ": " + r).orElse("") + ".").orElse(""));
        ledger.setAll(d.ledger().stream().map(e -> new UserRows.Ledger(DisplayFormats.absolute(e.at(), clock.getZone()),
                (e.delta() > 0 ? "+" : "") + e.delta(), e.reason(), e.sagaId().map(Object::toString).orElse(""))).toList());
        ledgerSummary.set(d.ledgerTotal() == 0 ? "No points ledger entries: the user never earned points."
                : d.ledgerTotal() > d.ledger().size() ? "The latest " + d.ledger().size() + " of " + DisplayFormats.count(d.ledgerTotal()) + " entries."
                : DisplayFormats.count(d.ledgerTotal()) + (d.ledgerTotal() == 1 ? " entry." : " entries."));
        referees.setAll(d.referees().stream().map(r -> new UserRows.Person(r.id(), r.name(), r.email(), r.status(), r.referralCode())).toList());
        refereesSummary.set(d.refereeTotal() == 0 ? "Nobody signed up with this user's code yet."
                : d.refereeTotal() > d.referees().size() ? "The first " + d.referees().size() + " of " + DisplayFormats.count(d.refereeTotal())
                + " users referred; double-click one to open it."
                : DisplayFormats.count(d.refereeTotal(), "user", "users") + " referred; double-click one to open it.");
        mergeHistory.setAll(d.merges().stream().map(m -> new UserRows.Merge(Long.toString(m.mergeId()),
                "user " + m.mergedId() + " into user " + m.survivorId(), m.status() + m.unmergedBy().map(b -> " by " + b).orElse(""),
                m.actor(), m.reason().orElse(""))).toList());
        sagas.setAll(d.sagas().stream().map(s -> new UserRows.Saga(DisplayFormats.absolute(s.createdAt(), clock.getZone()), s.type(),
                s.status(), s.how(), s.id().toString())).toList());
        audit.setAll(d.audit().stream().map(a -> new UserRows.Audit(DisplayFormats.absolute(a.at(), clock.getZone()), a.actor(), a.action()
                + (a.targetId().equals(Long.toString(p.id())) ? "" : " (user " + a.targetId() + ")"), a.details().orElse(""))).toList());
        unmergeAvailable.set(merges.allowed() && d.liveMerge().isPresent());
        mergeAvailable.set(merges.allowed() && p.status().equals("active"));
        detailsShown.set(true);
    }

    /** Reads the shown user and the search again (after a merge or unmerge changed them). */
    private void reload() {
        if (shown != null) {
            loadDetails(shown.profile().id());
        }
        if (lastQuery != null && lastQuery.equals(query.get() == null ? null : query.get().strip())) {
            search();
        }
    }

    /** The screen is shown: the last search and the shown user are read again now and every refresh period. */
    @Override
    public void activate() {
        readAgain();
        if (timer == null) {
            timer = runner.every(refreshPeriod, this::readAgain);
        }
    }

    @Override
    public void deactivate() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    private void readAgain() {
        if (shown != null && !loadingDetails.get() && !confirmingUnmerge.get()) {
            loadDetails(shown.profile().id());
        }
        searchAgain();
    }

    /** F5: search again and read the shown user again. */
    @Override
    public void refresh() {
        if (shown != null) {
            loadDetails(shown.profile().id());
        }
        if (lastQuery != null) {
            search();
        }
    }

    /** The referrer of the shown user, to open it. */
    public Optional<Long> referrerId() {
        return shown == null ? Optional.empty() : shown.referrer().map(UserDetails.UserRef::id);
    }

    // Unmerge and merge ----------------------------------------------------------------------------------------------

    /** Asks for a reason and a confirmation before unmerging the shown user. */
    public void beginUnmerge() {
        if (!unmergeAvailable.get()) {
            return;
        }
        UserDetails.MergeRef m = shown.liveMerge().orElseThrow();
        unmergeQuestion.set("Unmerge user " + m.mergedId() + " from user " + m.survivorId() + "? Its points, referrals and codes go back"
                + " to it and it becomes active again.");
        unmergeReason.set("");
        actionError.set("");
        actionMessage.set("");
        confirmingUnmerge.set(true);
    }

    public void cancelUnmerge() {
        confirmingUnmerge.set(false);
        actionError.set("");
    }

    /** Unmerges the shown user, with the reason given. */
    public void confirmUnmerge() {
        if (!confirmingUnmerge.get() || shown == null) {
            return;
        }
        String why = unmergeReason.get() == null ? "" : unmergeReason.get().strip();
        if (why.isEmpty()) {
            actionError.set("Give a reason for the unmerge: it is recorded in the audit trail.");
            return;
        }
        long userId = shown.profile().id();
        loadingDetails.set(true);
        runner.run(progress -> merges.unmerge(userId, why), outcome -> {
            loadingDetails.set(false);
            if (outcome instanceof UnmergeOutcome.Unmerged u) {
                confirmingUnmerge.set(false);
                actionError.set("");
                actionMessage.set(unmerged(u));
                reload();
            } else {
                actionError.set("User " + userId + " cannot be unmerged: " + ((UnmergeOutcome.Refused) outcome).reason() + ".");
            }
        }, failure -> {
            loadingDetails.set(false);
            actionError.set(UserMessages.describe(failure, "unmerging a user", log));
        });
    }

    static String unmerged(UnmergeOutcome.Unmerged u) {
        return "Unmerged user " + u.userId() + " from user " + u.survivorId() + ": " + DisplayFormats.count(u.pointsReturned(), "point", "points")
                + ", " + DisplayFormats.count(u.referralsReturned(), "referred user", "referred users") + " and "
                + DisplayFormats.count(u.codesReturned(), "referral code", "referral codes") + " returned.";
    }

    /** Opens the merge wizard with the shown user as the one merged away; the user to keep is typed. */
    public void beginMerge() {
        if (!mergeAvailable.get()) {
            return;
        }
        wizard.start(null, shown.profile().id());
        actionMessage.set("");
        wizardShown.set(true);
    }

    public void closeWizard() {
        wizardShown.set(false);
    }

    // Properties ----------------------------------------------------------------------------------------------------

    public StringProperty queryProperty() {
        return query;
    }

    public ReadOnlyBooleanProperty searchingProperty() {
        return searching.getReadOnlyProperty();
    }

    /** How many users matched, or what to type; empty while an error is shown. */
    public ReadOnlyStringProperty summaryProperty() {
        return summary;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error;
    }

    public ObservableList<UserRows.Match> results() {
        return results;
    }

    /** What the results table says while it is empty: before a search, while searching, or that nothing matched. */
    public ReadOnlyStringProperty emptyTextProperty() {
        return emptyText;
    }

    public ReadOnlyBooleanProperty detailsShownProperty() {
        return detailsShown.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty loadingDetailsProperty() {
        return loadingDetails.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty detailsErrorProperty() {
        return detailsError;
    }

    /** What the details pane says while it shows no user: choose one, or why the one asked for is not shown. */
    public ReadOnlyStringProperty detailsEmptyTextProperty() {
        return detailsEmptyText;
    }

    /** The shown user's {@code integrity://user/<id>}, for "Copy link"; empty when none is shown. */
    public ReadOnlyStringProperty detailLinkProperty() {
        return detailLink;
    }

    public ReadOnlyStringProperty titleProperty() {
        return title;
    }

    public ReadOnlyStringProperty subtitleProperty() {
        return subtitle;
    }

    public ReadOnlyStringProperty emailProperty() {
        return email;
    }

    public ReadOnlyStringProperty mailboxProperty() {
        return mailbox;
    }

    public ReadOnlyStringProperty codesProperty() {
        return codes;
    }

    public ReadOnlyStringProperty pointsProperty() {
        return points;
    }

    public ReadOnlyStringProperty referralCountProperty() {
        return referralCount;
    }

    public ReadOnlyStringProperty referrerProperty() {
        return referrer;
    }

    public ReadOnlyBooleanProperty referrerAvailableProperty() {
        return referrerAvailable.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty createdProperty() {
        return created;
    }

    /** "Merged into user 3 by sam on …: same person." while the user is merged; empty otherwise. */
    public ReadOnlyStringProperty mergedNoteProperty() {
        return mergedNote;
    }

    public ReadOnlyStringProperty ledgerSummaryProperty() {
        return ledgerSummary;
    }

    public ReadOnlyStringProperty refereesSummaryProperty() {
        return refereesSummary;
    }

    public ObservableList<UserRows.Ledger> ledger() {
        return ledger;
    }

    public ObservableList<UserRows.Person> referees() {
        return referees;
    }

    public ObservableList<UserRows.Merge> mergeHistory() {
        return mergeHistory;
    }

    public ObservableList<UserRows.Saga> sagas() {
        return sagas;
    }

    public ObservableList<UserRows.Audit> audit() {
        return audit;
    }

    public ReadOnlyBooleanProperty unmergeAvailableProperty() {
        return unmergeAvailable.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty mergeAvailableProperty() {
        return mergeAvailable.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty confirmingUnmergeProperty() {
        return confirmingUnmerge.getReadOnlyProperty();
    }

    public StringProperty unmergeReasonProperty() {
        return unmergeReason;
    }

    public ReadOnlyStringProperty unmergeQuestionProperty() {
        return unmergeQuestion;
    }

    /** What the last unmerge did. */
    public ReadOnlyStringProperty actionMessageProperty() {
        return actionMessage;
    }

    /** Why the last unmerge could not be done. */
    public ReadOnlyStringProperty actionErrorProperty() {
        return actionError;
    }

    public ReadOnlyBooleanProperty wizardShownProperty() {
        return wizardShown.getReadOnlyProperty();
    }

    public MergeWizardViewModel wizard() {
        return wizard;
    }
}
