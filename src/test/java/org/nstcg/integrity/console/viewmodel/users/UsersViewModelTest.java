package org.nstcg.integrity.console.viewmodel.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.service.SynchronousTaskRunner;
import org.nstcg.integrity.console.viewmodel.UserMessages;
import org.nstcg.integrity.console.viewmodel.users.MergeActions;
import org.nstcg.integrity.console.viewmodel.users.MergeWizardViewModel;
import org.nstcg.integrity.console.viewmodel.users.UsersSource;
import org.nstcg.integrity.console.viewmodel.users.UsersViewModel;
import org.nstcg.integrity.engine.dedup.MergeOutcome;
import org.nstcg.integrity.engine.dedup.MergePlan;
import org.nstcg.integrity.engine.dedup.UnmergeOutcome;
import org.nstcg.integrity.engine.lookup.UserDetails;
import org.nstcg.integrity.engine.lookup.UserMatch;
import org.nstcg.integrity.engine.support.DeepLink;
import org.nstcg.integrity.engine.support.EngineException;

/** The Users screen's and the merge wizard's state, without a stage. */
class UsersViewModelTest {

    private static final Instant NOW = Instant.parse("2026-05-02T12:00:00Z");

    private final SynchronousTaskRunner runner = new SynchronousTaskRunner();
    private final List<String> calls = new ArrayList<>();
    private List<UserMatch> matches = List.of();
    private RuntimeException searchFailure;
    private UserDetails details = details(7, "merged", Optional.of(3L));
    private boolean allowed = true;
    private MergeOutcome previewOutcome = new MergeOutcome.Previewed(plan());
    private UnmergeOutcome unmergeOutcome = new UnmergeOutcome.Unmerged(12, 7, 3, 10, 0, 1);

    private final UsersSource source = new UsersSource() {
        @Override
        public List<UserMatch> search(String query, int limit) {
            calls.add("search " + query + " " + limit);
            if (searchFailure != null) {
                throw searchFailure;
            }
            return matches;
        }

        @Override
        public Optional<UserDetails> details(long userId) {
            calls.add("details " + userId);
            return details.profile().id() == userId ? Optional.of(details) : Optional.empty();
        }
    };

    private final MergeActions merges = new MergeActions() {
        @Override
        public boolean allowed() {
            return allowed;
        }

        @Override
        public MergeOutcome preview(long survivorId, long duplicateId) {
            calls.add("preview " + survivorId + " " + duplicateId);
            return previewOutcome;
        }

        @Override
        public MergeOutcome merge(long survivorId, long duplicateId, String reason) {
            calls.add("merge " + survivorId + " " + duplicateId + " " + reason);
            return new MergeOutcome.Merged(12, UUID.randomUUID(), plan());
        }

        @Override
        public UnmergeOutcome unmerge(long userId, String reason) {
            calls.add("unmerge " + userId + " " + reason);
            return unmergeOutcome;
        }
    };

    private final UsersViewModel vm = new UsersViewModel(source, merges, runner, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(5));

    @Test
    void aSearchShowsTheMatchesAndSaysHowMany() {
        matches = List.of(match(7, "Ada Lovelace"), match(8, "Ada Byron"));
        vm.queryProperty().set("  ada ");

        vm.search();

        assertThat(calls).containsExactly("search ada " + UsersViewModel.LIMIT);
        assertThat(vm.results()).extracting(r -> r.name()).containsExactly("Ada Lovelace", "Ada Byron");
        assertThat(vm.summaryProperty().get()).isEqualTo("2 users match “ada”.");
        assertThat(vm.errorProperty().get()).isEmpty();
    }

    @Test
    void aUserLinkShowsThatUserWithItsLinkToCopy() {
        matches = List.of(match(7, "Ada Lovelace"));

        vm.open(DeepLink.user(7));

        assertThat(vm.detailsShownProperty().get()).isTrue();
        assertThat(vm.titleProperty().get()).startsWith("Ada");
        assertThat(vm.detailLinkProperty().get()).isEqualTo("integrity://user/7");
        assertThat(vm.link(vm.results().get(0))).isEqualTo("integrity://user/7");
    }

