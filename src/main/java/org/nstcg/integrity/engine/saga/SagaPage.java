package org.nstcg.integrity.engine.saga;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One page of the saga log, newest first, without events.
 *
 * @param sagas the page's sagas
 * @param next  where the next (older) page starts, empty on the last page
 */
public record SagaPage(List<SagaRecord> sagas, Optional<Cursor> next) {

    /**
     * A position in the log's order (start time, then id, both descending): a page after it starts with the saga
     * just older than this one. Keyset paging, so a page deep in millions of sagas costs the same as the first.
     */
    public record Cursor(Instant createdAt, UUID id) {
    }
}
