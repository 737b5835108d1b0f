package org.nstcg.integrity.cli;

import java.time.Clock;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.ConfigLoader;
import org.nstcg.integrity.engine.support.ProgressListener;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Starts the engine a command needs, from the command line's settings, this process's environment and config file: a
 * {@link IntegrityEngine.Mode#ONE_SHOT} engine, which starts no background work (a long-running instance recovers,
 * samples and checks).
 */
final class EngineStarter {

    private EngineStarter() {
    }

    static IntegrityEngine start(CommandSpec spec) {
        return IntegrityEngine.start(IntegrityCli.configRequest(spec).load(ConfigLoader.forThisProcess()), Clock.systemUTC(),
                ProgressListener.NONE, IntegrityEngine.Mode.ONE_SHOT);
    }
}