    @Test
    void aLinkToAUserWhoDoesNotExistSaysSoInTheDetailsPane() {
        vm.select(7L);
        assertThat(vm.detailsShownProperty().get()).isTrue();

        vm.open(DeepLink.user(99));

        assertThat(vm.detailsShownProperty().get()).as("not the previous user").isFalse();
        assertThat(vm.detailsEmptyTextProperty().get()).isEqualTo("User 99 was not found: no user has this id. Check the link,"
                + " or search by email, name or referral code.");
        assertThat(vm.detailLinkProperty().get()).isEmpty();

        vm.select(7L);
        vm.select(null);
        assertThat(vm.detailsEmptyTextProperty().get()).isEqualTo(UsersViewModel.SELECT_HINT);
    }

    @Test
    void anEmptyQueryIsNotSentAndNoMatchSaysWhatToTry() {
        vm.search();
        assertThat(calls).isEmpty();
        assertThat(vm.summaryProperty().get()).isEqualTo(UsersViewModel.START_HINT);

        vm.queryProperty().set("zzz");
        vm.search();
        assertThat(vm.summaryProperty().get()).startsWith("No user matches “zzz”. Try");
    }

    @Test
    void aFullPageSaysToNarrowTheSearch() {
        List<UserMatch> page = new ArrayList<>();
        for (int i = 0; i < UsersViewModel.LIMIT; i++) {
            page.add(match(i + 1, "Ann " + i));
        }
        matches = page;
        vm.queryProperty().set("ann");

        vm.search();

        assertThat(vm.summaryProperty().get()).contains("first " + UsersViewModel.LIMIT).contains("narrow");
    }

    @Test
    void aFailedSearchReadsAsASentence() {
        searchFailure = new EngineException("Cannot search users in PostgreSQL (connection refused).");
        vm.queryProperty().set("ada");

        vm.search();

        assertThat(vm.errorProperty().get()).isEqualTo("The search failed. Cannot search users in PostgreSQL (connection refused).");
        searchFailure = new IllegalStateException("bug");
        vm.search();
        assertThat(vm.errorProperty().get()).endsWith(UserMessages.UNEXPECTED);
    }

    @Test
    void selectingAMergedUserShowsItsDetailsAndOffersUnmergeOnly() {
        vm.select(7L);

        assertThat(vm.detailsShownProperty().get()).isTrue();
        assertThat(vm.titleProperty().get()).isEqualTo("Ada Lovelace");
        assertThat(vm.subtitleProperty().get()).isEqualTo("User 7 · merged into user 3");
        assertThat(vm.codesProperty().get()).isEqualTo("ADAX-7K3M9QW2P, OLD-1 (alias)");
        assertThat(vm.mergedNoteProperty().get()).startsWith("Merged into user 3 by sam");
        assertThat(vm.ledger()).extracting(l -> l.delta()).containsExactly("+10");
        assertThat(vm.ledgerSummaryProperty().get()).isEqualTo("The latest 1 of 4 entries.");
        assertThat(vm.unmergeAvailableProperty().get()).isTrue();
        assertThat(vm.mergeAvailableProperty().get()).isFalse();
    }

    @Test
    void unmergeNeedsAReasonAndAConfirmation() {
        vm.select(7L);

        vm.beginUnmerge();
        assertThat(vm.confirmingUnmergeProperty().get()).isTrue();
        assertThat(vm.unmergeQuestionProperty().get()).startsWith("Unmerge user 7 from user 3?");
        vm.confirmUnmerge();
        assertThat(vm.actionErrorProperty().get()).startsWith("Give a reason");
        assertThat(calls).noneMatch(c -> c.startsWith("unmerge"));

        vm.unmergeReasonProperty().set("two people");
        vm.confirmUnmerge();

        assertThat(calls).contains("unmerge 7 two people");
        assertThat(vm.confirmingUnmergeProperty().get()).isFalse();
        assertThat(vm.actionMessageProperty().get()).startsWith("Unmerged user 7 from user 3: 10 points");
        assertThat(calls.get(calls.size() - 1)).as("the user is read again").isEqualTo("details 7");
    }

