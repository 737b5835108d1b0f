package org.nstcg.integrity.engine.integrity;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One thing a check found wrong.
 *
 * @param check       the check's name, e.g. {@code points-ledger}
 * @param severity    the check's severity
 * @param affectedIds the user ids (or outbox event ids, for {@code outbox-backlog}) concerned; empty when the subject
 *                    has no numeric id (a saga: its id is in {@code details.sagaId})
 * @param message     a sentence saying what is wrong
 * @param details     the figures behind the message, as JSON (never null; an empty object when there are none)
 */
public record Finding(String check, Severity severity, List<Long> affectedIds, String message, JsonNode details) {

    public Finding {
        affectedIds = List.copyOf(affectedIds);
    }
}
