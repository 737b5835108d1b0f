package org.nstcg.integrity.engine.store;

import java.time.Duration;

/**
 * How to reach PostgreSQL, resolved from the configuration (embedded or external).
 *
 * @param jdbcUrl           the JDBC URL
 * @param user              user name of the engine's connections (the runtime role)
 * @param password          password (may be empty)
 * @param schema            schema holding the tables; created by the first migration if missing
 * @param poolSize          maximum pooled connections
 * @param connectTimeout    how long to wait for a connection
 * @param endpoint          host:port, for messages
 * @param setting           the setting that chose this server, with its source, for messages
 * @param migrationUser     user name that runs the migrations and owns the schema; {@code user} in single-login mode
 * @param migrationPassword its password (may be empty)
 */
public record DatabaseSettings(String jdbcUrl, String user, String password, String schema, int poolSize,
                               Duration connectTimeout, String endpoint, String setting, String migrationUser,
                               String migrationPassword) {

    /** One login for migrations and the engine's connections: the schema's owner. */
    public DatabaseSettings(String jdbcUrl, String user, String password, String schema, int poolSize,
                            Duration connectTimeout, String endpoint, String setting) {
        this(jdbcUrl, user, password, schema, poolSize, connectTimeout, endpoint, setting, user, password);
    }

    /** Whether migrations run as another role than the engine's connections (which are then granted what they need). */
    public boolean separateMigrationLogin() {
        return !migrationUser.equals(user);
    }

    @Override
    public String toString() {
        return "DatabaseSettings[" + jdbcUrl + ", user=" + user + ", migrationUser=" + migrationUser + ", schema=" + schema + "]";
    }
}
