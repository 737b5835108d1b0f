package org.nstcg.integrity.console.viewmodel.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.service.SynchronousTaskRunner;
import org.nstcg.integrity.console.viewmodel.audit.AuditSource;
import org.nstcg.integrity.console.viewmodel.audit.AuditViewModel;
import org.nstcg.integrity.console.viewmodel.audit.VerifyState;
import org.nstcg.integrity.console.viewmodel.TimeRange;
import org.nstcg.integrity.engine.audit.AuditEntry;
import org.nstcg.integrity.engine.audit.AuditPage;
import org.nstcg.integrity.engine.audit.AuditQuery;
import org.nstcg.integrity.engine.audit.AuditTrail;
import org.nstcg.integrity.engine.audit.AuditVerification;
import org.nstcg.integrity.engine.support.DeepLink;
import org.nstcg.integrity.engine.support.EngineException;

/** The audit screen's state over a fake trail, without a stage. */
class AuditViewModelTest {

    private static final Instant NOW = Instant.parse("2026-05-02T12:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final SynchronousTaskRunner runner = new SynchronousTaskRunner();
    private final FakeTrail trail = new FakeTrail();

    private static final class FakeTrail implements AuditSource {
        final List<AuditEntry> entries = new ArrayList<>();
        final List<AuditQuery> queries = new ArrayList<>();
        AuditVerification verification = new AuditVerification(0, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
        RuntimeException verifyFailure;
        RuntimeException failure;

        @Override
        public AuditPage page(AuditQuery query, Optional<AuditPage.Cursor> after, int size) {
            if (failure != null) {
                throw failure;
            }
            queries.add(query);
            List<AuditEntry> matching = entries.stream().filter(e -> query.actor().map(a -> a.equals(e.actor())).orElse(true))
                    .filter(e -> after.map(c -> e.id() < c.id()).orElse(true)).toList();
            List<AuditEntry> page = matching.stream().limit(size).toList();
            AuditEntry last = page.isEmpty() ? null : page.get(page.size() - 1);
            return new AuditPage(page, matching.size() > size ? Optional.of(new AuditPage.Cursor(last.occurredAt(), last.id()))
                    : Optional.empty());
        }

        @Override
        public Optional<AuditEntry> entry(long id) {
            return entries.stream().filter(e -> e.id() == id).findFirst();
        }

        @Override
        public AuditVerification verify() {
            if (verifyFailure != null) {
                throw verifyFailure;
            }
            return verification;
        }
    }

    private void add(int n) {
        for (int i = n; i >= 1; i--) {
            trail.entries.add(new AuditEntry(i, NOW.minusSeconds(60L * (n - i)), i % 2 == 0 ? "alice" : "bob", "saga.retry",
                    Optional.of("saga"), Optional.of("s-" + i), Optional.of(JsonNodeFactory.instance.objectNode().put("status", "FAILED")),
                    Optional.of(JsonNodeFactory.instance.objectNode().put("status", "COMPENSATED")), Optional.of("reason\n" + i),
                    "p" + i, "h" + i));
        }
    }

    private AuditViewModel viewModel() {
        AuditViewModel vm = new AuditViewModel(trail, runner, clock, Duration.ofSeconds(5));
        vm.activate();
        return vm;
    }

    @Test
    void listsTheNewestEntriesInWordsAndPages() {
        add(AuditViewModel.PAGE_SIZE + 2);
        AuditViewModel vm = viewModel();

        assertThat(vm.rows()).hasSize(AuditViewModel.PAGE_SIZE);
        assertThat(vm.rows().get(0).id()).isEqualTo(52);
        assertThat(vm.rows().get(0).when()).isEqualTo("2026-05-02 12:00:00");
        assertThat(vm.rows().get(0).target()).isEqualTo("saga s-52");
        assertThat(vm.rows().get(0).details()).as("one line").isEqualTo("reason 52");
        assertThat(vm.pageTextProperty().get()).isEqualTo("Entries 1–50 · page 1");

        vm.nextPage();
        assertThat(vm.rows()).extracting(r -> r.id()).containsExactly(2L, 1L);
        assertThat(vm.pageTextProperty().get()).isEqualTo("Entries 51–52 of 52 · page 2");
        vm.firstPage();
        assertThat(vm.rows().get(0).id()).isEqualTo(52);
    }

    @Test
    void textFiltersApplyOnSearchAndChoicesAtOnce() {
        add(3);
        AuditViewModel vm = viewModel();
        int reads = trail.queries.size();

        vm.actorProperty().set("  alice ");
        vm.actionProperty().set("saga.*");
        vm.textProperty().set("");
        assertThat(trail.queries).as("typing does not search").hasSize(reads);

        vm.search();
        AuditQuery asked = trail.queries.get(trail.queries.size() - 1);
        assertThat(asked.actor()).contains("alice");
        assertThat(asked.action()).contains("saga.*");
        assertThat(asked.text()).isEmpty();
        assertThat(vm.rows()).extracting(r -> r.actor()).containsOnly("alice");

        vm.timeRangeProperty().set(TimeRange.LAST_24_HOURS);
        asked = trail.queries.get(trail.queries.size() - 1);
        assertThat(asked.from()).contains(NOW.minus(Duration.ofHours(24)));
        assertThat(asked.actor()).contains("alice");

        vm.clearFilters();
        assertThat(trail.queries.get(trail.queries.size() - 1)).isEqualTo(AuditQuery.ALL);
        assertThat(vm.actorProperty().get()).isEmpty();
        assertThat(vm.rows()).hasSize(3);
    }

    @Test
    void emptyStatesSayWhatWillAppearAndFailuresAreSentences() {
        AuditViewModel vm = viewModel();
        assertThat(vm.emptyTextProperty().get()).startsWith("The audit trail is empty.");

        vm.actorProperty().set("nobody");
        vm.search();
        assertThat(vm.emptyTextProperty().get()).isEqualTo("No entry matches these filters. Loosen them, or clear them to see the whole trail.");

        trail.failure = new EngineException("PostgreSQL could not read the audit trail (connection refused).");
        vm.refresh();
        assertThat(vm.errorProperty().get()).startsWith("Refresh failed at 12:00:00");
        assertThat(vm.errorDetailProperty().get()).isEqualTo("PostgreSQL could not read the audit trail (connection refused).");
    }

    @Test
    void theChosenEntryIsShownInFull() {
        add(2);
        AuditViewModel vm = viewModel();

        vm.selectedIdProperty().set(2L);

        assertThat(vm.detailShownProperty().get()).isTrue();
        assertThat(vm.detailTitleProperty().get()).isEqualTo("Entry 2 · saga.retry");
        assertThat(vm.detailTextProperty().get()).contains("Actor: alice", "Target: saga s-2", "Details: reason\n2");
        assertThat(vm.detailAfterProperty().get()).as("for the JSON viewer").startsWith("{\n  \"status\" : \"COMPENSATED\"");
        assertThat(vm.detailHashProperty().get()).isEqualTo("h2");
        assertThat(vm.detailPrevHashProperty().get()).isEqualTo("p2");
    }

    @Test
    void verifyReportsIntactOrTheFirstBrokenEntryAndCanShowIt() {
        add(3);
        AuditViewModel vm = viewModel();
        assertThat(vm.verifyStateProperty().get()).isEqualTo(VerifyState.NOT_RUN);

        trail.verification = new AuditVerification(3, Optional.empty(), Optional.empty(), Optional.of(3L), Optional.of("h3"));
        vm.verify();
        assertThat(vm.verifyStateProperty().get()).isEqualTo(VerifyState.INTACT);
        assertThat(vm.verifyTextProperty().get()).isEqualTo("Intact: all 3 entries verified at 12:00:00. Newest entry 3, hash h3;"
                + " keep it elsewhere to notice a cut end.");
        assertThat(vm.firstBadIdProperty().get()).isNull();

        trail.verification = new AuditVerification(3, Optional.empty(), Optional.of("the seals cannot be checked here. The audit key"
                + " is not at /x/audit.key"), Optional.of(3L), Optional.of("h3"), 0, true, 0);
        vm.verify();
        assertThat(vm.verifyStateProperty().get()).as("a trail this console cannot check is not called intact").isEqualTo(VerifyState.FAILED);
        assertThat(vm.verifyTextProperty().get()).startsWith("Not verified: the seals cannot be checked here.");
        assertThat(vm.firstBadIdProperty().get()).isNull();

        trail.verification = new AuditVerification(3, Optional.empty(), Optional.empty(), Optional.of(3L), Optional.of("h3"), 3, true, 1);
        vm.verify();
        assertThat(vm.verifyTextProperty().get()).endsWith(" 3 sealed with the deployment's audit key, 1 anchor checked.");

        trail.verification = new AuditVerification(3, Optional.of(2L),
                Optional.of("its content no longer matches its hash: it was changed after it was written"), Optional.of(3L), Optional.of("h3"));
        vm.verify();
        assertThat(vm.verifyStateProperty().get()).isEqualTo(VerifyState.BROKEN);
        assertThat(vm.verifyTextProperty().get()).startsWith("Broken at entry 2: its content no longer matches its hash");
        assertThat(vm.firstBadIdProperty().get()).isEqualTo(2L);

        vm.showFirstBadEntry();
        assertThat(vm.detailTitleProperty().get()).isEqualTo("Entry 2 · saga.retry");

        trail.entries.removeIf(e -> e.id() == 2);
        vm.showFirstBadEntry();
        assertThat(vm.detailTextProperty().get()).isEqualTo("Entry 2 is missing from the trail: it was removed behind the console's back.");
    }

    @Test
    void anAuditLinkOpensItsEntryWhateverThePageListsAndSaysWhenThereIsNone() {
        add(AuditViewModel.PAGE_SIZE + 5);
        AuditViewModel vm = viewModel();
        assertThat(vm.rows()).extracting(r -> r.id()).doesNotContain(2L);

        vm.open(DeepLink.audit(2));
        assertThat(vm.detailTitleProperty().get()).isEqualTo("Entry 2 · saga.retry");
        assertThat(vm.detailLinkProperty().get()).isEqualTo("integrity://audit/2");
        runner.tick();
        assertThat(vm.detailShownProperty().get()).as("kept open although the page does not list it").isTrue();
        assertThat(vm.link(vm.rows().get(0))).isEqualTo("integrity://audit/" + vm.rows().get(0).id());

        vm.open(DeepLink.audit(9999));
        assertThat(vm.detailShownProperty().get()).isTrue();
        assertThat(vm.detailTitleProperty().get()).isEqualTo("Entry 9999");
        assertThat(vm.detailTextProperty().get()).startsWith("Audit entry 9999 was not found: the trail has no entry with this number.");
        assertThat(vm.detailLinkProperty().get()).as("no link to copy for what is not there").isEmpty();
    }

    @Test
    void newEntriesAppearOnTheTimerAndAnEntryFilteredAwayLeavesTheDetailPane() {
        add(3);
        AuditViewModel vm = viewModel();
        vm.selectedIdProperty().set(3L);
        assertThat(vm.detailShownProperty().get()).isTrue();

        trail.entries.add(0, new AuditEntry(4, NOW, "alice", "user.merge", Optional.of("user"), Optional.of("7"), Optional.empty(),
                Optional.empty(), Optional.empty(), "h3", "h4"));
        runner.tick();
        assertThat(vm.rows()).extracting(r -> r.id()).as("the new entry, on the timer").startsWith(4L);
        assertThat(vm.detailShownProperty().get()).as("the entry shown is still listed").isTrue();

        vm.actorProperty().set("alice");
        vm.search();
        assertThat(vm.rows()).extracting(r -> r.id()).doesNotContain(3L);
        assertThat(vm.detailShownProperty().get()).as("entry 3 (bob's) is no longer listed").isFalse();
    }

    @Test
    void aVerificationThatCannotReadTheTrailSaysSo() {
        AuditViewModel vm = viewModel();
        // What AuditReader.verify throws when PostgreSQL is down.
        trail.verifyFailure = new EngineException("PostgreSQL could not read the audit trail (connection refused).",
                new SQLException("Connection refused", "08001"));

        vm.verify();

        assertThat(vm.verifyStateProperty().get()).isEqualTo(VerifyState.FAILED);
        assertThat(vm.verifyTextProperty().get())
                .isEqualTo("The chain could not be verified. PostgreSQL could not read the audit trail (connection refused).");
    }
}
