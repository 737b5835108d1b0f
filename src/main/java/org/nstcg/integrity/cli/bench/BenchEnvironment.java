package org.nstcg.integrity.cli.bench;

import java.util.UUID;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.config.ConfigSource;
import org.nstcg.integrity.engine.config.EngineConfig;
import org.nstcg.integrity.engine.support.ProgressListener;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * A throwaway slice of the configured servers for one benchmark: its own schema and Redis key prefix, removed
 * afterwards, so a benchmark never touches real data.
 */
public final class BenchEnvironment implements AutoCloseable {

    private static final ConfigSource BENCH = new ConfigSource(ConfigSource.Kind.FLAG, "bench");

    private final IntegrityEngine engine;
    private final String schema;
    private final boolean keep;

    private BenchEnvironment(IntegrityEngine engine, String schema, boolean keep) {
        this.engine = engine;
        this.schema = schema;
        this.keep = keep;
    }

    public static BenchEnvironment start(EngineConfig config, int connections, boolean keep) {
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String schema = "bench_" + id;
        EngineConfig benchConfig = config
                .with(ConfigKey.DB_SCHEMA, schema, BENCH)
                .with(ConfigKey.REDIS_KEY_PREFIX, "bench:" + id + ":", BENCH)
                .with(ConfigKey.DB_POOL_SIZE, Integer.toString(Math.min(200, connections)), BENCH);
        return new BenchEnvironment(IntegrityEngine.start(benchConfig, ProgressListener.NONE), schema, keep);
    }

    public IntegrityEngine engine() {
        return engine;
    }

    public String schema() {
        return schema;
    }

    @Override
    public void close() throws Exception {
        try {
            if (!keep) {
                engine.database().jdbc().transact("drop the benchmark's schema " + schema,
                        tx -> tx.update("DROP SCHEMA " + schema + " CASCADE"));
                String pattern = engine.redis().key("*");
                engine.redis().tryCall(r -> {
                    String cursor = ScanParams.SCAN_POINTER_START;
                    do {
                        ScanResult<String> page = r.scan(cursor, new ScanParams().match(pattern).count(1000));
                        if (!page.getResult().isEmpty()) {
                            r.del(page.getResult().toArray(String[]::new));
                        }
                        cursor = page.getCursor();
                    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
                    return null;
                });
            }
        } finally {
            engine.close();
        }
    }
}
