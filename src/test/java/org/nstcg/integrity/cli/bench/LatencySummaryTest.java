package org.nstcg.integrity.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The figures every benchmark prints: nearest-rank percentiles, mean, throughput. */
class LatencySummaryTest {

    private static final long MS = 1_000_000;

    @Test
    void percentilesAreNearestRankOfTheSortedLatencies() {
        long[] hundred = LongStream.rangeClosed(1, 100).map(i -> (101 - i) * MS).toArray(); // 100 ms … 1 ms, unsorted

        LatencySummary s = LatencySummary.of(hundred, 2.0);

        assertThat(s.operations()).isEqualTo(100);
        assertThat(s.p50Millis()).isEqualTo(50.0);
        assertThat(s.p99Millis()).isEqualTo(99.0);
        assertThat(s.maxMillis()).isEqualTo(100.0);
        assertThat(s.meanMillis()).isCloseTo(50.5, within(1e-9));
        assertThat(s.perSecond()).isEqualTo(50.0);
        assertThat(hundred[0]).as("the caller's array is left as it was").isEqualTo(100 * MS);
    }

    @Test
    void aSingleSampleIsEveryPercentileAndTheMeanIsNotRoundedToWholeMillis() {
        LatencySummary s = LatencySummary.of(new long[] {1_500_000}, 1.0);

        assertThat(s.p50Millis()).isEqualTo(1.5);
        assertThat(s.p99Millis()).isEqualTo(1.5);
        assertThat(s.meanMillis()).isEqualTo(1.5);
    }

    @Test
    void anEmptyPhaseIsAllZeroesRatherThanAnError() {
        LatencySummary s = LatencySummary.of(new long[0], 0);

        assertThat(s.operations()).isZero();
        assertThat(s.meanMillis()).isZero();
        assertThat(s.p99Millis()).isZero();
        assertThat(s.perSecond()).isZero();
    }
}
