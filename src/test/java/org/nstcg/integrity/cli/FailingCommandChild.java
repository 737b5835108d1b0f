package org.nstcg.integrity.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The jar's command line in a child JVM, with one more sub-command, {@code fail MESSAGE}, that fails as a bug or a
 * library would (an {@link IllegalStateException} whose message quotes what it was given), so that a test sees what an
 * unexpected failure prints and logs. Without {@code fail} it is the jar's command line as it is.
 */
public final class FailingCommandChild {

    private FailingCommandChild() {
    }

    public static void main(String[] args) {
        CommandLine cl = IntegrityCli.commandLine((request, open) -> {
            throw new IllegalStateException("the console must not open");
        }, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        cl.addSubcommand(new Fail());
        System.exit(cl.execute(args));
    }

    @Command(name = "fail")
    static final class Fail implements Callable<Integer> {
        @Parameters(paramLabel = "MESSAGE")
        String message;

        @Override
        public Integer call() {
            throw new IllegalStateException(message);
        }
    }
}
