package org.nstcg.integrity.engine.saga;

/**
 * A step refusing to go on for a business reason (the mailbox is taken, say), as opposed to a fault. The saga
 * compensates what was done and ends {@code COMPENSATED}; the {@code reason} reaches the caller.
 */
public final class SagaRejection extends RuntimeException {

    private final String reason;

    public SagaRejection(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** A short machine-readable reason, e.g. {@code already_registered}. */
    public String reason() {
        return reason;
    }
}
