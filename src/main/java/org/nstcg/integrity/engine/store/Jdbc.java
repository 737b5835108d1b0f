package org.nstcg.integrity.engine.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The engine's one way to run SQL: a callback gets a {@link Tx} on a pooled connection, in a transaction
 * ({@link #inTransaction}, {@link #snapshot}) or in auto-commit mode ({@link #read}); the connection is returned to
 * the pool however the callback ends. A {@link StoreException} leaving the callback is described by what was being
 * done ("Cannot search users in PostgreSQL (connection refused).") and keeps its SQL state, so a caller can still
 * tell a unique violation or a serialization failure from an outage.
 *
 * <p>Design notes: a callback API rather than exposed connections, because every one of the eighteen hand-written
 * {@code setAutoCommit(false)} blocks it replaces repeated the same commit/rollback/restore sequence, and some of them
 * (the benchmarks' baseline and seed blocks) left out the rollback on failure. Only {@code engine.store} sees
 * {@code java.sql}; feature code runs its statements through {@link Tx} and reads rows through {@link Row}.
 */
public final class Jdbc {

    private final DataSource dataSource;

    public Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Runs {@code work} on a connection in auto-commit mode: each statement its own transaction. For reads that need
     * no single snapshot and for work that manages its own (with {@link Tx#transaction}).
     *
     * @param what what is being done, as it completes "Cannot … in PostgreSQL", e.g. "search users"
     */
    public <T> T read(String what, Work<T> work) {
        try (Connection c = connect(what)) {
            return work.run(new Tx(c));
        } catch (StoreException e) {
            throw e.during(what);
        } catch (SQLException e) {
            throw StoreException.of(e).during(what);
        }
    }

    /** Runs {@code work} in one READ COMMITTED transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(String what, Work<T> work) {
        return transaction(what, Connection.TRANSACTION_READ_COMMITTED, false, work);
    }

    /** {@link #inTransaction} for work with no result. */
    public void transact(String what, Action work) {
        transaction(what, Connection.TRANSACTION_READ_COMMITTED, false, tx -> {
            work.run(tx);
            return null;
        });
    }

    /** Runs {@code work} in one REPEATABLE READ, READ ONLY transaction: every statement sees the same snapshot. */
    public <T> T snapshot(String what, Work<T> work) {
        return transaction(what, Connection.TRANSACTION_REPEATABLE_READ, true, work);
    }

    /**
     * Runs {@code work} in a READ COMMITTED transaction, again (at most {@code attempts} times in all) when PostgreSQL
     * aborted it as a deadlock or serialization failure.
     */
    public <T> T retrying(String what, int attempts, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try {
                return inTransaction(what, work);
            } catch (StoreException e) {
                if (!e.isRetryable() || attempt >= attempts) {
                    throw e;
                }
            }
        }
    }

    private <T> T transaction(String what, int isolation, boolean readOnly, Work<T> work) {
        try (Connection c = connect(what)) {
            if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                c.setTransactionIsolation(isolation);
            }
            if (readOnly) {
                c.setReadOnly(true);
            }
            c.setAutoCommit(false);
            try {
                return commitOrRollback(c, new Tx(c), work);
            } finally {
                if (readOnly) {
                    c.setReadOnly(false);
                }
                if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                    c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                }
            }
        } catch (StoreException e) {
            throw e.during(what);
        } catch (SQLException e) {
            throw StoreException.of(e).during(what);
        }
    }

    /** Runs work on {@code c} (auto-commit off), commits or rolls back, and turns auto-commit back on. */
    static <T> T commitOrRollback(Connection c, Tx tx, Work<T> work) {
        T result;
        try {
            result = work.run(tx);
            c.commit();
        } catch (RuntimeException | Error e) {
            rollback(c, e);
            restore(c, e);
            throw e;
        } catch (SQLException e) {
            StoreException s = StoreException.of(e);
            rollback(c, s);
            restore(c, s);
            throw s;
        }
        try {
            c.setAutoCommit(true);
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
        return result;
    }

    private static void rollback(Connection c, Throwable failure) {
        try {
            c.rollback();
        } catch (SQLException r) {
            failure.addSuppressed(r);
        }
    }

    private static void restore(Connection c, Throwable failure) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException r) {
            failure.addSuppressed(r);
        }
    }

    private Connection connect(String what) {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw StoreException.of(e).during(what);
        }
    }

    /** Work on a {@link Tx} with a result. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Tx tx);
    }

    /** Work on a {@link Tx} without a result. */
    @FunctionalInterface
    public interface Action {
        void run(Tx tx);
    }
}
