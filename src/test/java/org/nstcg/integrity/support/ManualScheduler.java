package org.nstcg.integrity.support;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.RejectedExecutionException;
import org.nstcg.integrity.engine.support.EngineScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EngineScheduler} for tests: nothing runs until the test steps time. {@link #advance} moves the paired
 * {@link MutableClock} forward and runs every task that comes due on the way, in time order (ties in the order they
 * were scheduled), on the calling thread, the clock standing at each task's due time while it runs; a periodic task
 * is scheduled again from there, and a task that throws is logged and keeps its schedule, as in
 * {@code ExecutorScheduler}. {@link #runDue()} runs what is due without moving the clock: two schedulers sharing one
 * clock can run their due work at the same moment from two threads.
 *
 * <p>Loops that must own a thread ({@link #startThread}, the Redis subscription) wait on the outside world, not on
 * time: they get a real thread here too, stopped by {@link #close()}.
 */
public final class ManualScheduler implements EngineScheduler {

    private static final Logger log = LoggerFactory.getLogger(ManualScheduler.class);

    private final MutableClock clock;
    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>();
    private final List<Loop> loops = new ArrayList<>();
    private long sequence;
    private boolean closed;

    public ManualScheduler(MutableClock clock) {
        this.clock = clock;
    }

    /** A scheduler on a clock of its own, starting now. */
    public ManualScheduler() {
        this(new MutableClock(Instant.now()));
    }

    public MutableClock clock() {
        return clock;
    }

    /** Moves the clock by {@code d}, running every task that comes due meanwhile, in time order. */
    public void advance(Duration d) {
        Instant target = clock.instant().plus(d);
        while (true) {
            Scheduled next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due.isAfter(target)) {
                    break;
                }
                queue.poll();
            }
            if (next.due.isAfter(clock.instant())) {
                clock.advance(Duration.between(clock.instant(), next.due));
            }
            run(next);
        }
        if (target.isAfter(clock.instant())) {
            clock.advance(Duration.between(clock.instant(), target));
        }
    }

    /** Runs every task due at the clock's time now (and any they make due), without moving the clock. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** How many tasks (not loops) wait to run, due or not. */
    public synchronized int pending() {
        return queue.size();
    }

    private void run(Scheduled s) {
        if (s.cancelled) {
            return;
        }
        try {
            s.body.run();
        } catch (RuntimeException e) {
            log.warn("Background task {} failed{}: {}", s.name, s.period == null ? "" : " (it runs again at its next time)", e.toString(), e);
        }
        synchronized (this) {
            if (s.period != null && !s.cancelled && !closed) {
                s.due = s.fixedRate ? s.due.plus(s.period) : clock.instant().plus(s.period);
                s.seq = sequence++;
                queue.add(s);
            }
        }
    }

    private synchronized Task add(String name, Duration delay, Duration period, boolean fixedRate, Runnable body) {
        if (closed) {
            throw new RejectedExecutionException("the scheduler is closed; " + name + " not scheduled");
        }
        Scheduled s = new Scheduled(name, clock.instant().plus(delay), period, fixedRate, body, sequence++);
        queue.add(s);
        return s;
    }

    @Override
    public Task scheduleWithFixedDelay(String name, Duration initialDelay, Duration delay, Runnable task) {
        return add(name, initialDelay, delay, false, task);
    }

    @Override
    public Task scheduleAtFixedRate(String name, Duration initialDelay, Duration period, Runnable task) {
        return add(name, initialDelay, period, true, task);
    }

    @Override
    public Task schedule(String name, Duration delay, Runnable task) {
        return add(name, delay, null, false, task);
    }

    @Override
    public synchronized Task startThread(String name, Runnable loop, Runnable wakeUp) {
        if (closed) {
            throw new RejectedExecutionException("the scheduler is closed; " + name + " not started");
        }
        Loop l = new Loop(name, EngineScheduler.daemonThread(name, loop), wakeUp);
        loops.add(l);
        l.thread.start();
        return l;
    }

    @Override
    public synchronized List<String> tasks() {
        List<String> names = new ArrayList<>();
        queue.forEach(s -> names.add(s.name));
        loops.stream().filter(l -> l.thread.isAlive()).forEach(l -> names.add(l.name));
        names.sort(null);
        return names;
    }

    @Override
    public void close() {
        List<Loop> running;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.forEach(s -> s.cancelled = true);
            queue.clear();
            running = new ArrayList<>(loops);
        }
        running.forEach(Loop::cancel);
    }

    private final class Scheduled implements Task, Comparable<Scheduled> {
        final String name;
        final Duration period;
        final boolean fixedRate;
        final Runnable body;
        Instant due;
        long seq;
        volatile boolean cancelled;

        Scheduled(String name, Instant due, Duration period, boolean fixedRate, Runnable body, long seq) {
            this.name = name;
            this.due = due;
            this.period = period;
            this.fixedRate = fixedRate;
            this.body = body;
            this.seq = seq;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void cancel() {
            cancelled = true;
            synchronized (ManualScheduler.this) {
                queue.remove(this);
            }
        }

        @Override
        public int compareTo(Scheduled o) {
            int c = due.compareTo(o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final class Loop implements Task {
        final String name;
        final Thread thread;
        final Runnable wakeUp;

        Loop(String name, Thread thread, Runnable wakeUp) {
            this.name = name;
            this.thread = thread;
            this.wakeUp = wakeUp;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void cancel() {
            wakeUp.run();
            thread.interrupt();
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (ManualScheduler.this) {
                loops.remove(this);
            }
        }
    }
}
