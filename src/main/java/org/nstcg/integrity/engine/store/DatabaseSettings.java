package org.nstcg.integrity.engine.store;

import java.time.Duration;

/**
 * How to reach PostgreSQL, resolved from the configuration (embedded or external).
 *
 * @param jdbcUrl        the JDBC URL
 * @param user           user name
 * @param password       password (may be empty)
 * @param schema         schema holding the tables; created by the first migration if missing
 * @param poolSize       maximum pooled connections
 * @param connectTimeout how long to wait for a connection
 * @param endpoint       host:port, for messages
 * @param setting        the setting that chose this server, with its source, for messages
 */
public record DatabaseSettings(String jdbcUrl, String user, String password, String schema, int poolSize,
                               Duration connectTimeout, String endpoint, String setting) {

    @Override
    public String toString() {
        return "DatabaseSettings[" + jdbcUrl + ", user=" + user + ", schema=" + schema + "]";
    }
}
