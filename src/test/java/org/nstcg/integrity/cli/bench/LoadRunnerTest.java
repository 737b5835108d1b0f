package org.nstcg.integrity.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The benchmark load: when one client fails, the run stops every client before it reports the failure. */
class LoadRunnerTest {

    @Test
    void aFailingClientStopsTheOthersBeforeTheRunReturns() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicLong done = new AtomicLong();

        assertThatThrownBy(() -> LoadRunner.run(8, Duration.ofSeconds(60), (client, n) -> {
            inFlight.incrementAndGet();
            try {
                if (client == 0 && n == 20) {
                    throw new IllegalStateException("client 0 failed");
                }
                done.incrementAndGet();
            } finally {
                inFlight.decrementAndGet();
            }
        })).isInstanceOf(ExecutionException.class).hasRootCauseMessage("client 0 failed");

        // Returned well before the 60 s slice would end, with no operation still running and none started since.
        assertThat(inFlight.get()).isZero();
        long after = done.get();
        for (int i = 0; i < 1_000_000; i++) {
            Thread.onSpinWait();
        }
        assertThat(done.get()).isEqualTo(after);
    }
}
