package org.nstcg.integrity.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.nstcg.integrity.engine.support.DeepLink;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.referral.ReferralCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code referral}: referral code tools. */
@Command(name = "referral", mixinStandardHelpOptions = true, description = "Referral code tools.",
        subcommands = ReferralCommand.Check.class)
final class ReferralCommand {

    /** {@code referral check CODE}. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Says whether a typed code is valid (and whose it is), mistyped, or unknown. Case, O/0, I/L/1"
                    + " and a wrong name prefix are tolerated. Exit code 0 valid, 3 unknown, 4 mistyped or longer than any code"
                    + " (32 characters), 2 server unreachable.")
    static final class Check implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "CODE", description = "The code as typed.")
        String code;

        @Override
        public Integer call() {
            ReferralCheck result;
            try (IntegrityEngine engine = EngineStarter.start(spec)) {
                result = engine.referralCodes().check(code);
            }
            PrintWriter out = spec.commandLine().getOut();
            if (result instanceof ReferralCheck.Known k) {
                out.printf("valid: %s belongs to user %d (%s, %s)%s%n", k.code(), k.owner().userId(), k.owner().firstName(),
                        k.owner().emailNormalized(), k.owner().viaMerge() ? ", into whom its first owner was merged" : "");
                out.println("link: " + DeepLink.user(k.owner().userId()).text());
                return ExitCodes.OK;
            }
            if (result instanceof ReferralCheck.Invalid invalid) {
                out.println("invalid: the code " + invalid.reason());
                return ExitCodes.INVALID;
            }
            if (result instanceof ReferralCheck.Mistyped mistyped) {
                out.println("mistyped: the last character of " + code.strip() + " does not match the others; a letter was"
                        + " probably changed or two were swapped" + mistyped.suggestion().map(s -> " (did you mean " + s + "?)").orElse(""));
                return ExitCodes.INVALID;
            }
            out.println("unknown: " + code.strip() + " " + ((ReferralCheck.Unknown) result).reason());
            return ExitCodes.ALREADY;
        }
    }
}
