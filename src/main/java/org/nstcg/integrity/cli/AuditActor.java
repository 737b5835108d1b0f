package org.nstcg.integrity.cli;

import java.util.Optional;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.support.ControlCharacters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * Who acts, for every command whose action goes into the audit trail: always the OS user, with {@code --actor} as a
 * label (never the label alone: issue 14), or a console account signed in with {@code --sign-in}. The engine makes the
 * actor and checks it: administrator-only actions need the schema owner's credentials or an administrator's sign-in.
 */
final class AuditActor {

    /** What {@code --help} of an administrator-only command says about it. */
    static final String ADMINISTRATOR_ONLY = "Administrator-only: needs the schema owner's credentials in the configuration"
            + " (db.migration-user and db.migration-password, or one login that owns the schema, as the embedded default does)"
            + " or --sign-in with a console administrator's account (its password from the terminal, or the first line of"
            + " standard input).";

    @Option(names = "--actor", paramLabel = "LABEL",
            description = "A label recorded with your OS user (${sys:user.name}) in the audit trail, e.g. who you act for or a"
                    + " ticket; 1 to 40 characters. The OS user is always recorded.")
    String actor;

    @Option(names = "--sign-in", paramLabel = "ACCOUNT",
            description = "Act as this console account (its role decides what it may do); its password is read from the terminal,"
                    + " or the first line of standard input.")
    String signIn;

    /** True when the options can be recorded; otherwise says why on stderr and the command stops with a usage error. */
    boolean valid(CommandSpec spec) {
        if (actor != null && (actor.isBlank() || actor.strip().length() > Actor.MAX_LABEL)) {
            spec.commandLine().getErr().println("error: --actor takes a label of 1 to " + Actor.MAX_LABEL + " characters.");
            return false;
        }
        if (signIn != null && signIn.isBlank()) {
            spec.commandLine().getErr().println("error: --sign-in must name a console account.");
            return false;
        }
        Optional<String> refused = ControlCharacters.refusal("--actor", actor, false);
        if (refused.isPresent()) {
            spec.commandLine().getErr().println("error: " + refused.get() + ".");
            return false;
        }
        return true;
    }

    /** Who acts, as the audit trail will show it (before the engine checks it): the OS user and the label, or the account. */
    String name() {
        String user = System.getProperty("user.name");
        return signIn != null ? signIn.strip() + " (cli, OS user " + user + ")"
                : user + " (cli" + Optional.ofNullable(actor).map(a -> ", --actor " + a.strip()).orElse("") + ")";
    }

    /**
     * The engine's actor for this command: a console account when {@code --sign-in} was given (its password read now),
     * otherwise the OS user with the label.
     *
     * @throws org.nstcg.integrity.engine.account.AccessDeniedException when the sign-in fails
     */
    Actor actor(IntegrityEngine engine) {
        if (signIn != null) {
            return engine.cliSignIn(signIn.strip(), Stdin.password("Password for " + signIn.strip() + ": "));
        }
        return engine.cliOperator(Optional.ofNullable(actor).map(String::strip));
    }

    /** The actor of a command that only reads (and so has no {@code --actor}): the OS user. */
    static Actor reader(IntegrityEngine engine) {
        return engine.cliOperator(Optional.empty());
    }
}
