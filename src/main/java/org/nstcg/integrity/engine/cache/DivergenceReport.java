package org.nstcg.integrity.engine.cache;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.store.CacheRows.DivergenceSample;

/**
 * One sampling round of the {@link DivergenceSampler}: per key pattern ({@link CacheKeys#PATTERNS} order), how many
 * cached entries were compared with their rows, how many differed from their rows (another version, older or newer, or other content), and the oldest staleness.
 *
 * <p>A report that is not {@link #measured()} has no figure at all: a face says "not measured" (and, when Redis is
 * down, since when), never 0 %.
 *
 * @param state          whether the round compared anything
 * @param at             when the round ran (the sampler's clock); for {@link State#NOT_SAMPLED_YET}, when the sampler was made
 * @param patterns       one sample per pattern when {@link State#SAMPLED}, otherwise none
 * @param redisDownSince for {@link State#REDIS_DOWN}, since when Redis has not answered (the outage's start as this
 *                       engine saw it, or the round's time if that is unknown); empty otherwise
 */
public record DivergenceReport(State state, Instant at, List<DivergenceSample> patterns, Optional<Instant> redisDownSince) {

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
        redisDownSince = state == State.REDIS_DOWN ? Optional.of(redisDownSince.orElse(at)) : Optional.empty();
    }

    /** A report without an outage: {@link State#SAMPLED} or {@link State#NOT_SAMPLED_YET}. */
    public DivergenceReport(State state, Instant at, List<DivergenceSample> patterns) {
        this(state, at, patterns, Optional.empty());
    }

    static DivergenceReport notSampledYet(Instant at) {
        return new DivergenceReport(State.NOT_SAMPLED_YET, at, List.of());
    }

    static DivergenceReport redisDown(Instant at, Instant since) {
        return new DivergenceReport(State.REDIS_DOWN, at, List.of(), Optional.of(since));
    }

    /** Whether the report holds a figure: a round compared the cache with PostgreSQL. */
    public boolean measured() {
        return state == State.SAMPLED;
    }

    /** The figures of one pattern, e.g. {@code user:*}; empty when the round did not sample it. */
    public Optional<DivergenceSample> pattern(String pattern) {
        return patterns.stream().filter(s -> s.pattern().equals(pattern)).findFirst();
    }
}
