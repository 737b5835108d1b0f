package org.nstcg.integrity.engine.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.nstcg.integrity.engine.support.EngineException;

/** Creates our database inside the embedded PostgreSQL on first start. */
public final class EmbeddedDatabases {

    private EmbeddedDatabases() {
    }

    /** Creates database {@code name} through the embedded server's administrator URL unless it exists. */
    public static void ensureExists(String adminJdbcUrl, String name) {
        try (Connection c = DriverManager.getConnection(adminJdbcUrl, "postgres", "")) {
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
