package org.nstcg.integrity.engine.saga;

import java.util.UUID;

/** This instance no longer owns the saga (its lease expired and another instance took it over). Not an error. */
final class SagaFencedException extends RuntimeException {

    SagaFencedException(UUID id) {
        super("saga " + id + " is owned by another instance now", null, false, false);
    }
}
