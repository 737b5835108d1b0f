package org.nstcg.integrity.console.viewmodel.duplicates;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.service.SynchronousTaskRunner;
import org.nstcg.integrity.console.viewmodel.duplicates.DuplicatePair;
import org.nstcg.integrity.console.viewmodel.duplicates.DuplicatesSource;
import org.nstcg.integrity.console.viewmodel.duplicates.DuplicatesViewModel;
import org.nstcg.integrity.console.viewmodel.users.MergeActions;
import org.nstcg.integrity.engine.dedup.DuplicateCandidate;
import org.nstcg.integrity.engine.dedup.MergeOutcome;
import org.nstcg.integrity.engine.dedup.UnmergeOutcome;
import org.nstcg.integrity.engine.integrity.Finding;
import org.nstcg.integrity.engine.integrity.Severity;
import org.nstcg.integrity.engine.lookup.DuplicateAlerts;

/** The Duplicates screen's state, without a stage. */
class DuplicatesViewModelTest {

    private static final Instant NOW = Instant.parse("2026-05-02T12:00:00Z");

    private final SynchronousTaskRunner runner = new SynchronousTaskRunner();
    private final List<String> reads = new ArrayList<>();
    private DuplicateAlerts.Report alerts = new DuplicateAlerts.Report(Optional.empty(), Optional.empty(), List.of());
    private List<DuplicateCandidate> likely = List.of();
    /** Whether the merges fake merges (and undoes) instead of refusing. */
    private boolean merging;
    private final List<String> emptyTextWhileReading = new ArrayList<>();

    private boolean mayApplyRepairs;

    private final DuplicatesSource source = new DuplicatesSource() {
        @Override
        public boolean mayApplyRepairs() {
            return mayApplyRepairs;
        }

        @Override
        public DuplicateAlerts.Report alerts() {
            reads.add("alerts");
            emptyTextWhileReading.add(vm.emptyTextProperty().get());
            return alerts;
        }

        @Override
        public List<DuplicateCandidate> exact(int offset, int limit) {
            reads.add("exact " + offset);
            return offset == 0 ? List.of(new DuplicateCandidate(DuplicateCandidate.Kind.EXACT,
                    party(1L, "ada@gmail.com", "Ada Lovelace", "active"), new DuplicateCandidate.Party(null, 4L, 17, "ada@gmail.com", "Ada", "held"),
                    1.0, List.of("same mailbox ada@gmail.com", "legacy row held at import"))) : List.of();
        }

        @Override
        public List<DuplicateCandidate> likely(int offset, int limit) {
            reads.add("likely " + offset);
            return offset == 0 ? likely : List.of();
        }

        @Override
        public org.nstcg.integrity.engine.support.BulkPreview<org.nstcg.integrity.engine.dedup.MergePair> mergePreview(
                List<org.nstcg.integrity.engine.dedup.MergePair> pairs) {
            throw new UnsupportedOperationException("bulk merges are tested in BulkMergesIT");
        }

        @Override
        public org.nstcg.integrity.engine.support.BulkResult<org.nstcg.integrity.engine.dedup.MergePair> mergeRun(
                List<org.nstcg.integrity.engine.dedup.MergePair> pairs, String reason,
                org.nstcg.integrity.engine.support.ProgressListener progress, java.util.function.BooleanSupplier cancelled) {
            throw new UnsupportedOperationException("bulk merges are tested in BulkMergesIT");
        }
    };

    private final MergeActions merges = new MergeActions() {
        @Override
        public boolean allowed() {
            return true;
        }

        @Override
        public MergeOutcome preview(long survivorId, long duplicateId) {
            return merging ? new MergeOutcome.Previewed(plan()) : new MergeOutcome.Refused("not in this test");
        }

        @Override
        public MergeOutcome merge(long survivorId, long duplicateId, String reason) {
            if (merging) {
                likely = List.of();
                return new MergeOutcome.Merged(12, java.util.UUID.randomUUID(), plan());
            }
            return new MergeOutcome.Refused("not in this test");
        }

        @Override
        public UnmergeOutcome unmerge(long userId, String reason) {
            if (merging) {
                likely = List.of(likely(2, 3, 0.91));
                return new UnmergeOutcome.Unmerged(12, userId, 2, 0, 0, 0);
            }
            return new UnmergeOutcome.Refused("not in this test");
        }
    };

    private final DuplicatesViewModel vm = new DuplicatesViewModel(source, merges, runner, Clock.fixed(NOW, ZoneOffset.UTC),
            Duration.ofSeconds(5));

