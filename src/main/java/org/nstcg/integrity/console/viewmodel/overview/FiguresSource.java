package org.nstcg.integrity.console.viewmodel.overview;

import org.nstcg.integrity.engine.store.PlatformFigures;

/** Where the overview reads its figures; the console passes {@code engine::figures}, tests a fake. */
@FunctionalInterface
public interface FiguresSource {

    /** Reads the figures now; slow and may throw an {@code EngineException}, so it is never called on the FX thread. */
    PlatformFigures figures();
}
