package org.nstcg.integrity.support;

import org.nstcg.integrity.engine.account.Actor;

/** Actors for tests that read through the engine's services without testing permissions themselves. */
public final class TestActors {

    /** Someone at the CLI with the engine's configuration: every permission, audited as {@code test-operator}. */
    public static final Actor OPERATOR = Actor.operator("test-operator");

    /** How the audit trail names a CLI command run by this OS user with {@code --actor label} (issue 14: never the label alone). */
    public static String cli(String label) {
        return System.getProperty("user.name") + " (cli, --actor " + label + ")";
    }

    /** How the audit trail names a CLI command run by this OS user without {@code --actor}. */
    public static String cli() {
        return System.getProperty("user.name") + " (cli)";
    }

    private TestActors() {
    }
}
