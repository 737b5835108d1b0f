package org.nstcg.integrity.engine.repair;

import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.support.EngineException;

/**
 * A repair for one kind of integrity finding: {@link #preview} says exactly what it would change now (a dry run,
 * nothing written); {@link #apply} changes it and records the action in the audit trail.
 */
public interface Repair {

    /** The most changes listed in a plan; a plan still counts every change. */
    int MAX_LISTED = 1_000;

    /** The name operators type, e.g. {@code points}. */
    String kind();

    /** What it repairs, as a sentence. */
    String description();

    /**
     * What it would change now, if {@code actor} may apply repairs; writes nothing.
     *
     * @throws org.nstcg.integrity.engine.account.AccessDeniedException when the actor may not
     */
    RepairPlan preview(Actor actor);

    /**
     * Applies it if {@code actor} may apply repairs: what it changed (found again at apply time, so it may differ from
     * an earlier preview if the data changed meanwhile), audited with the actor and {@code reason}.
     *
     * @throws org.nstcg.integrity.engine.account.AccessDeniedException when the actor may not (nothing is changed)
     * @throws org.nstcg.integrity.engine.support.InvalidInputException when {@code reason} is longer than
     *                                                                  {@link org.nstcg.integrity.engine.support.Reasons#MAX_LENGTH} (nothing is changed)
     */
    RepairPlan apply(Actor actor, String reason);

    /**
     * Refuses a reason the audit trail must not record (control or bidirectional-override characters), before
     * anything is changed.
     *
     * @throws EngineException naming the character
     */
    static String checkReason(String reason) {
        org.nstcg.integrity.engine.support.Reasons.check(reason);
        return reason;
    }
}