    @Test
    void aRefusedUnmergeSaysWhy() {
        unmergeOutcome = new UnmergeOutcome.Refused("the mailbox ada@x.org now belongs to active user 9");
        vm.select(7L);
        vm.beginUnmerge();
        vm.unmergeReasonProperty().set("oops");

        vm.confirmUnmerge();

        assertThat(vm.actionErrorProperty().get()).isEqualTo("User 7 cannot be unmerged: the mailbox ada@x.org now belongs to active user 9.");
        assertThat(vm.confirmingUnmergeProperty().get()).isTrue();
    }

    @Test
    void withoutTheMergePermissionNothingIsOffered() {
        allowed = false;
        vm.select(7L);
        assertThat(vm.unmergeAvailableProperty().get()).isFalse();
        details = details(7, "active", Optional.empty());
        vm.select(7L);
        assertThat(vm.mergeAvailableProperty().get()).isFalse();
    }

    @Test
    void theMergeWizardPreviewsAsksForAReasonConfirmsAndUndoes() {
        details = details(7, "active", Optional.empty());
        vm.select(7L);
        vm.beginMerge();
        MergeWizardViewModel w = vm.wizard();
        assertThat(vm.wizardShownProperty().get()).isTrue();
        assertThat(w.duplicateTextProperty().get()).isEqualTo("7");

        w.preview();
        assertThat(w.errorProperty().get()).startsWith("Type the id of the user to keep");
        w.survivorTextProperty().set("#3");
        w.preview();
        assertThat(calls).contains("preview 3 7");
        assertThat(w.stepProperty().get()).isEqualTo(MergeWizardViewModel.Step.PREVIEWED);
        assertThat(w.changes()).isNotEmpty();

        w.requestMerge();
        assertThat(w.errorProperty().get()).startsWith("Give a reason");
        w.reasonProperty().set(" same person ");
        w.requestMerge();
        assertThat(w.stepProperty().get()).isEqualTo(MergeWizardViewModel.Step.CONFIRM);
        assertThat(calls).noneMatch(c -> c.startsWith("merge "));
        w.confirmMerge();

        assertThat(calls).contains("merge 3 7 same person");
        assertThat(w.stepProperty().get()).isEqualTo(MergeWizardViewModel.Step.DONE);
        assertThat(w.messageProperty().get()).isEqualTo("Merged user 7 into user 3 (merge 12).");
        assertThat(w.undoAvailableProperty().get()).isTrue();

        w.undo();
        assertThat(calls).anyMatch(c -> c.startsWith("unmerge 7 undo of merge 12"));
        assertThat(w.undoAvailableProperty().get()).isFalse();
        assertThat(w.messageProperty().get()).startsWith("Unmerged user 7 from user 3");
    }

    @Test
    void aRefusedPreviewSaysWhyAndChangingAUserDropsThePreview() {
        MergeWizardViewModel w = vm.wizard();
        w.start(3L, 7L);
        previewOutcome = new MergeOutcome.Refused("user 7 is merged, not active");
        w.preview();
        assertThat(w.errorProperty().get()).isEqualTo("User 7 cannot be merged into user 3: user 7 is merged, not active.");
        assertThat(w.stepProperty().get()).isEqualTo(MergeWizardViewModel.Step.CHOOSE);

        previewOutcome = new MergeOutcome.Previewed(plan());
        w.preview();
        assertThat(w.stepProperty().get()).isEqualTo(MergeWizardViewModel.Step.PREVIEWED);
        w.swap();
        assertThat(w.survivorTextProperty().get()).isEqualTo("7");
        assertThat(w.stepProperty().get()).isEqualTo(MergeWizardViewModel.Step.CHOOSE);
        assertThat(w.changes()).isEmpty();

        w.start(5L, 5L);
        w.preview();
        assertThat(w.errorProperty().get()).startsWith("Choose two different users");
    }

