package org.nstcg.integrity.console;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.nstcg.integrity.console.viewmodel.sagas.SagaSource;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.saga.SagaEvent;
import org.nstcg.integrity.engine.saga.SagaOutcome;
import org.nstcg.integrity.engine.saga.SagaPage;
import org.nstcg.integrity.engine.saga.SagaQuery;
import org.nstcg.integrity.engine.saga.SagaRecord;
import org.nstcg.integrity.engine.saga.SagaService;
import org.nstcg.integrity.engine.saga.SagaStatus;
import org.nstcg.integrity.engine.support.BulkPreview;
import org.nstcg.integrity.engine.support.BulkResult;
import org.nstcg.integrity.engine.support.ProgressListener;

/** The Sagas screen's source: the engine's saga service, acting as the signed-in {@code actor}. */
public record EngineSagaSource(SagaService sagas, Actor actor) implements SagaSource {


    @Override
    public SagaPage page(SagaQuery query, Optional<SagaPage.Cursor> after, int size) {
        return sagas.page(actor, query, after, size);
    }

    @Override
    public Optional<SagaRecord> show(UUID id) {
        return sagas.show(actor, id);
    }

    @Override
    public List<String> types() {
        return sagas.types(actor);
    }

    @Override
    public SagaOutcome retry(UUID id, String reason) {
        return sagas.retry(id, actor, reason);
    }

    @Override
    public void resolve(UUID id, String note) {
        sagas.resolve(id, actor, note);
    }

    @Override
    public boolean needsAttention(SagaQuery filter) {
        SagaQuery needing = new SagaQuery(Optional.of(SagaStatus.FAILED_NEEDS_ATTENTION), filter.type(), filter.from(), filter.to());
        return !sagas.page(actor, needing, Optional.empty(), 1).sagas().isEmpty();
    }

    @Override
    public BulkPreview<UUID> bulkPreview(SagaEvent.ManualAction action, SagaQuery filter) {
        return sagas.bulk().preview(actor, action, filter);
    }

    @Override
    public BulkResult<UUID> bulkRun(SagaEvent.ManualAction action, List<UUID> ids, String reason, ProgressListener progress,
                                    BooleanSupplier cancelled) {
        return sagas.bulk().run(actor, action, ids, reason, progress, cancelled);
    }
}
