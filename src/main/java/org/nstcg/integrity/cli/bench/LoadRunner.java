package org.nstcg.integrity.cli.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** Runs an operation from N client threads for a fixed time and records every latency. */
final class LoadRunner {

    /** One operation of client {@code client}, its {@code n}-th. Throws on failure, which aborts the run. */
    @FunctionalInterface
    interface Operation {
        void run(int client, long n) throws Exception;
    }

    private LoadRunner() {
    }

    /** Number of alternating slices each measured path is split into. */
    static final int SLICES = 4;

    /**
     * Measures two paths under the same conditions: A and B alternate in {@link #SLICES} slices each (A B A B …),
     * so table growth, vacuum and caches weigh on both alike instead of on whichever runs second.
     *
     * @return {summary of A, summary of B}, each over all of its slices
     */
    static LatencySummary[] alternate(int clients, Duration perPath, Operation a, Operation b) throws Exception {
        Sliced s = alternateSlices(clients, perPath, a, b);
        return new LatencySummary[] {s.a(), s.b()};
    }

    /**
     * Both paths' summaries over all slices and slice by slice, in the order they ran.
     *
     * @param a       summary of A over all of its slices
     * @param b       summary of B over all of its slices
     * @param aSlices A's slices, first to last
     * @param bSlices B's slices, first to last
     */
    record Sliced(LatencySummary a, LatencySummary b, List<LatencySummary> aSlices, List<LatencySummary> bSlices) {
    }

    /** {@link #alternate}, keeping each slice's figures too (to see whether a path slows down as the run goes on). */
    static Sliced alternateSlices(int clients, Duration perPath, Operation a, Operation b) throws Exception {
        Duration slice = perPath.dividedBy(SLICES);
        List<long[]> aSamples = new ArrayList<>();
        List<long[]> bSamples = new ArrayList<>();
        List<LatencySummary> aSlices = new ArrayList<>();
        List<LatencySummary> bSlices = new ArrayList<>();
        double aSeconds = 0;
        double bSeconds = 0;
        for (int i = 0; i < SLICES; i++) {
            long offset = i * 1_000_000_000L; // operation numbers stay unique across slices
            Samples sa = sample(clients, slice, (c, n) -> a.run(c, offset + n));
            Samples sb = sample(clients, slice, (c, n) -> b.run(c, offset + n));
            aSamples.add(sa.nanos());
            bSamples.add(sb.nanos());
            aSlices.add(LatencySummary.of(sa.nanos(), sa.seconds()));
            bSlices.add(LatencySummary.of(sb.nanos(), sb.seconds()));
            aSeconds += sa.seconds();
            bSeconds += sb.seconds();
        }
        return new Sliced(LatencySummary.of(aSamples.stream().flatMapToLong(java.util.Arrays::stream).toArray(), aSeconds),
                LatencySummary.of(bSamples.stream().flatMapToLong(java.util.Arrays::stream).toArray(), bSeconds),
                List.copyOf(aSlices), List.copyOf(bSlices));
    }

    /** Latencies (ns) of every operation of one phase and the phase's wall time (s). */
    private record Samples(long[] nanos, double seconds) {
    }

    static LatencySummary run(int clients, Duration duration, Operation op) throws Exception {
        Samples s = sample(clients, duration, op);
        return LatencySummary.of(s.nanos(), s.seconds());
    }

    private static Samples sample(int clients, Duration duration, Operation op) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        // Set when the run ends, normally or because a client failed: every client stops after its current operation,
        // and the run returns only once they all have, so the benchmark's schema is never removed under a running client.
        AtomicBoolean stop = new AtomicBoolean();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<long[]>> results = new ArrayList<>();
            long[] window = new long[2];
            for (int c = 0; c < clients; c++) {
                int client = c;
                results.add(pool.submit(() -> {
                    long[] samples = new long[1024];
                    int count = 0;
                    start.await();
                    long end = System.nanoTime() + duration.toNanos();
                    for (long n = 0; System.nanoTime() < end && !stop.get(); n++) {
                        long t0 = System.nanoTime();
                        op.run(client, n);
                        long t = System.nanoTime() - t0;
                        if (count == samples.length) {
                            samples = java.util.Arrays.copyOf(samples, count * 2);
                        }
                        samples[count++] = t;
                    }
                    return java.util.Arrays.copyOf(samples, count);
                }));
            }
            window[0] = System.nanoTime();
            start.countDown();
            List<long[]> all = new ArrayList<>();
            for (Future<long[]> f : results) {
                all.add(f.get(duration.toSeconds() + 120, TimeUnit.SECONDS));
            }
            window[1] = System.nanoTime();
            long[] merged = all.stream().flatMapToLong(java.util.Arrays::stream).toArray();
            return new Samples(merged, (window[1] - window[0]) / 1e9);
        } finally {
            stop.set(true);
            pool.shutdown();
            if (!pool.awaitTermination(120, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        }
    }
}
