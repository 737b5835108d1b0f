package org.nstcg.integrity.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import org.nstcg.integrity.engine.email.EmailCheck;
import org.nstcg.integrity.engine.email.EmailNormalizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code email}: email address tools that need no server. */
@Command(name = "email", mixinStandardHelpOptions = true, description = "Email address tools (no server needed).",
        subcommands = EmailCommand.Normalize.class)
final class EmailCommand {

    /** {@code email normalize [--] ADDRESS...}: one line per input, in order. */
    @Command(name = "normalize", mixinStandardHelpOptions = true,
            description = "Prints, for each address in order, exactly one line: its normalised form (the mailbox identity"
                    + " duplicates are judged by), or 'invalid: <reason>'. With no address, reads one per line from"
                    + " standard input. Exit code 0 when all are valid, 4 otherwise.")
    static final class Normalize implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ADDRESS", arity = "0..*", description = "Addresses; put -- before one that starts with '-'.")
        List<String> addresses;

        @Override
        public Integer call() throws Exception {
            EmailNormalizer normalizer = EmailNormalizer.withBuiltInRules();
            PrintWriter out = spec.commandLine().getOut();
            List<String> inputs = addresses != null && !addresses.isEmpty() ? addresses
                    : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).lines().toList();
            boolean allValid = true;
            for (String input : inputs) {
                EmailCheck check = normalizer.check(input);
                if (check instanceof EmailCheck.Valid v) {
                    out.println(v.address().normalized());
                } else {
                    allValid = false;
                    out.println("invalid: " + ((EmailCheck.Invalid) check).reason());
                }
            }
            out.flush();
            return allValid ? ExitCodes.OK : ExitCodes.INVALID;
        }
    }
}
