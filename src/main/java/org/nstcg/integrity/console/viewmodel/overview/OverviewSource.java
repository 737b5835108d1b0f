package org.nstcg.integrity.console.viewmodel.overview;

import org.nstcg.integrity.engine.integrity.OverviewFigures;

/** Where the overview reads its figures; the console passes the engine's {@code OverviewReader}, tests a fake. */
@FunctionalInterface
public interface OverviewSource {

    /** Reads the figures now; slow and may throw an {@code EngineException}, so it is never called on the FX thread. */
    OverviewFigures read();
}
