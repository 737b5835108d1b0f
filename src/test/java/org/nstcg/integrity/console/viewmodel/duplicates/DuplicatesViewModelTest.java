package org.nstcg.integrity.console.viewmodel.duplicates;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
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

    private final DuplicatesSource source = new DuplicatesSource() {
        @Override
        public DuplicateAlerts.Report alerts() {
            reads.add("alerts");
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
    };

    private final MergeActions merges = new MergeActions() {
        @Override
        public boolean allowed() {
            return true;
        }

        @Override
        public MergeOutcome preview(long survivorId, long duplicateId) {
            return new MergeOutcome.Refused("not in this test");
        }

        @Override
        public MergeOutcome merge(long survivorId, long duplicateId, String reason) {
            return new MergeOutcome.Refused("not in this test");
        }

        @Override
        public UnmergeOutcome unmerge(long userId, String reason) {
            return new UnmergeOutcome.Refused("not in this test");
        }
    };

    private final DuplicatesViewModel vm = new DuplicatesViewModel(source, merges, runner, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void theFirstVisitReadsAlertsExactAndLikelyPairsOnce() {
        likely = List.of(likely(2, 3, 0.91), likely(5, 6, 0.62));

        vm.activate();
        vm.activate();

        assertThat(reads).containsExactly("alerts", "exact 0", "likely 0");
        assertThat(vm.pairs()).extracting(p -> p.kind().label()).containsExactly("Exact", "Likely", "Likely");
        assertThat(vm.summaryProperty().get()).isEqualTo("0 alert(s), 1 exact and 2 likely pair(s) read.");
        assertThat(vm.alertsSummaryProperty().get()).startsWith("No integrity check has looked for duplicates yet");
        assertThat(vm.moreAvailableProperty().get()).isFalse();
    }

    @Test
    void alertsOfTheLatestCheckBecomePairs() {
        alerts = new DuplicateAlerts.Report(Optional.of(42L), Optional.of(NOW.minusSeconds(600)), List.of(new Finding("email-uniqueness",
                Severity.CRITICAL, List.of(8L, 9L), "2 active users share the address bo@x.org",
                new ObjectMapper().createObjectNode().set("emails", new ObjectMapper().valueToTree(List.of("Bo@x.org", "bo@x.org"))))));

        vm.refresh();

        assertThat(vm.alertsSummaryProperty().get()).isEqualTo("1 duplicate alert(s) from integrity check run 42 (10 min ago).");
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
    }

    @Test
    void aFilterMatchingNothingSaysSo() {
        vm.refresh();
        vm.kindProperty().set("Likely");
        assertThat(vm.pairs()).isEmpty();
        assertThat(vm.summaryProperty().get()).isEqualTo("0 of them match the filter (0 alert(s), 1 exact and 0 likely pair(s) read).");
    }

    private static DuplicateCandidate likely(long a, long b, double score) {
        return new DuplicateCandidate(DuplicateCandidate.Kind.LIKELY, party(a, "user" + a + "@example.org", "Name " + a, "active"),
                party(b, "user" + b + "@example.org", "Name " + b, "active"), score, List.of("similar names"));
    }

    private static DuplicateCandidate.Party party(Long id, String email, String name, String status) {
        return new DuplicateCandidate.Party(id, null, null, email, name, status);
    }
}
