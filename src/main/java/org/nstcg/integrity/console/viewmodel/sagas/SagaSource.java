package org.nstcg.integrity.console.viewmodel.sagas;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.nstcg.integrity.engine.saga.SagaEvent;
import org.nstcg.integrity.engine.saga.SagaOutcome;
import org.nstcg.integrity.engine.saga.SagaPage;
import org.nstcg.integrity.engine.saga.SagaQuery;
import org.nstcg.integrity.engine.saga.SagaRecord;
import org.nstcg.integrity.engine.support.BulkPreview;
import org.nstcg.integrity.engine.support.BulkResult;
import org.nstcg.integrity.engine.support.ProgressListener;

/**
 * The engine calls of the sagas screen; the console passes the engine's saga service with the signed-in user's
 * permission checks (and name, for retry and resolve), tests a fake. Every method is slow and may throw an
 * {@code EngineException}, so none is called on the FX thread.
 */
public interface SagaSource {

    SagaPage page(SagaQuery query, Optional<SagaPage.Cursor> after, int size);

    /** One saga with its timeline. */
    Optional<SagaRecord> show(UUID id);

    /** The saga types the engine knows, to offer as filters. */
    List<String> types();

    /** Retries a saga that needs attention, as the signed-in user. */
    SagaOutcome retry(UUID id, String reason);

    /** Marks a saga that needs attention as handled by hand, as the signed-in user. */
    void resolve(UUID id, String note);

    /** Whether any saga that needs attention matches {@code filter} (its status aside): one indexed read. */
    boolean needsAttention(SagaQuery filter);

    /** What retrying or resolving every saga needing attention that {@code filter} matches would do, as the signed-in user. */
    BulkPreview<UUID> bulkPreview(SagaEvent.ManualAction action, SagaQuery filter);

    /** Retries or resolves each of {@code ids}, as the signed-in user, with one reason; stops before the next once cancelled. */
    BulkResult<UUID> bulkRun(SagaEvent.ManualAction action, List<UUID> ids, String reason, ProgressListener progress,
                             BooleanSupplier cancelled);
}
