package org.nstcg.integrity.engine.saga;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.nstcg.integrity.engine.store.StepStatement;

/** Builds copies of a saga definition in which one step misbehaves: it fails (after its work or before) or stalls. */
final class FaultInjection {

    /** Thrown by an injected fault. */
    static final class InjectedFault extends RuntimeException {
        InjectedFault(String step) {
            super("injected fault in " + step);
        }
    }

    /** Thrown to simulate the process dying mid-saga: an Error, so the orchestrator does not handle it. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash() {
            super("simulated crash");
        }
    }

    private FaultInjection() {
    }

    /** How a copy wraps the actions of the original's step {@code i}. */
    private interface Wrapping<D> {
        <R> SagaStep.SqlAction<D> sql(int i, SagaStep<D, R> s);

        <R> SagaStep.LocalAction<D, R> local(int i, SagaStep<D, R> s);

        <R> SagaStep.RemoteAction<D, R> remote(int i, SagaStep<D, R> s);
    }

    /**
     * @param failing      index of the step that fails
     * @param afterWork    whether it fails after doing its work (a remote step's effect then exists)
     * @param failuresLeft how many times it fails before it works again (shared counter)
     * @param withPivot    keep the definition's pivot; without it every failure compensates
     */
    static <D> SagaDefinition<D> failing(SagaDefinition<D> original, int failing, boolean afterWork, AtomicInteger failuresLeft,
                                         boolean withPivot, String type) {
        return copy(original, type, original.stepTimeout(), withPivot, new Wrapping<>() {
            @Override
            public <R> SagaStep.SqlAction<D> sql(int i, SagaStep<D, R> s) {
                return (ctx, d) -> {
                    if (i == failing && !afterWork && failuresLeft.getAndDecrement() > 0) {
                        throw new InjectedFault(s.name());
                    }
                    var st = s.sqlAction().statement(ctx, d);
                    if (i == failing && afterWork && failuresLeft.getAndDecrement() > 0) {
                        // the step's CTEs run, then its result fails: the statement (and its work) is rolled back
                        return new StepStatement(st.ctes(),
                                "SELECT x.r || jsonb_build_object('fault', length(x.r::text) / 0) FROM (" + st.resultQuery() + ") x(r)",
                                st.params());
                    }
                    return st;
                };
            }

            @Override
            public <R> SagaStep.LocalAction<D, R> local(int i, SagaStep<D, R> s) {
                return (ctx, d, c) -> {
                    if (i == failing && !afterWork && failuresLeft.getAndDecrement() > 0) {
                        throw new InjectedFault(s.name());
                    }
                    var r = s.localAction().run(ctx, d, c);
                    if (i == failing && afterWork && failuresLeft.getAndDecrement() > 0) {
                        throw new InjectedFault(s.name());
                    }
                    return r;
                };
            }

            @Override
            public <R> SagaStep.RemoteAction<D, R> remote(int i, SagaStep<D, R> s) {
                return (ctx, d) -> {
                    if (i == failing && !afterWork && failuresLeft.getAndDecrement() > 0) {
                        throw new InjectedFault(s.name());
                    }
                    var r = s.remoteAction().run(ctx, d);
                    if (i == failing && afterWork && failuresLeft.getAndDecrement() > 0) {
                        throw new InjectedFault(s.name());
                    }
                    return r;
                };
            }
        });
    }

    /** The same definition, the statement of the SQL step named {@code step} rewritten by {@code rewrite}. */
    static <D> SagaDefinition<D> rewriting(SagaDefinition<D> original, String type, Duration stepTimeout, String step,
                                           UnaryOperator<StepStatement> rewrite) {
        return copy(original, type, stepTimeout, true, new Wrapping<>() {
            @Override
            public <R> SagaStep.SqlAction<D> sql(int i, SagaStep<D, R> s) {
                return s.name().equals(step) ? (ctx, d) -> rewrite.apply(s.sqlAction().statement(ctx, d)) : s.sqlAction();
            }

            @Override
            public <R> SagaStep.LocalAction<D, R> local(int i, SagaStep<D, R> s) {
                return s.localAction();
            }

            @Override
            public <R> SagaStep.RemoteAction<D, R> remote(int i, SagaStep<D, R> s) {
                return s.remoteAction();
            }
        });
    }

    /** A copy of {@code original}: same steps, compensations and transactions, actions wrapped by {@code wrapping}. */
    private static <D> SagaDefinition<D> copy(SagaDefinition<D> original, String type, Duration stepTimeout, boolean withPivot,
                                              Wrapping<D> wrapping) {
        SagaDefinition.Builder<D> b = SagaDefinition.builder(type, original.dataType()).stepTimeout(stepTimeout);
        List<SagaStep<D, ?>> steps = original.steps();
        for (int i = 0; i < steps.size(); i++) {
            add(b, i, steps.get(i), wrapping);
            if (original.joinsPrevious(i)) {
                b.joinPrevious();
            }
            if (withPivot && i == original.pivot()) {
                b.pivot();
            }
        }
        return b.build();
    }

    /** Adds step {@code i}, {@code s}, to {@code b}, its action wrapped, its key and compensation as they are. */
    private static <D, R> void add(SagaDefinition.Builder<D> b, int i, SagaStep<D, R> s, Wrapping<D> wrapping) {
        if (s.sql()) {
            b.sql(s.key(), wrapping.sql(i, s), s.sqlErrors(), s.localCompensation().orElse(null));
        } else if (s.local()) {
            b.local(s.key(), wrapping.local(i, s), s.localCompensation().orElse(null));
        } else {
            b.remote(s.key(), wrapping.remote(i, s), s.remoteCompensation().orElse(null));
        }
    }
}
