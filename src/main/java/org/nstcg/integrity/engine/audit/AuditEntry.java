package org.nstcg.integrity.engine.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;

/**
 * One recorded administrative action.
 *
 * @param id         position in the chain
 * @param occurredAt when (database clock, UTC)
 * @param actor      who: the signed-in user, or the OS user of a CLI command
 * @param action     what, e.g. {@code saga.retry}, {@code cache.rebuild}, {@code user.merge}
 * @param targetType what kind of thing it acted on, e.g. {@code saga}, {@code user}, {@code cache}
 * @param targetId   which one
 * @param before     its state before, when it has one
 * @param after      its state after
 * @param details    the reason or note given, or a summary
 * @param prevHash   the previous entry's hash (64 zeros for the first)
 * @param hash       this entry's hash
 */
public record AuditEntry(long id, Instant occurredAt, String actor, String action, Optional<String> targetType,
                         Optional<String> targetId, Optional<JsonNode> before, Optional<JsonNode> after,
                         Optional<String> details, String prevHash, String hash) {
}