    @Test
    void aNewSearchWithoutTheShownUserEmptiesTheDetails() {
        matches = List.of(match(7, "Ada Lovelace"));
        details = details(7, "active", Optional.empty());
        vm.queryProperty().set("ada");
        vm.search();
        vm.select(7L);
        assertThat(vm.detailsShownProperty().get()).isTrue();

        matches = List.of(match(7, "Ada Lovelace"), match(8, "Ada Byron"));
        vm.search();
        assertThat(vm.detailsShownProperty().get()).as("the user shown is still a result").isTrue();

        matches = List.of(match(9, "Grace Hopper"));
        vm.queryProperty().set("grace");
        vm.search();
        assertThat(vm.detailsShownProperty().get()).as("the user shown is no result of the new search").isFalse();
        assertThat(vm.wizardShownProperty().get()).isFalse();
        assertThat(vm.detailsErrorProperty().get()).isEmpty();
    }

    @Test
    void theEmptyTableSaysNoUserMatchesTheSearchNamingIt() {
        assertThat(vm.emptyTextProperty().get()).isEqualTo(UsersViewModel.EMPTY_BEFORE_SEARCH);
        matches = List.of(match(7, "Ada Lovelace"));
        vm.queryProperty().set("ada");
        vm.search();

        matches = List.of();
        vm.queryProperty().set("zzz");
        vm.search();

        assertThat(vm.results()).isEmpty();
        assertThat(vm.emptyTextProperty().get()).isEqualTo("No user matches “zzz”.");
    }

    @Test
    void theRefreshTimerAndEachArrivalReadTheLastSearchAndTheShownUserAgain() {
        matches = List.of(match(7, "Ada Lovelace"));
        details = details(7, "active", Optional.empty());
        vm.activate();
        assertThat(calls).as("nothing to read before a search").isEmpty();
        vm.queryProperty().set("ada");
        vm.search();
        vm.select(7L);
        vm.queryProperty().set("typed but not searched");

        details = details(7, "merged", Optional.of(3L));
        calls.clear();
        runner.tick();
        assertThat(calls).containsExactlyInAnyOrder("details 7", "search ada " + UsersViewModel.LIMIT);
        assertThat(vm.subtitleProperty().get()).isEqualTo("User 7 · merged into user 3");
        assertThat(vm.summaryProperty().get()).isEqualTo("1 user matches “ada”.");

        vm.deactivate();
        assertThat(runner.activeTimers()).isZero();
        matches = List.of();
        vm.activate();
        assertThat(vm.results()).as("read again on arrival").isEmpty();
        assertThat(vm.detailsShownProperty().get()).as("the user shown is gone from the results").isFalse();
        vm.deactivate();
    }

    private static UserMatch match(long id, String name) {
        return new UserMatch(id, "u" + id + "@example.org", name, "CODE-" + id, "active", Optional.empty(), 10, UserMatch.Reason.NAME,
                "first name begins with ada");
    }

    private static MergePlan plan() {
        return new MergePlan(new MergePlan.UserSummary(3, "ada@gmail.com", "Ada Lovelace", "active", 10, 0),
                new MergePlan.UserSummary(7, "ada@x.org", "Ada L", "active", 10, 0), 10, 0, List.of(), false,
                List.of(new MergePlan.CodeChange("ADAX-7K3M9QW2P", "primary")));
    }

    private static UserDetails details(long id, String status, Optional<Long> mergedInto) {
        UserDetails.Profile p = new UserDetails.Profile(id, "Ada@X.org", "ada@x.org", "Ada", Optional.of("Lovelace"), "ADAX-7K3M9QW2P",
                List.of(new UserDetails.CodeRef("ADAX-7K3M9QW2P", "primary", NOW), new UserDetails.CodeRef("OLD-1", "alias", NOW)),
                status, mergedInto, Optional.empty(), 0, 0, NOW, NOW);
        List<UserDetails.MergeRef> merges = mergedInto.map(s -> List.of(new UserDetails.MergeRef(12, s, id, "merged", "sam",
                Optional.of("same person"), Optional.of(NOW), Optional.empty(), Optional.empty()))).orElse(List.of());
        return new UserDetails(p, List.of(new UserDetails.LedgerEntry(1, 10, "signup", Optional.empty(), NOW)), 4, Optional.empty(),
                List.of(), 0, merges, List.of(), List.of());
    }
}
