package org.nstcg.integrity.engine.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's {@link EngineScheduler}: one {@link ScheduledThreadPoolExecutor} of daemon threads, and the dedicated
 * threads of loops that must own one.
 *
 * <p>Design notes: the pool has {@link #THREADS} threads, one per kind of periodic work an engine runs, so a long
 * scheduled suite of checks never delays a refusal flush or a saga recovery pass, as when each component had a
 * thread of its own; threads are only started when work is first scheduled, so a one-shot engine that schedules
 * nothing starts none. An idle pool thread is named {@code integrity-scheduler-N}; while it runs a task it carries
 * the task's name ({@code integrity-saga-recovery}, …). {@link #close()} cancels everything, interrupts what runs,
 * and waits at most {@link #STOP_WAIT} for the pool and each dedicated thread.
 */
public final class ExecutorScheduler implements EngineScheduler {

    private static final Logger log = LoggerFactory.getLogger(ExecutorScheduler.class);
    /** Threads of the pool. */
    static final int THREADS = 6;
    /** How long {@link #close()} waits for work in progress to end. */
    static final Duration STOP_WAIT = Duration.ofSeconds(5);
    private static final Duration LOOP_STOP_WAIT = Duration.ofSeconds(2);

    private final ScheduledThreadPoolExecutor pool;
    private final Set<NamedTask> live = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    public ExecutorScheduler() {
        AtomicInteger n = new AtomicInteger();
        this.pool = new ScheduledThreadPoolExecutor(THREADS, r -> EngineScheduler.daemonThread("scheduler-" + n.incrementAndGet(), r));
        pool.setRemoveOnCancelPolicy(true);
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        pool.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    }

    @Override
    public Task scheduleWithFixedDelay(String name, Duration initialDelay, Duration delay, Runnable task) {
        NamedTask t = new NamedTask(name, true);
        return t.start(() -> pool.scheduleWithFixedDelay(t.wrap(task), millis(initialDelay), millis(delay), TimeUnit.MILLISECONDS));
    }

    @Override
    public Task scheduleAtFixedRate(String name, Duration initialDelay, Duration period, Runnable task) {
        NamedTask t = new NamedTask(name, true);
        return t.start(() -> pool.scheduleAtFixedRate(t.wrap(task), millis(initialDelay), millis(period), TimeUnit.MILLISECONDS));
    }

    @Override
    public Task schedule(String name, Duration delay, Runnable task) {
        NamedTask t = new NamedTask(name, false);
        return t.start(() -> pool.schedule(t.wrap(task), millis(delay), TimeUnit.MILLISECONDS));
    }

    @Override
    public Task startThread(String name, Runnable loop, Runnable wakeUp) {
        if (closed.get()) {
            throw new RejectedExecutionException("the engine's scheduler is closed; " + name + " not started");
        }
        Loop l = new Loop(name, wakeUp);
        Thread thread = EngineScheduler.daemonThread(name, () -> {
            try {
                loop.run();
            } catch (RuntimeException e) {
                log.warn("Background loop {} ended with a failure: {}", name, e.toString(), e);
            } finally {
                live.remove(l);
            }
        });
        l.thread = thread;
        live.add(l);
        thread.start();
        return l;
    }

    @Override
    public List<String> tasks() {
        List<String> names = new ArrayList<>();
        live.forEach(t -> names.add(t.name()));
        names.sort(null);
        return names;
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        List<NamedTask> all = new ArrayList<>(live);
        all.stream().filter(Loop.class::isInstance).forEach(t -> ((Loop) t).wake());
        pool.shutdownNow();
        all.forEach(NamedTask::cancel);
        try {
            if (!pool.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("Background work still running {} s after the engine asked it to stop: {}", STOP_WAIT.toSeconds(), tasks());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        live.clear();
    }

    private static long millis(Duration d) {
        return Math.max(0, d.toMillis());
    }

    /** A task of the pool, known by name until it finishes or is cancelled. */
    private class NamedTask implements Task {
        private final String name;
        private final boolean periodic;
        private volatile Future<?> future;

        NamedTask(String name, boolean periodic) {
            this.name = name;
            this.periodic = periodic;
        }

        Task start(java.util.function.Supplier<Future<?>> submit) {
            if (closed.get()) {
                throw new RejectedExecutionException("the engine's scheduler is closed; " + name + " not scheduled");
            }
            live.add(this);
            try {
                future = submit.get();
            } catch (RuntimeException e) {
                live.remove(this);
                throw e;
            }
            return this;
        }

        Runnable wrap(Runnable task) {
            return () -> {
                Thread thread = Thread.currentThread();
                String idle = thread.getName();
                thread.setName(THREAD_PREFIX + name);
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.warn("Background task {} failed{}: {}", name, periodic ? " (it runs again at its next time)" : "",
                            e.toString(), e);
                } catch (Error e) {
                    log.error("Background task {} failed and stops: {}", name, e.toString(), e);
                    live.remove(this);
                    throw e;
                } finally {
                    thread.setName(idle);
                    if (!periodic) {
                        live.remove(this);
                    }
                }
            };
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void cancel() {
            live.remove(this);
            Future<?> f = future;
            if (f != null) {
                f.cancel(true);
            }
        }
    }

    /** A loop on a thread of its own. */
    private final class Loop extends NamedTask {
        private final Runnable wakeUp;
        private volatile Thread thread;

        Loop(String name, Runnable wakeUp) {
            super(name, true);
            this.wakeUp = wakeUp;
        }

        void wake() {
            try {
                wakeUp.run();
            } catch (RuntimeException e) {
                log.debug("Waking {} to stop: {}", name(), e.toString());
            }
            thread.interrupt();
        }

        @Override
        public void cancel() {
            wake();
            try {
                thread.join(LOOP_STOP_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                log.debug("Background loop {} did not stop within {} s", name(), LOOP_STOP_WAIT.toSeconds());
            }
            live.remove(this);
        }
    }
}
