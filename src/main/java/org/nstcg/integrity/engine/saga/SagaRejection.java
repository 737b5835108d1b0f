package org.nstcg.integrity.engine.saga;

import java.util.Objects;

/**
 * A step refusing to go on for a business reason (the mailbox is taken, say), as opposed to a fault. The saga
 * compensates what was done and ends {@code COMPENSATED}; the {@code reason} reaches the caller
 * ({@link SagaOutcome.Compensated#rejection}).
 */
public final class SagaRejection extends RuntimeException {

    /**
     * Why a saga refuses: a constant of an enum of the saga's own, so that its caller switches on it exhaustively.
     * Its {@link #code()} is what the saga log records ({@code last_error} {@code rejected: <code>: …}).
     */
    public interface Reason {
        /** A short machine-readable reason, e.g. {@code already_registered}. */
        String code();
    }

    private final Reason reason;

    public SagaRejection(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
