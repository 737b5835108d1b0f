package org.nstcg.integrity.engine.cache;

import java.time.Duration;

/**
 * How to reach Redis, resolved from the configuration (embedded or external).
 *
 * @param host      host name or address
 * @param port      port
 * @param user      ACL user, or null
 * @param password  password, or null
 * @param database  database index
 * @param ssl       whether to use TLS (rediss://)
 * @param keyPrefix prefix of every key and channel
 * @param timeout   connect and read timeout
 * @param setting   the setting that chose this server, with its source, for messages
 */
public record RedisSettings(String host, int port, String user, String password, int database, boolean ssl,
                            String keyPrefix, Duration timeout, String setting) {

    public String endpoint() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return "RedisSettings[" + endpoint() + "/" + database + ", prefix=" + keyPrefix + "]";
    }
}