    @Test
    void theFirstVisitReadsAlertsExactAndLikelyPairsOnce() {
        likely = List.of(likely(2, 3, 0.91), likely(5, 6, 0.62));

        vm.activate();
        vm.activate();

        assertThat(reads).containsExactly("alerts", "exact 0", "likely 0");
        assertThat(vm.pairs()).extracting(p -> p.kind().label()).containsExactly("Exact", "Likely", "Likely");
        assertThat(vm.summaryProperty().get()).isEqualTo("0 alerts, 1 exact and 2 likely pairs read.");
        assertThat(vm.alertsSummaryProperty().get()).startsWith("No integrity check has looked for duplicates yet");
        assertThat(vm.moreAvailableProperty().get()).isFalse();
    }

    @Test
    void alertsOfTheLatestCheckBecomePairs() {
        alerts = new DuplicateAlerts.Report(Optional.of(42L), Optional.of(NOW.minusSeconds(600)), List.of(new Finding("email-uniqueness",
                Severity.CRITICAL, List.of(8L, 9L), "2 active users share the address bo@x.org",
                new ObjectMapper().createObjectNode().set("emails", new ObjectMapper().valueToTree(List.of("Bo@x.org", "bo@x.org"))))));

        vm.refresh();

        assertThat(vm.alertsSummaryProperty().get()).isEqualTo("1 duplicate alert from integrity check run 42 (10 min ago).");
        DuplicatePair alert = vm.pairs().get(0);
        assertThat(alert.kind()).isEqualTo(DuplicatePair.Kind.ALERT);
        assertThat(alert.left().summary()).isEqualTo("user 8 · Bo@x.org");
        assertThat(alert.mergeable()).isTrue();
    }

    @Test
    void filtersByKindScoreAndText() {
        likely = List.of(likely(2, 3, 0.91), likely(5, 6, 0.62));
        vm.refresh();

        vm.kindProperty().set("Likely");
        assertThat(vm.pairs()).hasSize(2);
        vm.minScoreProperty().set(0.8);
        assertThat(vm.pairs()).extracting(DuplicatePair::scoreText).containsExactly("0.91");
        vm.kindProperty().set(DuplicatesViewModel.ALL_KINDS);
        vm.minScoreProperty().set(0);
        vm.filterTextProperty().set("USER5@");
        assertThat(vm.pairs()).hasSize(1);
        assertThat(vm.summaryProperty().get()).startsWith("1 of them match the filter");
    }

    @Test
    void aLikelyPairOpensSideBySideWithTheWizardALegacyRowExplainsWhyNot() {
        likely = List.of(likely(2, 3, 0.91));
        vm.refresh();

        vm.select(vm.pairs().get(1));
        assertThat(vm.pairShownProperty().get()).isTrue();
        assertThat(vm.leftTextProperty().get()).isEqualTo("Name 2\nuser2@example.org\nStatus: active");
        assertThat(vm.wizardShownProperty().get()).isTrue();
        assertThat(vm.wizard().survivorTextProperty().get()).isEqualTo("2");
        assertThat(vm.wizard().duplicateTextProperty().get()).isEqualTo("3");

        vm.select(vm.pairs().get(0));
        assertThat(vm.wizardShownProperty().get()).isFalse();
        assertThat(vm.mergeHintProperty().get()).contains("legacy row held at import");
        assertThat(vm.mergeHintProperty().get()).as("support has no Repairs screen: it is told who can fold the row in")
                .contains("an operator or administrator folds it into the user").doesNotContain("Repairs screen");

        mayApplyRepairs = true;
        vm.select(vm.pairs().get(1));
        vm.select(vm.pairs().get(0));
        assertThat(vm.mergeHintProperty().get()).contains("apply the duplicate-emails repair on the Repairs screen");
    }

    @Test
    void aFilterMatchingNothingSaysSo() {
        vm.refresh();
        vm.kindProperty().set("Likely");
        assertThat(vm.pairs()).isEmpty();
        assertThat(vm.summaryProperty().get()).isEqualTo("0 of them match the filter (0 alerts, 1 exact and 0 likely pairs read).");
    }

