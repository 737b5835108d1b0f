package org.nstcg.integrity.engine.saga;

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
 * <p>A step returns its result as an {@code R} ({@link StepKey#type()}, a record), which the orchestrator records
 * as JSON and hands back typed to later steps ({@link StepContext#result}), to the step's own compensation and to
 * the saga's caller; a SQL step's result is the jsonb its statement builds, read into an {@code R}.
 *
 * @param <D> the saga's data
 * @param <R> the step's result
 */
public record SagaStep<D, R>(StepKey<R> key, boolean local, LocalAction<D, R> localAction, RemoteAction<D, R> remoteAction,
                             Optional<LocalCompensation<D, R>> localCompensation,
                             Optional<RemoteCompensation<D, R>> remoteCompensation, SqlAction<D> sqlAction, SqlErrors sqlErrors) {

    /**
     * Database work given as one statement ({@link StepStatement}); the orchestrator runs it together with the
     * step's event and the saga's advance as a single statement, hence a single round trip and transaction. The
     * statement's jsonb result must read as the step's result type.
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

    /** The step's name, as the saga log records it. */
    public String name() {
        return key.name();
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
    public interface LocalAction<D, R> {
        R run(StepContext ctx, D data, Tx tx) throws Exception;
    }

    /** Work outside the database; must be idempotent by the context's key. */
    @FunctionalInterface
    public interface RemoteAction<D, R> {
        R run(StepContext ctx, D data) throws Exception;
    }

    /** Undoes a local step in a transaction, on {@code tx}; {@code result} is what the step recorded. */
    @FunctionalInterface
    public interface LocalCompensation<D, R> {
        void run(StepContext ctx, D data, R result, Tx tx) throws Exception;
    }

    /** Undoes a remote step; {@code result} is null when the step may have run but its completion was not recorded. */
    @FunctionalInterface
    public interface RemoteCompensation<D, R> {
        void run(StepContext ctx, D data, R result) throws Exception;
    }

    public boolean compensatable() {
        return local ? localCompensation.isPresent() : remoteCompensation.isPresent();
    }

    /** Runs the local (Java) action. */
    Object runLocal(StepContext ctx, D data, Tx tx) throws Exception {
        return localAction.run(ctx, data, tx);
    }

    /** Runs the remote action. */
    Object runRemote(StepContext ctx, D data) throws Exception {
        return remoteAction.run(ctx, data);
    }

    /** Runs the local compensation, if any, with the step's recorded result (an {@code R}, or null). */
    void compensateLocal(StepContext ctx, D data, Object result, Tx tx) throws Exception {
        if (localCompensation.isPresent()) {
            localCompensation.get().run(ctx, data, key.type().cast(result), tx);
        }
    }

    /** Runs the remote compensation, if any, with the step's recorded result (an {@code R}, or null when unrecorded). */
    void compensateRemote(StepContext ctx, D data, Object result) throws Exception {
        if (remoteCompensation.isPresent()) {
            remoteCompensation.get().run(ctx, data, key.type().cast(result));
        }
    }
}
