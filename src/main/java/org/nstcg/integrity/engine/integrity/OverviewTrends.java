package org.nstcg.integrity.engine.integrity;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The overview's trends over a chosen span, in equal buckets, read from the history the engine stores: sagas (kept
 * for good), refused sign-ups ({@code signup_refusals}, kept 8 days), divergence samples (kept
 * {@code DivergenceSampler.RETENTION}) and stored alerts ({@link AlertLog#KEPT}).
 *
 * <p>A bucket that no stored history covers holds {@link Double#NaN}, never 0: before a figure's history starts
 * (its {@link Trend#since()}), and, for the divergence, a bucket in which the sampler took no sample. A face draws
 * nothing there and says "No samples before 14:02".
 *
 * @param from          the first bucket's start
 * @param to            the end of the span (the last bucket may be cut short by it)
 * @param bucket        each bucket's length
 * @param registrations registration sagas completed per bucket
 * @param blocked       sign-ups refused as already registered per bucket
 * @param rollbackRate  share of finished sagas rolled back per bucket, 0 to 1 (0 where none finished)
 * @param divergence    share of sampled cached entries that differed per bucket, 0 to 1
 * @param alerts        alerts raised per bucket, every instance's
 */
public record OverviewTrends(Instant from, Instant to, Duration bucket, Trend registrations, Trend blocked, Trend rollbackRate,
                             Trend divergence, Trend alerts) {

    /** The most buckets one read returns. */
    public static final int MAX_BUCKETS = 2000;

    public OverviewTrends {
        if (!to.isAfter(from) || bucket.isZero() || bucket.isNegative()) {
            throw new IllegalArgumentException("a trend spans a positive time in positive buckets");
        }
    }

    /** How many buckets cover [from, to). */
    public static int buckets(Instant from, Instant to, Duration bucket) {
        long n = (Duration.between(from, to).toMillis() + bucket.toMillis() - 1) / bucket.toMillis();
        if (n > MAX_BUCKETS) {
            throw new IllegalArgumentException("at most " + MAX_BUCKETS + " buckets, not " + n);
        }
        return (int) n;
    }

    /** The start of bucket {@code i}. */
    public Instant bucketStart(int i) {
        return from.plus(bucket.multipliedBy(i));
    }

    /**
     * One figure's trend.
     *
     * @param values oldest first, one per bucket; {@link Double#NaN} where no stored history covers the bucket
     * @param since  where the figure's stored history starts (its oldest record, or the oldest time it is kept
     *               for), empty when none is stored at all
     */
    public record Trend(List<Double> values, Optional<Instant> since) {
        public Trend {
            values = Collections.unmodifiableList(new ArrayList<>(values));
        }

        /** The first bucket holding a value, if any. */
        public Optional<Integer> firstCovered() {
            for (int i = 0; i < values.size(); i++) {
                if (!values.get(i).isNaN()) {
                    return Optional.of(i);
                }
            }
            return Optional.empty();
        }
    }
}
