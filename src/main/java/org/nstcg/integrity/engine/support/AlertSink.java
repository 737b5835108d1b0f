package org.nstcg.integrity.engine.support;

/** Where alerts go. Must never block or throw: an alert is never a reason for the engine's work to fail. */
@FunctionalInterface
public interface AlertSink {

    void raise(Alert alert);
}
