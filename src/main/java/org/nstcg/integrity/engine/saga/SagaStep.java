package org.nstcg.integrity.engine.saga;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.nstcg.integrity.engine.store.StepStatement;
import org.nstcg.integrity.engine.store.StoreException;
import org.nstcg.integrity.engine.store.Tx;

/**
 * One named step of a saga. A <b>local</b> step works in a database transaction that the orchestrator opens and
 * commits together with the step's event, so it applies exactly once. A <b>remote</b> step (Redis, another
 * service) runs outside it and must be idempotent by {@link StepContext#idempotencyKey()}. Compensation is
 * absent for steps with no effect to undo.
 *
 * @param <D> the saga's data
 */
public record SagaStep<D>(String name, boolean local, LocalAction<D> localAction, RemoteAction<D> remoteAction,
                          Optional<LocalCompensation<D>> localCompensation, Optional<RemoteCompensation<D>> remoteCompensation,
                          SqlAction<D> sqlAction, SqlErrors sqlErrors) {

    /**
     * Database work given as one statement ({@link StepStatement}); the orchestrator runs it together with the
     * step's event and the saga's advance as a single statement, hence a single round trip and transaction.
     */
    @FunctionalInterface
    public interface SqlAction<D> {
        StepStatement statement(StepContext ctx, D data) throws Exception;
    }

    /** Turns a database error of a SQL step into the exception the saga should see (a {@link SagaRejection}, say). */
    @FunctionalInterface
    public interface SqlErrors {
        Exception translate(StoreException e);
    }

    /** Whether this local step is given as one statement. */
    public boolean sql() {
        return sqlAction != null;
    }

    /**
     * Database work in the step's transaction, on {@code tx}; returns the step's result (recorded as JSON), or null.
     * To have the driver cancel its statements at the step's deadline, it sets {@code tx.queryTimeout(ctx.remaining())}.
     */
    @FunctionalInterface
    public interface LocalAction<D> {
        JsonNode run(StepContext ctx, D data, Tx tx) throws Exception;
    }

    /** Work outside the database; must be idempotent by the context's key. */
    @FunctionalInterface
    public interface RemoteAction<D> {
        JsonNode run(StepContext ctx, D data) throws Exception;
    }

    /** Undoes a local step in a transaction, on {@code tx}; {@code result} is what the step recorded. */
    @FunctionalInterface
    public interface LocalCompensation<D> {
        void run(StepContext ctx, D data, JsonNode result, Tx tx) throws Exception;
    }

    /** Undoes a remote step; {@code result} is null when the step may have run but its completion was not recorded. */
    @FunctionalInterface
    public interface RemoteCompensation<D> {
        void run(StepContext ctx, D data, JsonNode result) throws Exception;
    }

    public boolean compensatable() {
        return local ? localCompensation.isPresent() : remoteCompensation.isPresent();
    }
}
