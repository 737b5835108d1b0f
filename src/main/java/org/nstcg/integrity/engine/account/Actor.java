package org.nstcg.integrity.engine.account;

import org.nstcg.integrity.engine.support.ControlCharacters;

/**
 * Who asks the engine to act. Engine services that change something take an actor, check its permission and write
 * the audit entry themselves, so that no face (console, CLI, and the HTTP server to come) can forget either.
 */
public sealed interface Actor permits Actor.Console, Actor.Operator, Actor.CliOperator, Actor.CliSignedIn, Actor.Scheduled, Actor.OnBehalf {

    /** Longest name the audit trail records. */
    int MAX_NAME = 100;

    /**
     * Checks that this actor may do {@code permission} now and returns its name for the audit trail.
     *
     * @throws AccessDeniedException when it may not
     */
    String authorize(Permission permission);

    /** A signed-in console user: its role decides, checked again against the account at each call. */
    static Actor of(Session session) {
        return new Console(session);
    }

    /**
     * A trusted operator whose name is recorded as given: every permission is granted. For the engine's own tools
     * (benchmarks) and tests; faces never make one (ArchitectureTest): the CLI's actor is a {@link CliOperator} or a
     * {@link CliSignedIn}, which the engine makes.
     */
    static Actor operator(String name) {
        return new Operator(name);
    }

    /** Longest {@code --actor} label of a CLI operator, so that OS user, label and marks fit the audit trail. */
    int MAX_LABEL = 40;

    /**
     * Someone running the CLI as OS user {@code osUser}, with an optional {@code --actor} label: recorded as
     * {@code osUser (cli, --actor label)}, never as the label alone. Access to the configuration grants what the engine's
     * login can do, except {@linkplain Permission#administrative() administrator-only} actions, which need
     * {@code ownerCredentials} (the configuration holds the schema owner's login); otherwise a console administrator
     * signs in ({@link #cliSignedIn}).
     */
    static Actor cliOperator(String osUser, java.util.Optional<String> label, java.util.function.BooleanSupplier ownerCredentials) {
        return new CliOperator(osUser, label, ownerCredentials);
    }

    /** A console account signed in at the CLI by OS user {@code osUser}: its role decides; recorded with the OS user. */
    static Actor cliSignedIn(String osUser, Session session) {
        return new CliSignedIn(osUser, session);
    }

    /** The engine itself, on a schedule: {@code component} names what acts (recorded as {@code system:<component>}). */
    static Actor system(String component) {
        return new Scheduled(component);
    }

    /**
     * For an engine service that does its work through another's: checks once, now, that {@code of} holds
     * {@code because}, and whatever the other service checks afterwards is granted on that ground without asking again
     * (the duplicate-email repair merges users for an actor who may apply repairs, and is never refused half-way).
     * Faces never make one (ArchitectureTest); its constructor is private, so none can be made without the check.
     *
     * @throws AccessDeniedException when {@code of} may not do {@code because}
     */
    static OnBehalf onBehalf(Actor of, Permission because) {
        return new OnBehalf(of, because, of.authorize(because));
    }

    /** {@link #onBehalf}: the check was made when it was created; {@link #name} is what the audit trail records. */
    final class OnBehalf implements Actor {
        private final Actor of;
        private final Permission because;
        private final String name;

        private OnBehalf(Actor of, Permission because, String name) {
            this.of = of;
            this.because = because;
            this.name = name;
        }

        /** The checked actor's name for the audit trail. */
        public String name() {
            return name;
        }

        @Override
        public String authorize(Permission permission) {
            return name;
        }

        @Override
        public String toString() {
            return "on behalf of " + of + " (" + because + ")";
        }
    }

    record Console(Session session) implements Actor {
        @Override
        public String authorize(Permission permission) {
            return session.authorize(permission);
        }
    }

    record Operator(String name) implements Actor {
        public Operator {
            if (name == null || name.isBlank() || name.strip().length() > MAX_NAME) {
                throw new IllegalArgumentException("an operator's name takes 1 to " + MAX_NAME + " characters");
            }
            ControlCharacters.refusal("an operator's name (--actor)", name, false).ifPresent(why -> {
                throw new IllegalArgumentException(why);
            });
            name = name.strip();
        }

        @Override
        public String authorize(Permission permission) {
            return name;
        }
    }

    /** {@link #cliOperator}. */
    final class CliOperator implements Actor {
        private final String name;
        private final java.util.function.BooleanSupplier ownerCredentials;

        private CliOperator(String osUser, java.util.Optional<String> label, java.util.function.BooleanSupplier ownerCredentials) {
            String user = osUser == null || osUser.isBlank() ? "unknown" : osUser.strip();
            user = user.length() > 40 ? user.substring(0, 40) : user;
            label.ifPresent(l -> {
                if (l.isBlank() || l.strip().length() > MAX_LABEL) {
                    throw new IllegalArgumentException("--actor takes 1 to " + MAX_LABEL + " characters");
                }
                ControlCharacters.refusal("--actor", l, false).ifPresent(why -> {
                    throw new IllegalArgumentException(why);
                });
            });
            this.name = user + " (cli" + label.map(l -> ", --actor " + l.strip()).orElse("") + ")";
            this.ownerCredentials = ownerCredentials;
        }

        /** What the audit trail records: the OS user, and the label if one was given. */
        public String name() {
            return name;
        }

        @Override
        public String authorize(Permission permission) {
            if (permission.administrative() && !ownerCredentials.getAsBoolean()) {
                throw new AccessDeniedException("Only an administrator may " + permission.action() + ": run the command with the"
                        + " schema owner's credentials (db.migration-user and db.migration-password) or sign in as a console"
                        + " administrator with --sign-in NAME.", permission);
            }
            return name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** {@link #cliSignedIn}. */
    record CliSignedIn(String osUser, Session session) implements Actor {
        @Override
        public String authorize(Permission permission) {
            String account = session.authorize(permission);
            String user = osUser == null || osUser.isBlank() ? "unknown" : osUser.strip();
            String name = account + " (cli, OS user " + (user.length() > 40 ? user.substring(0, 40) : user) + ")";
            return name.length() > MAX_NAME ? name.substring(0, MAX_NAME) : name;
        }
    }

    record Scheduled(String component) implements Actor {
        @Override
        public String authorize(Permission permission) {
            return "system:" + component;
        }
    }
}
