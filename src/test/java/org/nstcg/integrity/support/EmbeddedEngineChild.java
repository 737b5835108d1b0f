package org.nstcg.integrity.support;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.config.ConfigLoader;
import org.nstcg.integrity.engine.support.ProgressListener;

/**
 * Run in a child JVM by tests that kill it: starts an engine in embedded mode on the data directory given as the
 * only argument, prints {@code READY <postgres port> <redis port>} and waits to be killed.
 */
public final class EmbeddedEngineChild {

    private EmbeddedEngineChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        var config = new ConfigLoader(Map.of(), Path.of(args[0]).resolve("home"))
                .load(Optional.empty(), Map.of(ConfigKey.DATA_DIR, args[0]));
        IntegrityEngine engine = IntegrityEngine.start(config, ProgressListener.NONE);
        var servers = engine.embeddedServers().orElseThrow();
        System.out.println("READY " + servers.postgresPort().orElseThrow() + " " + servers.redisPort().orElseThrow());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
