package org.nstcg.integrity.console.viewmodel.cache;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.nstcg.integrity.engine.cache.CacheInspector;
import org.nstcg.integrity.engine.cache.CacheRebuilder;
import org.nstcg.integrity.engine.cache.CacheStats;
import org.nstcg.integrity.engine.cache.DivergenceReport;
import org.nstcg.integrity.engine.store.CacheRows.DivergenceSample;
import org.nstcg.integrity.engine.support.ProgressListener;

/**
 * The engine calls of the cache screen; the console passes the engine's (each checked with the signed-in user's
 * permission, actions audited under their name), tests a fake. Every method but the last two may be slow and is
 * only called off the FX thread.
 */
public interface CacheSource {

    /** Divergence per key pattern since {@code since}, summed over buckets of {@code bucket}, oldest first. */
    List<DivergenceSample> divergence(Instant since, Duration bucket);

    /** The sampler's latest round (it says whether Redis answered). */
    DivergenceReport latestRound();

    /** This instance's cache counters. */
    CacheStats stats();

    /**
     * What Redis holds per key pattern (a SCAN of the whole cache).
     *
     * @throws Exception a {@code ServerUnavailableException} naming redis.url when Redis does not answer
     */
    CacheInspector.Overview contents() throws Exception;

    /** Rebuilds {@code pattern} from PostgreSQL and records it in the audit trail. */
    CacheRebuilder.Result rebuild(String pattern, ProgressListener progress, BooleanSupplier cancelled);

    /**
     * Invalidates {@code pattern} on every instance and records it in the audit trail.
     *
     * @return entries removed; empty when Redis is down (the invalidation is recorded and replayed later)
     * @throws IllegalArgumentException when the engine refuses the pattern, with a sentence saying why
     */
    Optional<Long> invalidate(String pattern);

    /** The divergence that raises an alert, 0 to 1 ({@code cache.divergence-alert}); no I/O. */
    double alertThreshold();

    /** How often the sampler runs ({@code cache.sample-interval}); no I/O. */
    Duration sampleInterval();
}
