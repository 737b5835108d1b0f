package org.nstcg.integrity.engine.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.AccessDeniedException;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.engine.audit.AuditEntry;
import org.nstcg.integrity.engine.saga.SagaEvent.ManualAction;
import org.nstcg.integrity.engine.support.BulkPreview;
import org.nstcg.integrity.engine.support.BulkResult;
import org.nstcg.integrity.engine.support.BulkResult.Outcome;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.ProbeSagas;
import org.nstcg.integrity.support.TestAccounts;
import org.nstcg.integrity.support.TestActors;

/**
 * Bulk retry and resolve of sagas that need attention: the preview lists exactly what the filter matches, the run
 * acts on each saga in its own transaction with its own audit entry (reason and bulk id), skips what changed since
 * the preview, stops at a cancel, and refuses a role without the permission before doing anything. Each test runs
 * {@link ProbeSagas} of its own type, so the tests share one engine without seeing each other's sagas.
 */
@IntegrityTest(settings = "console.refresh=1h")
class SagaBulkActionsIT {

    private static IntegrityEngine engine;
    private static Actor operator;
    private static Actor support;

    @BeforeAll
    static void signIn(IntegrityEngine started) {
        engine = started;
        operator = Actor.of(TestAccounts.signIn(engine, Role.OPERATOR));
        support = Actor.of(TestAccounts.signIn(engine, Role.SUPPORT));
    }

    @Test
    void thePreviewListsExactlyTheSagasNeedingAttentionThatTheFilterMatches() {
        List<UUID> broken = needingAttention("bulk-filter", 3);
        needingAttention("bulk-other", 1);
        engine.sagas().resolve(broken.get(1), operator, "refunded by hand");

        BulkPreview<UUID> retry = bulk().preview(operator, ManualAction.RETRY, byType("bulk-filter"));

        assertThat(retry.keys()).as("newest first, the resolved one and the other type left out")
                .containsExactly(broken.get(2), broken.get(0));
        assertThat(retry.items()).allSatisfy(i -> {
            assertThat(i.applicable()).isTrue();
            assertThat(i.plan()).isEqualTo("retry: resumes its rollback at the undo of Write");
            assertThat(i.label()).contains("bulk-filter");
        });
        assertThat(retry.truncated()).isFalse();
        assertThat(bulk().preview(operator, ManualAction.RESOLVE, byType("bulk-filter")).items())
                .extracting(BulkPreview.Item::plan).containsOnly("resolve: marks it resolved by hand; it is not run again");
        SagaQuery completedOnly = new SagaQuery(Optional.of(SagaStatus.COMPLETED), Optional.of("bulk-filter"), Optional.empty(), Optional.empty());
        assertThat(bulk().preview(operator, ManualAction.RETRY, completedOnly).items()).as("a filter on another status matches none").isEmpty();
        assertThat(status(broken.get(0))).as("a preview writes nothing").isEqualTo(SagaStatus.FAILED_NEEDS_ATTENTION);
    }

    @Test
    void theRunRetriesEachSagaWithItsOwnAuditEntryCarryingTheReasonAndTheBulkId() {
        List<UUID> broken = needingAttention("bulk-run", 3);
        BulkPreview<UUID> preview = bulk().preview(operator, ManualAction.RETRY, byType("bulk-run"));
        List<String> progress = new ArrayList<>();

        BulkResult<UUID> result = bulk().run(operator, ManualAction.RETRY, preview.keys(), "  undo of Write mended ",
                (message, done, total) -> progress.add(message + " " + done + "/" + total), () -> false);

        assertThat(result.items()).extracting(BulkResult.Item::outcome).containsOnly(Outcome.DONE);
        assertThat(result.items()).extracting(BulkResult.Item::why).containsOnly("retried: rolled back, every step undone");
        assertThat(result.cancelled()).isFalse();
        assertThat(progress).containsExactly("Retrying saga 1 of 3… 0/3", "Retrying saga 2 of 3… 1/3", "Retrying saga 3 of 3… 2/3",
                "Retrying finished: 3 of 3 done. 3/3");
        for (UUID id : broken) {
            assertThat(status(id)).isEqualTo(SagaStatus.COMPENSATED);
            List<AuditEntry> audited = audit("saga.retry", id);
            assertThat(audited).hasSize(1);
            assertThat(audited.get(0).actor()).isEqualTo(TestAccounts.username(Role.OPERATOR));
            assertThat(audited.get(0).details()).contains("undo of Write mended");
            assertThat(audited.get(0).after().orElseThrow().path("bulk").asText()).isEqualTo(result.bulkId().toString());
            assertThat(engine.sagas().show(operator, id).orElseThrow().events()).anySatisfy(e -> {
                assertThat(e.manualAction()).contains(ManualAction.RETRY);
                assertThat(e.reason()).contains("undo of Write mended");
            });
        }
    }

