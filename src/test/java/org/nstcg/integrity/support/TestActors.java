package org.nstcg.integrity.support;

import org.nstcg.integrity.engine.account.Actor;

/** Actors for tests that read through the engine's services without testing permissions themselves. */
public final class TestActors {

    /** Someone at the CLI with the engine's configuration: every permission, audited as {@code test-operator}. */
    public static final Actor OPERATOR = Actor.operator("test-operator");

    private TestActors() {
    }
}
