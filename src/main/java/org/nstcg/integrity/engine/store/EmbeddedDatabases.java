package org.nstcg.integrity.engine.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.nstcg.integrity.engine.config.EmbeddedServers;
import org.nstcg.integrity.engine.support.EngineException;
import org.postgresql.PGConnection;

/** Creates our database inside the embedded PostgreSQL on first start, and gives a cluster made on trust its password. */
public final class EmbeddedDatabases {

    private EmbeddedDatabases() {
    }

    /** The SQL the embedded servers need to convert a cluster made on trust to passwords (decision record 0012). */
    public static EmbeddedServers.PostgresAdministration administration() {
        return new EmbeddedServers.PostgresAdministration() {
            @Override
            public void setSuperuserPassword(int port, String password) {
                try (Connection c = DriverManager.getConnection(url(port), "postgres", password)) {
                    // Hashed (SCRAM) by the driver: the plain text reaches neither the server nor its log.
                    c.unwrap(PGConnection.class).alterUserPassword("postgres", password.toCharArray(), "scram-sha-256");
                } catch (SQLException e) {
                    throw new EngineException("The embedded PostgreSQL on port " + port + " could not be given a password: "
                            + ConnectionFailures.firstLine(e) + ".", e);
                }
            }

            @Override
            public void reloadAndAwaitPasswordRequired(int port, String password, Duration wait) {
                try (Connection c = DriverManager.getConnection(url(port), "postgres", password); Statement st = c.createStatement()) {
                    st.execute("SELECT pg_reload_conf()");
                } catch (SQLException e) {
                    throw new EngineException("The embedded PostgreSQL on port " + port + " did not reload its configuration: "
                            + ConnectionFailures.firstLine(e) + ".", e);
                }
                long deadline = System.nanoTime() + wait.toNanos();
                while (true) {
                    // A wrong password, not an empty one: pgjdbc does not send an empty one to a server asking for SCRAM.
                    try (Connection c = DriverManager.getConnection(url(port), "postgres", "not-the-password")) {
                        if (System.nanoTime() > deadline) {
                            throw new EngineException("The embedded PostgreSQL on port " + port + " still lets local users in"
                                    + " without its password after pg_hba.conf was rewritten. Check that file in the data directory.");
                        }
                    } catch (SQLException e) {
                        if (e.getSQLState() != null && e.getSQLState().startsWith("28")) {
                            return;
                        }
                        throw new EngineException("The embedded PostgreSQL on port " + port + " stopped answering while it"
                                + " was given a password: " + ConnectionFailures.firstLine(e) + ".", e);
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new EngineException("Interrupted while the embedded PostgreSQL was given a password.");
                    }
                }
            }
        };
    }

    private static String url(int port) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /**
     * Creates database {@code name} through the embedded server's administrator URL unless it exists, logging in as
     * {@code postgres} with {@code password} (the embedded server's generated one).
     */
    public static void ensureExists(String adminJdbcUrl, String password, String name) {
        try (Connection c = DriverManager.getConnection(adminJdbcUrl, "postgres", password)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + name + " ENCODING 'UTF8'");
            } catch (SQLException e) {
                if (!"42P04".equals(e.getSQLState())) { // created meanwhile by another instance
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new EngineException("The embedded PostgreSQL started but its database '" + name
                    + "' could not be prepared: " + e.getMessage(), e);
        }
    }
}
