package org.nstcg.integrity.engine.audit;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An administrative action to record. Build with {@link #of} and the {@code with…} methods.
 *
 * @param actor      who acts (required, at most 100 characters)
 * @param action     what, as {@code area.verb} (required)
 * @param targetType what kind of thing, or null
 * @param targetId   which one, or null
 * @param before     state before, or null
 * @param after      state after, or null
 * @param details    reason, note or summary, or null
 */
public record AuditEvent(String actor, String action, String targetType, String targetId, JsonNode before, JsonNode after,
                         String details) {

    public AuditEvent {
        if (actor == null || actor.isBlank() || actor.length() > 100) {
            throw new IllegalArgumentException("an audited action needs an actor of 1 to 100 characters");
        }
        if (action == null || !action.matches("[a-z][a-z0-9_-]*(\\.[a-z][a-z0-9_-]*)+") || action.length() > 64) {
            throw new IllegalArgumentException("an audited action is named area.verb, e.g. cache.rebuild, not " + action);
        }
    }

    public static AuditEvent of(String actor, String action) {
        return new AuditEvent(actor, action, null, null, null, null, null);
    }

    public AuditEvent target(String type, String id) {
        return new AuditEvent(actor, action, type, id, before, after, details);
    }

    public AuditEvent states(JsonNode beforeState, JsonNode afterState) {
        return new AuditEvent(actor, action, targetType, targetId, beforeState, afterState, details);
    }

    public AuditEvent details(String text) {
        return new AuditEvent(actor, action, targetType, targetId, before, after, text);
    }
}
