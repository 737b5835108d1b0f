package org.nstcg.integrity.console.viewmodel.connect;

import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.EngineConfig;
import org.nstcg.integrity.engine.support.ProgressListener;

/** Starts the engine; the console passes {@code IntegrityEngine::start}, tests a fake that fails on purpose. */
@FunctionalInterface
public interface EngineStarter {

    /** Slow (it may start embedded servers and migrate the schema), so it is never called on the FX thread. */
    IntegrityEngine start(EngineConfig config, ProgressListener progress);
}
