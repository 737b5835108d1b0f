package org.nstcg.integrity.engine.cache;

/**
 * Redis did not answer a call that work in progress needs (a round of the sampler, a rebuild page, a pattern scan):
 * the work stops there and says so. Cheap to throw: no stack trace.
 */
final class RedisDownException extends Exception {

    RedisDownException() {
        super("Redis did not answer", null, false, false);
    }
}
