package org.nstcg.integrity.engine.repair;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One change a repair makes (or would make, in a preview).
 *
 * @param targetType what kind of thing: user, profile, saga, cache
 * @param targetId   which one
 * @param before     its state before (null: it does not exist yet)
 * @param after      its state after
 * @param summary    the change as a sentence
 */
public record PlannedChange(String targetType, String targetId, JsonNode before, JsonNode after, String summary) {
}
