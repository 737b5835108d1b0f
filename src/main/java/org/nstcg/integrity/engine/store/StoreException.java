package org.nstcg.integrity.engine.store;

import java.sql.SQLException;
import java.util.Optional;
import org.nstcg.integrity.engine.support.EngineException;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * A statement PostgreSQL refused or could not run, translated at the store boundary so that no engine signature
 * carries {@link SQLException}. Callers turn the ones they expect (a unique violation, a serialization failure)
 * into outcomes or retries with {@link #isUniqueViolation}, {@link #isRetryable} and {@link #constraint}; every
 * other one reaches the face as an {@link EngineException} whose message is a sentence.
 */
public class StoreException extends EngineException {

    private final String sqlState;
    private final String constraint;
    private final boolean described;

    StoreException(String message, SQLException cause) {
        super(message, cause);
        this.sqlState = cause.getSQLState() == null ? "" : cause.getSQLState();
        this.constraint = constraintOf(cause);
        this.described = false;
    }

    private StoreException(String message, StoreException from) {
        super(message, from.getCause());
        this.sqlState = from.sqlState;
        this.constraint = from.constraint;
        this.described = true;
    }

    /** Wraps a driver failure; the message names the failure only, until {@link Jdbc} says what was being done. */
    static StoreException of(SQLException e) {
        return new StoreException("PostgreSQL failed: " + ConnectionFailures.reason(e) + ".", e);
    }

    /** The same failure, described as "Cannot {@code what} in PostgreSQL (reason)." */
    StoreException during(String what) {
        if (described) {
            return this; // an inner unit of work said what it was doing; keep its sentence
        }
        return new StoreException("Cannot " + what + " in PostgreSQL (" + reason() + ").", this);
    }

    /** The five-character SQL state, "" when the driver gave none (a lost connection, for instance). */
    public String sqlState() {
        return sqlState;
    }

    /** The constraint or index the statement violated, when it names one. */
    public Optional<String> constraint() {
        return Optional.ofNullable(constraint);
    }

    /** A unique index or constraint refused the row (SQL state 23505). */
    public boolean isUniqueViolation() {
        return "23505".equals(sqlState);
    }

    /** A unique violation of the named index or constraint. */
    public boolean violated(String constraintName) {
        return isUniqueViolation() && constraintName.equals(constraint);
    }

    /** A serialization failure or deadlock: the transaction may succeed when run again. */
    public boolean isRetryable() {
        return "40001".equals(sqlState) || "40P01".equals(sqlState);
    }

    /** The server could not be reached or the connection was lost (class 08, or no state at all). */
    public boolean isConnectionFailure() {
        return sqlState.isEmpty() || sqlState.startsWith("08") || "57P01".equals(sqlState);
    }

    /** The server's own message for the failure, first line only ("" when there was none). */
    public String serverMessage() {
        return getCause() == null ? "" : ConnectionFailures.firstLine(getCause());
    }

    /** A short phrase for why the statement failed: "connection refused", or the server's first line. */
    public String reason() {
        return ConnectionFailures.reason(getCause());
    }

    private static String constraintOf(SQLException e) {
        if (e instanceof PSQLException p) {
            ServerErrorMessage m = p.getServerErrorMessage();
            return m == null ? null : m.getConstraint();
        }
        return null;
    }
}
