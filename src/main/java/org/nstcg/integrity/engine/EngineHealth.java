package org.nstcg.integrity.engine;

import java.time.Instant;
import java.util.Optional;

/**
 * The engine's health: {@code HEALTHY} when both servers answer, {@code DEGRADED} when Redis does not (the engine
 * works on PostgreSQL alone), {@code DOWN} when PostgreSQL does not.
 */
public record EngineHealth(State state, ServerHealth database, ServerHealth redis, Optional<String> schemaVersion, Instant checkedAt) {

    public enum State { HEALTHY, DEGRADED, DOWN }

    public static EngineHealth of(ServerHealth database, ServerHealth redis, Optional<String> schemaVersion, Instant checkedAt) {
        State state = !database.up() ? State.DOWN : redis.up() ? State.HEALTHY : State.DEGRADED;
        return new EngineHealth(state, database, redis, schemaVersion, checkedAt);
    }
}
