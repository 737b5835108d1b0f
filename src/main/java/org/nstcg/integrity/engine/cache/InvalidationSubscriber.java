package org.nstcg.integrity.engine.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.nstcg.integrity.engine.support.EngineScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;

/**
 * Listens on the invalidation channel in a thread of its own and hands what other instances invalidated to the
 * near cache. {@link #live()} is true only while subscribed: while it is false the near cache must not be used,
 * and every (re)subscription starts by clearing it, since messages may have been missed meanwhile.
 *
 * <p>Message format: the sending instance's id on the first line, then one line per key, each starting with
 * {@code K } (a key) or {@code P } (a pattern).
 *
 * <p>Design notes: {@code SUBSCRIBE} blocks its connection until it is unsubscribed, so the loop owns a thread; it
 * gets it from the engine's scheduler ({@link EngineScheduler#startThread}, thread {@code integrity-cache-invalidations}),
 * which stops it on the engine's one shutdown path by unsubscribing it first.
 */
final class InvalidationSubscriber implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InvalidationSubscriber.class);
    private static final long MAX_BACKOFF_MS = 2000;

    private final RedisConnection redis;
    private final String channel;
    private final String instanceId;
    private final BiConsumer<List<String>, Boolean> onInvalidate;
    private final Runnable onReset;
    private final AtomicBoolean live = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile JedisPubSub current;
    private EngineScheduler.Task loop;

    InvalidationSubscriber(RedisConnection redis, String channel, String instanceId, BiConsumer<List<String>, Boolean> onInvalidate,
                           Runnable onReset) {
        this.redis = redis;
        this.channel = channel;
        this.instanceId = instanceId;
        this.onInvalidate = onInvalidate;
        this.onReset = onReset;
    }

    static String message(String instanceId, List<String> keys, boolean patterns) {
        StringBuilder sb = new StringBuilder(instanceId);
        for (String k : keys) {
            sb.append('\n').append(patterns ? "P " : "K ").append(k);
        }
        return sb.toString();
    }

    synchronized void start(EngineScheduler scheduler) {
        if (loop == null && !closed.get()) {
            loop = scheduler.startThread("cache-invalidations", this::run, this::stop);
        }
    }

    boolean live() {
        return live.get();
    }

    private void run() {
        long backoff = 50;
        while (!closed.get()) {
            JedisPubSub pubSub = new JedisPubSub() {
                @Override
                public void onSubscribe(String ch, int count) {
                    onReset.run();
                    live.set(true);
                    log.debug("Subscribed to cache invalidations on {}", ch);
                }

                @Override
                public void onMessage(String ch, String message) {
                    handle(message);
                }
            };
            current = pubSub;
            try {
                redis.client().subscribe(pubSub, channel);
                backoff = 50;
            } catch (RuntimeException e) {
                if (!closed.get()) {
                    log.debug("Cache invalidation subscription lost: {}", CacheCoordinator.firstLine(e));
                }
            } finally {
                live.set(false);
                onReset.run();
            }
            if (closed.get()) {
                break;
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
    }

    private void handle(String message) {
        String[] lines = message.split("\n");
        if (lines.length < 2 || lines[0].equals(instanceId)) {
            return; // our own: already applied locally before publishing
        }
        List<String> keys = new ArrayList<>();
        List<String> patterns = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith("K ")) {
                keys.add(line.substring(2));
            } else if (line.startsWith("P ")) {
                patterns.add(line.substring(2));
            }
        }
        if (!keys.isEmpty()) {
            onInvalidate.accept(keys, false);
        }
        if (!patterns.isEmpty()) {
            onInvalidate.accept(patterns, true);
        }
    }

    @Override
    public void close() {
        EngineScheduler.Task l;
        synchronized (this) {
            closed.set(true);
            l = loop;
        }
        if (l != null) {
            l.cancel(); // calls stop(), interrupts and joins the thread
        } else {
            stop();
        }
    }

    /** Makes the loop return: no resubscription, and the current subscription ended. */
    private void stop() {
        closed.set(true);
        JedisPubSub pubSub = current;
        if (pubSub != null) {
            try {
                if (pubSub.isSubscribed()) {
                    pubSub.unsubscribe();
                }
            } catch (RuntimeException e) {
                log.debug("Unsubscribing: {}", e.getMessage());
            }
        }
    }
}
