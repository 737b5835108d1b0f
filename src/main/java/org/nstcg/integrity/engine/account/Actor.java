package org.nstcg.integrity.engine.account;

import org.nstcg.integrity.engine.support.ControlCharacters;

/**
 * Who asks the engine to act. Engine services that change something take an actor, check its permission and write
 * the audit entry themselves, so that no face (console, CLI, and the HTTP server to come) can forget either.
 */
public sealed interface Actor permits Actor.Console, Actor.Operator, Actor.Scheduled, Actor.OnBehalf {

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
     * Someone running the CLI on a machine that holds the engine's configuration (the servers' addresses and
     * credentials): that access is the credential, so every permission is granted; {@code name} is the CLI's
     * {@code --actor}, the OS user by default.
     */
    static Actor operator(String name) {
        return new Operator(name);
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

    record Scheduled(String component) implements Actor {
        @Override
        public String authorize(Permission permission) {
            return "system:" + component;
        }
    }
}
