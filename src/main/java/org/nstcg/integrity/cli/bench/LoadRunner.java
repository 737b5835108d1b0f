package org.nstcg.integrity.cli.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs an operation from N client threads for a fixed time and records every latency. */
final class LoadRunner {

    /** One operation of client {@code client}, its {@code n}-th. Throws on failure, which aborts the run. */
    @FunctionalInterface
    interface Operation {
        void run(int client, long n) throws Exception;
    }

    private LoadRunner() {
    }

    static LatencySummary run(int clients, Duration duration, Operation op) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
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
                    for (long n = 0; System.nanoTime() < end; n++) {
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
            return LatencySummary.of(merged, (window[1] - window[0]) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }
}
