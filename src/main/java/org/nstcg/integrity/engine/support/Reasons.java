package org.nstcg.integrity.engine.support;

import java.util.Optional;

/**
 * The reason an operator gives for an action that changes data (a repair, a merge or unmerge, a saga retry or
 * resolve). It is kept for good, in the audit trail and the saga log, so it is bounded: {@value #MAX_LENGTH}
 * characters say why; more is a pasted file, or an attempt to fill the append-only tables.
 */
public final class Reasons {

    /** The longest reason, in characters (UTF-16 units, as the console's field counts them). */
    public static final int MAX_LENGTH = 500;

    private Reasons() {
    }

    /** What is wrong with {@code reason}, as a phrase ("the reason is longer than …"), or empty; null is not too long. */
    public static Optional<String> tooLong(String reason) {
        if (reason == null || reason.length() <= MAX_LENGTH) {
            return Optional.empty();
        }
        return Optional.of("the reason is longer than " + MAX_LENGTH + " characters (it has " + reason.length() + "); say why in fewer words");
    }

    /**
     * What is wrong with {@code reason}, as a phrase, or empty: longer than {@link #MAX_LENGTH}, or holding control or
     * bidirectional characters (line breaks and tabs are fine: the console takes a reason in a text area).
     */
    public static Optional<String> problem(String reason) {
        return tooLong(reason).or(() -> ControlCharacters.refusal("the reason", reason, true));
    }

    /**
     * Refuses a reason longer than {@link #MAX_LENGTH} or holding control or bidirectional characters.
     *
     * @throws InvalidInputException saying so, before anything was done
     */
    public static void check(String reason) {
        Optional<String> problem = problem(reason);
        if (problem.isPresent()) {
            String p = problem.get();
            throw new InvalidInputException(Character.toUpperCase(p.charAt(0)) + p.substring(1) + ".");
        }
    }
}
