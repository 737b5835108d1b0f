package org.nstcg.integrity.engine.support;

import java.time.Duration;
import java.util.List;

/**
 * Where every piece of the engine's background work runs: periodic passes (saga recovery, refusal counts, replay of
 * missed cache invalidations, divergence sampling, scheduled checks), delayed one-off work (webhook retries), work
 * handed off so the caller does not wait (the alert log's writes), and the few loops that must own a thread (the
 * Redis pub/sub subscription). The engine makes one, hands it to every component that needs it, and closes it once.
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>One shutdown path.</b> A component keeps the {@link Task}s it scheduled and cancels them on its own
 *   close; the engine closes the scheduler itself, which stops whatever is left (interrupting work in progress)
 *   within a bounded wait, before it closes the servers the work talks to. No component starts an executor or a
 *   thread of its own, so none needs a copy of that logic.</li>
 *   <li><b>Names.</b> Every task is named; work runs on daemon threads named {@code integrity-<task>}
 *   ({@link #THREAD_PREFIX}), so a thread dump or a log line says what is running.</li>
 *   <li><b>A failing task keeps its schedule.</b> A periodic task that throws is logged (WARN) and runs again at its
 *   next time, as the components' own loops did; an {@link Error} is logged and ends that task's schedule.</li>
 *   <li><b>Time in tests.</b> {@link ExecutorScheduler} runs on real threads and real time; a test passes a manual
 *   scheduler that runs due tasks when the test steps its clock, so no test sleeps for scheduled work. A dedicated
 *   loop ({@link #startThread}) waits on the outside world, not on time: it gets a real thread in either.</li>
 * </ul>
 */
public interface EngineScheduler extends AutoCloseable {

    /** The start of the name of every thread the engine's background work runs on. */
    String THREAD_PREFIX = "integrity-";

    /** Scheduled work; cancelling it stops further runs (and interrupts a run in progress). */
    interface Task {
        String name();

        void cancel();
    }

    /** Runs {@code task} after {@code initialDelay}, then again {@code delay} after each run ends. */
    Task scheduleWithFixedDelay(String name, Duration initialDelay, Duration delay, Runnable task);

    /** Runs {@code task} after {@code initialDelay}, then every {@code period} (a late run is not run twice). */
    Task scheduleAtFixedRate(String name, Duration initialDelay, Duration period, Runnable task);

    /** Runs {@code task} once, after {@code delay}. */
    Task schedule(String name, Duration delay, Runnable task);

    /** Runs {@code task} once, as soon as a thread is free. */
    default Task submit(String name, Runnable task) {
        return schedule(name, Duration.ZERO, task);
    }

    /**
     * Starts a loop that must own a thread (a blocking subscription) on a daemon thread named
     * {@code integrity-<name>}. Cancelling it (or closing the scheduler) calls {@code wakeUp} (which must make the
     * loop return: unsubscribe, close a socket), interrupts the thread and waits a moment for it to end.
     */
    Task startThread(String name, Runnable loop, Runnable wakeUp);

    /** The names of the tasks not yet finished nor cancelled (periodic ones, pending ones, running loops), sorted. */
    List<String> tasks();

    /** Stops every task, interrupting work in progress, and waits (boundedly) for it to end. Safe to call more than once. */
    @Override
    void close();

    /** A daemon thread named {@code integrity-<name>}, not started: for the one loop that cannot be handed a scheduler yet. */
    static Thread daemonThread(String name, Runnable body) {
        Thread t = new Thread(body, THREAD_PREFIX + name);
        t.setDaemon(true);
        return t;
    }
}