    @Test
    void aSagaResolvedBySomeoneElseBetweenPreviewAndRunIsSkippedAndReported() {
        List<UUID> broken = needingAttention("bulk-race", 3);
        BulkPreview<UUID> preview = bulk().preview(operator, ManualAction.RESOLVE, byType("bulk-race"));
        assertThat(preview.keys()).hasSize(3);
        UUID meanwhile = broken.get(1);
        engine.sagas().resolve(meanwhile, TestActors.OPERATOR, "done by hand elsewhere");

        BulkResult<UUID> result = bulk().run(operator, ManualAction.RESOLVE, preview.keys(), "refunded", ProgressListener.NONE, () -> false);

        assertThat(result.with(Outcome.DONE)).extracting(BulkResult.Item::key).containsExactlyInAnyOrder(broken.get(0), broken.get(2));
        assertThat(result.with(Outcome.SKIPPED)).singleElement().satisfies(i -> {
            assertThat(i.key()).isEqualTo(meanwhile);
            assertThat(i.why()).isEqualTo("it is now resolved by hand; someone acted on it since the preview");
        });
        assertThat(audit("saga.resolve", meanwhile)).as("only the other operator's resolve is audited").singleElement()
                .satisfies(e -> assertThat(e.details()).contains("done by hand elsewhere"));
    }

    @Test
    void aCancelAfterTwoSagasLeavesExactlyTwoDoneAndReportsTheRestAsNotRun() {
        List<UUID> broken = needingAttention("bulk-cancel", 4);
        BulkPreview<UUID> preview = bulk().preview(operator, ManualAction.RESOLVE, byType("bulk-cancel"));
        AtomicInteger asked = new AtomicInteger();

        BulkResult<UUID> result = bulk().run(operator, ManualAction.RESOLVE, preview.keys(), "refunded", ProgressListener.NONE,
                () -> asked.getAndIncrement() >= 2);

        assertThat(result.cancelled()).isTrue();
        assertThat(result.count(Outcome.DONE)).isEqualTo(2);
        assertThat(result.count(Outcome.NOT_RUN)).isEqualTo(2);
        assertThat(result.items().subList(0, 2)).extracting(BulkResult.Item::outcome).containsOnly(Outcome.DONE);
        assertThat(broken.stream().filter(id -> status(id) == SagaStatus.RESOLVED).count()).isEqualTo(2);
        assertThat(broken.stream().filter(id -> status(id) == SagaStatus.FAILED_NEEDS_ATTENTION).count()).isEqualTo(2);
        assertThat(broken.stream().mapToInt(id -> audit("saga.resolve", id).size()).sum()).isEqualTo(2);
    }

    @Test
    void aRoleWithoutThePermissionOrABlankReasonIsRefusedBeforeAnythingRuns() {
        List<UUID> broken = needingAttention("bulk-denied", 2);
        assertThatThrownBy(() -> bulk().preview(support, ManualAction.RESOLVE, byType("bulk-denied")))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> bulk().run(support, ManualAction.RESOLVE, broken, "refunded", ProgressListener.NONE, () -> false))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> bulk().run(operator, ManualAction.RESOLVE, broken, "  ", ProgressListener.NONE, () -> false))
                .isInstanceOf(EngineException.class).hasMessageContaining("needs a reason");
        for (UUID id : broken) {
            assertThat(status(id)).isEqualTo(SagaStatus.FAILED_NEEDS_ATTENTION);
            assertThat(audit("saga.resolve", id)).isEmpty();
        }
    }

    private static SagaBulkActions bulk() {
        return engine.sagas().bulk();
    }

    private static SagaQuery byType(String type) {
        return new SagaQuery(Optional.empty(), Optional.of(type), Optional.empty(), Optional.empty());
    }

    private static SagaStatus status(UUID id) {
        return engine.sagas().show(TestActors.OPERATOR, id).orElseThrow().status();
    }

    private static List<AuditEntry> audit(String action, UUID saga) {
        return engine.audit().list(TestActors.OPERATOR, Optional.empty(), Optional.of(action), Optional.of(saga.toString()),
                Optional.empty(), 10);
    }

    private static List<UUID> needingAttention(String type, int count) {
        return ProbeSagas.needingAttention(engine, type, count);
    }
}
