package org.nstcg.integrity.engine.store;

import java.net.UnknownHostException;
import java.sql.SQLException;
import org.nstcg.integrity.engine.config.Redaction;
import org.nstcg.integrity.engine.support.ServerUnavailableException;

/** Turns a failed PostgreSQL connection into a sentence that says what to fix. */
public final class ConnectionFailures {

    private ConnectionFailures() {
    }

    static ServerUnavailableException translate(SQLException e, DatabaseSettings s) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String where = "PostgreSQL at " + s.endpoint();
        String message;
        if (state.equals("28P01") || (state.equals("28000") && mentions(e, "password"))) {
            message = where + " refused the password for user '" + s.user() + "'. Check db.user and db.password"
                    + " (the server was chosen by " + s.setting() + ").";
        } else if (state.startsWith("28")) {
            message = where + " does not accept user '" + s.user() + "': " + firstLine(e)
                    + ". Check db.user (the server was chosen by " + s.setting() + ").";
        } else if (state.equals("3D000")) {
            message = where + " has no such database: " + firstLine(e) + ". Create it, or correct the database name in "
                    + s.setting() + ".";
        } else if (mentions(e, "does not support ssl")) {
            message = where + " does not accept TLS connections, but " + s.setting() + " asks for them (sslmode). Enable ssl"
                    + " on the server, or, only on a network you trust, remove sslmode from the URL.";
        } else if (causedBy(e, javax.net.ssl.SSLException.class) || mentions(e, "hostnameverifier") || mentions(e, "ssl error")) {
            message = "The TLS connection to " + where + " failed: " + firstLine(e) + ". Check sslmode and sslrootcert in "
                    + s.setting() + " (the CA file that signed the server's certificate, whose name must match the host).";
        } else if (causedBy(e, UnknownHostException.class)) {
            message = "The host in " + s.setting() + " cannot be resolved (" + s.endpoint() + "). Correct the host name.";
        } else if (state.startsWith("08") || state.isEmpty()) {
            message = "Cannot reach " + where + " (" + reason(e) + "). Start the server, or correct " + s.setting() + ".";
        } else {
            message = where + " refused the connection: " + firstLine(e) + " (SQL state " + state + "). Check " + s.setting() + ".";
        }
        return new ServerUnavailableException("db.url", s.endpoint(), message, e);
    }

    private static boolean mentions(SQLException e, String word) {
        return e.getMessage() != null && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains(word);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A short phrase for why a connection or query failed: "connection refused", "no answer within 5 s", a lock or
     * statement timeout that names its setting, or the driver's first line when it is something else.
     */
    public static String reason(Throwable e) {
        if (e instanceof StoreException s && s.getCause() != null) {
            return reason(s.getCause()); // already translated: the phrase is the driver's
        }
        if (causedBy(e, java.net.ConnectException.class)) {
            return "connection refused";
        }
        if (causedBy(e, java.net.SocketTimeoutException.class)) {
            return "no answer in time";
        }
        if (causedBy(e, java.sql.SQLTransientConnectionException.class)) {
            // HikariCP: "integrity-db - Connection is not available, request timed out after 5000ms (total=0, …)"
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("timed out after (\\d+)ms").matcher(String.valueOf(e.getMessage()));
            return m.find() ? "no connection within " + Math.round(Long.parseLong(m.group(1)) / 1000.0) + " s" : "no connection available";
        }
        if (e instanceof SQLException sql && "57P01".equals(sql.getSQLState())) {
            return "the server is shutting down";
        }
        if (e instanceof SQLException sql && "55P03".equals(sql.getSQLState())) {
            return "another session held a lock it needed for longer than db.lock-timeout allows; try again when that"
                    + " session's work is done";
        }
        if (e instanceof SQLException sql && "57014".equals(sql.getSQLState()) && mentions(sql, "statement timeout")) {
            return "the statement ran for longer than db.statement-timeout allows";
        }
        return firstLine(e);
    }

    /** The first line of {@code e}'s message, with secrets masked: the driver quotes its URL ("Unable to parse URL …?password=…"). */
    public static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : Redaction.text(e.getMessage());
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
    }
}
