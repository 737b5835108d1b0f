package org.nstcg.integrity.engine.saga;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Builds a copy of a saga definition in which one step fails, after doing its work or before. */
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

    /**
     * @param failing      index of the step that fails
     * @param afterWork    whether it fails after doing its work (a remote step's effect then exists)
     * @param failuresLeft how many times it fails before it works again (shared counter)
     * @param withPivot    keep the definition's pivot; without it every failure compensates
     */
    static <D> SagaDefinition<D> failing(SagaDefinition<D> original, int failing, boolean afterWork, AtomicInteger failuresLeft,
                                         boolean withPivot, String type) {
        SagaDefinition.Builder<D> b = SagaDefinition.builder(type, original.dataType()).stepTimeout(original.stepTimeout());
        List<SagaStep<D>> steps = original.steps();
        for (int i = 0; i < steps.size(); i++) {
            SagaStep<D> s = steps.get(i);
            boolean inject = i == failing;
            if (s.sql()) {
                b.sql(s.name(), (ctx, d) -> {
                    if (inject && !afterWork && failuresLeft.getAndDecrement() > 0) {
                        throw new InjectedFault(s.name());
                    }
                    var st = s.sqlAction().statement(ctx, d);
                    if (inject && afterWork && failuresLeft.getAndDecrement() > 0) {
                        // the step's CTEs run, then its result fails: the statement (and its work) is rolled back
                        return new org.nstcg.integrity.engine.store.StepStatement(st.ctes(),
                                "SELECT x.r || jsonb_build_object('fault', length(x.r::text) / 0) FROM (" + st.resultQuery() + ") x(r)",
                                st.binder());
                    }
                    return st;
                }, s.sqlErrors(), s.localCompensation().orElse(null));
            } else if (s.local()) {
                b.local(s.name(), (ctx, d, c) -> {
                    if (inject && !afterWork && failuresLeft.getAndDecrement() > 0) {
                        throw new InjectedFault(s.name());
                    }
                    var r = s.localAction().run(ctx, d, c);
                    if (inject && afterWork && failuresLeft.getAndDecrement() > 0) {
                        throw new InjectedFault(s.name());
                    }
                    return r;
                }, s.localCompensation().orElse(null));
            } else {
                b.remote(s.name(), (ctx, d) -> {
                    if (inject && !afterWork && failuresLeft.getAndDecrement() > 0) {
                        throw new InjectedFault(s.name());
                    }
                    var r = s.remoteAction().run(ctx, d);
                    if (inject && afterWork && failuresLeft.getAndDecrement() > 0) {
                        throw new InjectedFault(s.name());
                    }
                    return r;
                }, s.remoteCompensation().orElse(null));
            }
            if (original.joinsPrevious(i)) {
                b.joinPrevious();
            }
            if (withPivot && i == original.pivot()) {
                b.pivot();
            }
        }
        return b.build();
    }
}
