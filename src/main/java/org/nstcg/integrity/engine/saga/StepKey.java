package org.nstcg.integrity.engine.saga;

import java.util.Objects;

/**
 * A step's name together with the type of its result, so that later steps, compensations and the saga's caller
 * read that result typed: {@code ctx.result(CREATE_USER)} is a {@code CreatedUser}, not a JSON tree to pick apart.
 *
 * <p>Design notes: the result is a record (or {@link Void} for a step with none) that Jackson writes to the saga
 * log as the step's STEP_COMPLETED payload and reads back on recovery, so its components are the JSON fields as
 * logged: renaming one would leave older sagas' results unread (fields the record does not know are ignored, so
 * adding one is safe). The name is what the log records; the key is compared by name and type.
 *
 * @param <R> the step's result
 */
public record StepKey<R>(String name, Class<R> type) {

    public StepKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    /** The key of step {@code name}, whose result is a {@code type}. */
    public static <R> StepKey<R> of(String name, Class<R> type) {
        return new StepKey<>(name, type);
    }

    /** The key of step {@code name}, which records no result (JSON null in the log). */
    public static StepKey<Void> of(String name) {
        return new StepKey<>(name, Void.class);
    }

    @Override
    public String toString() {
        return name;
    }
}
