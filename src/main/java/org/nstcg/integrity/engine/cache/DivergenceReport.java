package org.nstcg.integrity.engine.cache;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.store.CacheRows.DivergenceSample;

/**
 * One sampling round of the {@link DivergenceSampler}: per key pattern ({@link CacheKeys#PATTERNS} order), how many
 * cached entries were compared with their rows, how many differed from their rows (another version, older or newer, or other content), and the oldest staleness.
 *
 * @param state    whether the round compared anything
 * @param at       when the round ran (the sampler's clock); for {@link State#NOT_SAMPLED_YET}, when the sampler was made
 * @param patterns one sample per pattern when {@link State#SAMPLED}, otherwise none
 */
public record DivergenceReport(State state, Instant at, List<DivergenceSample> patterns) {

    /** What a report holds. */
    public enum State {
        /** The round compared the cache with PostgreSQL. */
        SAMPLED,
        /** Redis did not answer: nothing could be compared; the round was skipped. */
        REDIS_DOWN,
        /** No round has run yet. */
        NOT_SAMPLED_YET
    }

    public DivergenceReport {
        patterns = List.copyOf(patterns);
    }

    static DivergenceReport notSampledYet(Instant at) {
        return new DivergenceReport(State.NOT_SAMPLED_YET, at, List.of());
    }

    static DivergenceReport redisDown(Instant at) {
        return new DivergenceReport(State.REDIS_DOWN, at, List.of());
    }

    /** The figures of one pattern, e.g. {@code user:*}; empty when the round did not sample it. */
    public Optional<DivergenceSample> pattern(String pattern) {
        return patterns.stream().filter(s -> s.pattern().equals(pattern)).findFirst();
    }
}
