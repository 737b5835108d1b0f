package org.nstcg.integrity.engine.saga;

import java.util.Optional;
import java.util.UUID;
import org.nstcg.integrity.engine.store.Tx;

/**
 * Records an operator's action on a saga elsewhere (the audit trail), in the transaction that claims the saga, so
 * the action and its record commit together.
 */
@FunctionalInterface
public interface ManualActionRecorder {

    ManualActionRecorder NONE = (tx, sagaId, action, actor, reason, from, to, bulk) -> { };

    /**
     * Records the action on {@code tx}, the claiming transaction.
     *
     * @param bulk the bulk action it is part of ({@link SagaBulkActions}), empty for an action on this saga alone
     */
    void record(Tx tx, UUID sagaId, String action, String actor, String reason, SagaStatus from, SagaStatus to, Optional<UUID> bulk);
}
