package org.nstcg.integrity.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;

/**
 * The engine's Redis pool under concurrent callers: connections are made once and reused, not closed on return and
 * reopened by the next call (counted by the server itself, {@code INFO stats total_connections_received}), also when the callers do
 * database work between their Redis calls, as registrations do, so that fewer are borrowed at some moments than at others.
 */
@IntegrityTest(perTest = true)
class RedisPoolIT {

    private static final int CALLERS = 16;
    private static final int CALLS_EACH = 200;

    private TestDatabase db;
    private IntegrityEngine engine;

    @BeforeEach
    void start(TestDatabase slice, IntegrityEngine started) {
        db = slice;
        engine = started;
    }

    @Test
    void concurrentCallersReuseThePoolsConnectionsInsteadOfReopeningThem() throws Exception {
        RedisConnection redis = engine.redis();
        long before = connectionsReceived(redis);
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> callers = new ArrayList<>();
            for (int c = 0; c < CALLERS; c++) {
                String key = redis.key("pool-test:" + c);
                callers.add(pool.submit(() -> {
                    go.await();
                    for (int n = 0; n < CALLS_EACH; n++) {
                        redis.client().incr(key);
                        databaseWork(); // as a registration does between its Redis calls
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : callers) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long opened = connectionsReceived(redis) - before;

        // 3,200 calls from 16 threads: at most one connection per concurrent caller is ever opened (the engine's own
        // background threads may open a few more), never one per call.
        assertThat(opened).isLessThanOrEqualTo(RedisConnection.POOL_SIZE);
        for (int c = 0; c < CALLERS; c++) {
            assertThat(redis.client().get(redis.key("pool-test:" + c))).isEqualTo(Integer.toString(CALLS_EACH));
        }
    }

    private void databaseWork() throws SQLException {
        try (Connection c = engine.database().dataSource().getConnection();
             Statement st = c.createStatement()) {
            st.execute("SELECT 1");
        }
    }

    private static long connectionsReceived(RedisConnection redis) {
        String stats = redis.client().info("stats");
        for (String line : stats.split("\r?\n")) {
            if (line.startsWith("total_connections_received:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new AssertionError("INFO stats has no total_connections_received: " + stats);
    }
}
