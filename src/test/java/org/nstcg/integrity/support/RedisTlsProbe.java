package org.nstcg.integrity.support;

import java.time.Clock;
import java.time.Duration;
import org.nstcg.integrity.engine.cache.RedisConnection;
import org.nstcg.integrity.engine.cache.RedisSettings;
import org.nstcg.integrity.engine.support.ServerUnavailableException;

/**
 * Run in a child JVM (so that {@code -Djavax.net.ssl.trustStore} applies from its start): connects the engine's
 * Redis client over TLS to {@code HOST PORT} and prints {@code OK <version>} or {@code REFUSED <sentence>}.
 */
public final class RedisTlsProbe {

    private RedisTlsProbe() {
    }

    public static void main(String[] args) {
        RedisSettings settings = new RedisSettings(args[0], Integer.parseInt(args[1]), null, null, 0, true, "probe:",
                Duration.ofSeconds(5), "redis.url (set by a test)");
        try (RedisConnection redis = new RedisConnection(settings, Clock.systemUTC())) {
            System.out.println("OK " + redis.ping());
        } catch (ServerUnavailableException e) {
            System.out.println("REFUSED " + e.getMessage());
        }
        System.out.flush();
    }
}
