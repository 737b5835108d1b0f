package org.nstcg.integrity;

import org.nstcg.integrity.cli.IntegrityCli;
import org.nstcg.integrity.console.ConsoleLauncher;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Main class of the jar. Deliberately not a JavaFX {@code Application}, so {@code java -jar} works with JavaFX on
 * the class path. With no sub-command it opens the console; with one it runs the CLI.
 */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) {
        // java.util.logging (JavaFX, some drivers) goes to our log file instead of the terminal.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        int code = IntegrityCli.run(args, ConsoleLauncher::launch);
        System.exit(code);
    }
}
