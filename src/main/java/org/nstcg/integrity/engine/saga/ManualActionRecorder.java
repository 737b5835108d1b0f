package org.nstcg.integrity.engine.saga;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Records an operator's action on a saga elsewhere (the audit trail), in the transaction that claims the saga, so
 * the action and its record commit together.
 */
@FunctionalInterface
public interface ManualActionRecorder {

    ManualActionRecorder NONE = (c, sagaId, action, actor, reason, from, to) -> { };

    void record(Connection c, UUID sagaId, String action, String actor, String reason, SagaStatus from, SagaStatus to)
            throws SQLException;
}
