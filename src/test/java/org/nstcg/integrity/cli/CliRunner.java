package org.nstcg.integrity.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the jar's command line in-process and keeps what it printed. */
final class CliRunner {

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return IntegrityCli.commandLine((r, open) -> {
            throw new AssertionError("the console must not open");
        }, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }
}
