package org.nstcg.integrity.engine.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.support.ManualScheduler;
import org.nstcg.integrity.support.MutableClock;

/**
 * The engine's scheduler: tasks run on threads named after them, a failing periodic task keeps its schedule, and
 * close stops everything, loops included; the manual scheduler of the tests runs due tasks in time order.
 */
class ExecutorSchedulerTest {

    @Test
    void aTaskRunsOnAThreadNamedAfterItAndAThrowingPeriodicTaskKeepsItsSchedule() throws Exception {
        try (ExecutorScheduler scheduler = new ExecutorScheduler()) {
            AtomicReference<String> thread = new AtomicReference<>();
            CountDownLatch ran = new CountDownLatch(3);
            scheduler.scheduleWithFixedDelay("flaky", Duration.ZERO, Duration.ofMillis(5), () -> {
                thread.set(Thread.currentThread().getName());
                ran.countDown();
                throw new IllegalStateException("fails every time");
            });
            assertThat(ran.await(10, TimeUnit.SECONDS)).as("three runs despite failures").isTrue();
            assertThat(thread.get()).isEqualTo("integrity-flaky");
            assertThat(scheduler.tasks()).containsExactly("flaky");
        }
    }

    @Test
    void closeStopsPeriodicTasksAndLoopsAndRefusesNewWork() throws Exception {
        ExecutorScheduler scheduler = new ExecutorScheduler();
        CountDownLatch looping = new CountDownLatch(1);
        CountDownLatch wake = new CountDownLatch(1);
        scheduler.startThread("loop", () -> {
            looping.countDown();
            try {
                wake.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, wake::countDown);
        AtomicInteger runs = new AtomicInteger();
        scheduler.scheduleAtFixedRate("tick", Duration.ZERO, Duration.ofMillis(5), runs::incrementAndGet);
        assertThat(looping.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(scheduler.tasks()).containsExactly("loop", "tick");

        scheduler.close();

        assertThat(scheduler.tasks()).isEmpty();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.isAlive() && t.getName().equals("integrity-loop"));
        int after = runs.get();
        assertThatThrownBy(() -> scheduler.submit("late", runs::incrementAndGet)).isInstanceOf(RejectedExecutionException.class);
        assertThat(runs.get()).isEqualTo(after);
    }

    @Test
    void theManualSchedulerRunsDueTasksInTimeOrderAtTheirTime() {
        MutableClock clock = new MutableClock(java.time.Instant.parse("2030-01-01T00:00:00Z"));
        ManualScheduler scheduler = new ManualScheduler(clock);
        StringBuilder order = new StringBuilder();
        scheduler.scheduleWithFixedDelay("every-2s", Duration.ofSeconds(2), Duration.ofSeconds(2),
                () -> order.append("A@").append(clock.instant().getEpochSecond() % 60).append(' '));
        scheduler.schedule("once-at-3s", Duration.ofSeconds(3), () -> {
            order.append("B@").append(clock.instant().getEpochSecond() % 60).append(' ');
            scheduler.submit("follow-up", () -> order.append("C@").append(clock.instant().getEpochSecond() % 60).append(' '));
        });
        scheduler.scheduleWithFixedDelay("throws", Duration.ofSeconds(5), Duration.ofSeconds(5), () -> {
            throw new IllegalStateException("logged, and runs again");
        });

        scheduler.advance(Duration.ofSeconds(5));

        assertThat(order.toString()).isEqualTo("A@2 B@3 C@3 A@4 ");
        assertThat(clock.instant()).isEqualTo(java.time.Instant.parse("2030-01-01T00:00:05Z"));
        assertThat(scheduler.tasks()).containsExactly("every-2s", "throws");
        scheduler.close();
        assertThat(scheduler.tasks()).isEmpty();
    }
}
