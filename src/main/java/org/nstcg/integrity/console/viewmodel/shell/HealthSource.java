package org.nstcg.integrity.console.viewmodel.shell;

import org.nstcg.integrity.engine.EngineHealth;

/** Where the status bar reads server health; the console passes {@code engine::health}, tests a fake. */
@FunctionalInterface
public interface HealthSource {

    /** Checks both servers now; may wait up to the connect timeout, so it is never called on the FX thread. */
    EngineHealth health();
}
