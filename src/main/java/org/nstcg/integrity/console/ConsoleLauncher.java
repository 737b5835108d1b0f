package org.nstcg.integrity.console;

import org.nstcg.integrity.engine.config.ConfigRequest;

/** Opens the console window. (Placeholder until the console shell lands.) */
public final class ConsoleLauncher {

    private ConsoleLauncher() {
    }

    public static int launch(ConfigRequest request) {
        throw new UnsupportedOperationException("console not built yet");
    }
}