    @Test
    void everyArrivalAndEveryRefreshPeriodReadsThePairsAgain() {
        vm.activate();
        assertThat(emptyTextWhileReading).as("the empty table says it is reading, not that there are none")
                .containsExactly("Reading the duplicate alerts and pairs…");
        assertThat(vm.emptyTextProperty().get()).as("the table is empty only when filtered").isEqualTo("No pair matches the filters.");
        assertThat(vm.pairs()).hasSize(1);

        likely = List.of(likely(2, 3, 0.91));
        runner.tick();
        assertThat(vm.pairs()).as("a sign-up made meanwhile appears on the timer").hasSize(2);

        vm.deactivate();
        assertThat(runner.activeTimers()).isZero();
        likely = List.of(likely(2, 3, 0.91), likely(5, 6, 0.62));
        vm.activate();
        assertThat(vm.pairs()).as("read again on arrival").hasSize(3);
        assertThat(reads).containsExactly("alerts", "exact 0", "likely 0", "alerts", "exact 0", "likely 0", "alerts", "exact 0", "likely 0");
        vm.deactivate();
    }

    @Test
    void theOpenPairFollowsItsRowAndClosesWhenTheRowIsGone() {
        likely = List.of(likely(2, 3, 0.91));
        vm.activate();
        vm.select(vm.pairs().get(1));
        assertThat(vm.rightTextProperty().get()).isEqualTo("Name 3\nuser3@example.org\nStatus: active");

        likely = List.of(new DuplicateCandidate(DuplicateCandidate.Kind.LIKELY, party(2L, "user2@example.org", "Name 2", "active"),
                party(3L, "user3@example.org", "Name Three", "active"), 0.91, List.of("similar names")));
        runner.tick();
        assertThat(vm.pairShownProperty().get()).isTrue();
        assertThat(vm.rightTextProperty().get()).as("redrawn from the row read now").isEqualTo("Name Three\nuser3@example.org\nStatus: active");

        likely = List.of();
        runner.tick();
        assertThat(vm.pairShownProperty().get()).as("its row is gone").isFalse();
        assertThat(vm.wizardShownProperty().get()).isFalse();
        vm.deactivate();
    }

    @Test
    void afterAMergeTheCardSaysTheMergedUserIsMergedAndAfterTheUndoActiveAgain() {
        merging = true;
        likely = List.of(likely(2, 3, 0.91));
        vm.activate();
        vm.select(vm.pairs().get(1));
        vm.wizard().preview();
        vm.wizard().reasonProperty().set("same person");
        vm.wizard().requestMerge();
        vm.wizard().confirmMerge();

        assertThat(vm.pairs()).as("the likely pair is gone once one of them is merged").hasSize(1);
        assertThat(vm.pairShownProperty().get()).as("the merge result and Undo stay").isTrue();
        assertThat(vm.rightTextProperty().get()).isEqualTo("Name 3\nuser3@example.org\nStatus: merged into user 2");
        assertThat(vm.leftTextProperty().get()).endsWith("Status: active");
        runner.tick();
        assertThat(vm.rightTextProperty().get()).as("the timer keeps it true").endsWith("Status: merged into user 2");

        vm.wizard().undo();
        assertThat(vm.rightTextProperty().get()).isEqualTo("Name 3\nuser3@example.org\nStatus: active");
        vm.deactivate();
    }

    @Test
    void anAlertClaimsNoStatusItDidNotRead() {
        alerts = new DuplicateAlerts.Report(Optional.of(42L), Optional.of(NOW), List.of(new Finding("email-uniqueness",
                Severity.CRITICAL, List.of(8L, 9L), "2 active users share the address bo@x.org",
                new ObjectMapper().createObjectNode().set("emails", new ObjectMapper().valueToTree(List.of("Bo@x.org", "bo@x.org"))))));
        vm.refresh();

        vm.select(vm.pairs().get(0));

        assertThat(vm.leftTextProperty().get()).isEqualTo("Bo@x.org");
    }

    private static org.nstcg.integrity.engine.dedup.MergePlan plan() {
        return new org.nstcg.integrity.engine.dedup.MergePlan(
                new org.nstcg.integrity.engine.dedup.MergePlan.UserSummary(2, "user2@example.org", "Name 2", "active", 0, 0),
                new org.nstcg.integrity.engine.dedup.MergePlan.UserSummary(3, "user3@example.org", "Name 3", "active", 0, 0), 0, 0,
                List.of(), false, List.of());
    }

    private static DuplicateCandidate likely(long a, long b, double score) {
        return new DuplicateCandidate(DuplicateCandidate.Kind.LIKELY, party(a, "user" + a + "@example.org", "Name " + a, "active"),
                party(b, "user" + b + "@example.org", "Name " + b, "active"), score, List.of("similar names"));
    }

    private static DuplicateCandidate.Party party(Long id, String email, String name, String status) {
        return new DuplicateCandidate.Party(id, null, null, email, name, status);
    }
}
