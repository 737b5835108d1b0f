package org.nstcg.integrity.cli.bench;

import java.util.Arrays;

/**
 * Throughput and latency figures of one measured phase.
 *
 * @param operations completed operations
 * @param seconds    measured wall time
 * @param meanMillis mean latency
 * @param p50Millis  median latency
 * @param p99Millis  99th percentile latency
 * @param maxMillis  worst latency
 */
public record LatencySummary(long operations, double seconds, double meanMillis, double p50Millis, double p99Millis, double maxMillis) {

    public double perSecond() {
        return seconds <= 0 ? 0 : operations / seconds;
    }

    /** Summarises latencies given in nanoseconds. */
    public static LatencySummary of(long[] nanos, double seconds) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double mean = sorted.length == 0 ? 0 : Arrays.stream(sorted).asDoubleStream().sum() / sorted.length / 1e6;
        return new LatencySummary(sorted.length, seconds, mean, percentile(sorted, 0.50), percentile(sorted, 0.99),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
    }

    /** Nearest-rank percentile of sorted nanoseconds, in milliseconds (0 when there are none). */
    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }
}
