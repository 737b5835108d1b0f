package org.nstcg.integrity;

import org.nstcg.integrity.cli.IntegrityCli;
import org.nstcg.integrity.console.ConsoleLauncher;

/**
 * Main class of the jar. Deliberately not a JavaFX {@code Application}, so {@code java -jar} works with JavaFX on
 * the class path. With no sub-command it opens the console; with one it runs the CLI.
 */
public final class Launcher {

    private Launcher() {
    }

    public static void main(String[] args) {
        int code = IntegrityCli.run(args, ConsoleLauncher::launch);
        System.exit(code);
    }
}
