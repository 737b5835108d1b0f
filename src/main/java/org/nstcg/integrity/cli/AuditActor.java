package org.nstcg.integrity.cli;

import java.util.Optional;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.support.ControlCharacters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The {@code --actor} of every command whose action goes into the audit trail: who acts, the OS user by default,
 * checked before anything is done (the audit trail takes 1 to 100 characters).
 */
final class AuditActor {

    @Option(names = "--actor", paramLabel = "NAME", defaultValue = "${sys:user.name}",
            description = "Who acts, recorded in the audit trail (default: the OS user, ${DEFAULT-VALUE}).")
    String actor;

    /** True when the actor can be recorded; otherwise says why on stderr and the command stops with a usage error. */
    boolean valid(CommandSpec spec) {
        if (actor == null || actor.isBlank() || actor.strip().length() > 100) {
            spec.commandLine().getErr().println("error: --actor must name who acts, in 1 to 100 characters.");
            return false;
        }
        Optional<String> refused = ControlCharacters.refusal("--actor", actor, false);
        if (refused.isPresent()) {
            spec.commandLine().getErr().println("error: " + refused.get() + ".");
            return false;
        }
        return true;
    }

    /** The actor as recorded. */
    String name() {
        return actor.strip();
    }

    /** The engine's actor for this command. */
    Actor actor() {
        return Actor.operator(name());
    }

    /**
     * The actor of a command that only reads (and so has no {@code --actor}): the OS user, whose access to the
     * engine's configuration is the credential.
     */
    static Actor reader() {
        String user = System.getProperty("user.name");
        return Actor.operator(user == null || user.isBlank() ? "cli" : user);
    }
}
