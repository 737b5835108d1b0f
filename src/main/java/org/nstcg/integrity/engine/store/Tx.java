package org.nstcg.integrity.engine.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * One connection's work, handed to a {@link Jdbc} callback: statements with positional {@code ?} parameters, their
 * rows read through {@link Row}. Every driver failure becomes a {@link StoreException}.
 *
 * <p>Parameters bind by their Java type: {@link Instant} as a timestamp, {@link Optional} as its value or NULL,
 * {@link JsonNode} as its JSON text (cast it in SQL: {@code ?::jsonb}), {@link #bigints}/{@link #texts} as arrays,
 * {@link #nullOf} as a typed NULL, anything else as the driver binds it ({@code setObject}).
 */
public final class Tx {

    private final Connection c;
    private int queryTimeoutSeconds;

    Tx(Connection c) {
        this.c = c;
    }

    /** Runs an INSERT, UPDATE, DELETE or utility statement; returns the number of rows it changed. */
    public int update(String sql, Object... args) {
        try (PreparedStatement ps = prepare(sql, args)) {
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    /** Runs one statement once per element of {@code rows} (each its parameters), sent as one batch. */
    public int[] batch(String sql, Collection<? extends List<?>> rows) {
        if (rows.isEmpty()) {
            return new int[0];
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            applyTimeout(ps);
            for (List<?> row : rows) {
                bind(ps, row.toArray());
                ps.addBatch();
            }
            return ps.executeBatch();
        } catch (SQLException e) {
            throw StoreException.of(e.getNextException() != null ? e.getNextException() : e);
        }
    }

    /** Every row of a query, mapped. */
    public <T> List<T> list(String sql, RowMapper<T> mapper, Object... args) {
        try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            Row row = new Row(rs);
            while (rs.next()) {
                out.add(mapper.map(row));
            }
            return out;
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    /** The first row of a query, mapped; empty when it returned none. */
    public <T> Optional<T> first(String sql, RowMapper<T> mapper, Object... args) {
        try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.ofNullable(mapper.map(new Row(rs))) : Optional.empty();
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    /** The one row a query always returns (an aggregate, a function call, {@code RETURNING}), mapped. */
    public <T> T single(String sql, RowMapper<T> mapper, Object... args) {
        try (PreparedStatement ps = prepare(sql, args); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("The query returned no row: " + sql);
            }
            return mapper.map(new Row(rs));
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    /** The first column of the one row a query returns, as a long (0 for NULL). */
    public long singleLong(String sql, Object... args) {
        return single(sql, r -> r.getLong(1), args);
    }

    /**
     * Streams the rows of a query to {@code consumer}, {@code fetchSize} at a time (the driver uses a cursor only
     * inside a transaction: call this from {@link Jdbc#inTransaction} for results that do not fit in memory).
     */
    public void each(String sql, int fetchSize, RowConsumer consumer, Object... args) {
        try (PreparedStatement ps = prepare(sql, args)) {
            ps.setFetchSize(fetchSize);
            try (ResultSet rs = ps.executeQuery()) {
                Row row = new Row(rs);
                while (rs.next()) {
                    consumer.accept(row);
                }
            }
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    /** Streams {@code in} to a {@code COPY … FROM STDIN} statement; returns the rows copied. */
    public long copyIn(String copySql, java.io.Reader in) throws java.io.IOException {
        try {
            return c.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyIn(copySql, in);
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    /**
     * Runs {@code work} under a savepoint: when it throws, only its own statements are rolled back and the
     * transaction can go on (a unique violation turned into an outcome, for instance).
     */
    public <T> T savepoint(Jdbc.Work<T> work) {
        Savepoint sp;
        try {
            sp = c.setSavepoint();
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
        T result;
        try {
            result = work.run(this);
        } catch (RuntimeException | Error e) {
            try {
                c.rollback(sp);
            } catch (SQLException r) {
                e.addSuppressed(r);
            }
            throw e;
        }
        try {
            c.releaseSavepoint(sp);
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
        return result;
    }

    /**
     * On a handle from {@link Jdbc#read} (auto-commit), runs {@code work} as one transaction: committed when it
     * returns, rolled back when it throws. The handle is in auto-commit mode again afterwards (a session-level
     * advisory lock held by the handle outlives the transaction).
     */
    public <T> T transaction(Jdbc.Work<T> work) {
        try {
            if (!c.getAutoCommit()) {
                return work.run(this); // already in one
            }
            c.setAutoCommit(false);
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
        return Jdbc.commitOrRollback(c, this, work);
    }

    /** Limits each following statement of this handle to {@code timeout} (rounded up to whole seconds); zero lifts it. */
    public void queryTimeout(Duration timeout) {
        queryTimeoutSeconds = timeout.isZero() || timeout.isNegative() ? 0 : (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
    }

    /** The raw connection, for the store's own work that needs the driver itself (COPY). */
    Connection connection() {
        return c;
    }

    /** A {@code bigint[]} parameter. */
    public static SqlArray bigints(Collection<? extends Number> values) {
        return new SqlArray("bigint", values.stream().map(v -> v == null ? null : v.longValue()).toArray());
    }

    /** A {@code bigint[]} parameter. */
    public static SqlArray bigints(long... values) {
        return new SqlArray("bigint", java.util.Arrays.stream(values).boxed().toArray());
    }

    /** A {@code text[]} parameter. */
    public static SqlArray texts(Collection<String> values) {
        return new SqlArray("text", values.toArray());
    }

    /** An array parameter of the named element type ({@code "varchar"}, {@code "uuid"}, …). */
    public static SqlArray array(String elementType, Collection<?> values) {
        return new SqlArray(elementType, values.toArray());
    }

    /** A NULL of a given type, for the places where PostgreSQL cannot infer one ({@code ? IS NULL}). */
    public static TypedNull nullOf(SqlType type) {
        return new TypedNull(type);
    }

    /** An array parameter: element type and values. */
    public record SqlArray(String elementType, Object[] values) {
    }

    /** A typed NULL parameter. */
    public record TypedNull(SqlType type) {
    }

    /** The types a {@link TypedNull} can have. */
    public enum SqlType {
        BIGINT(Types.BIGINT), INTEGER(Types.INTEGER), TEXT(Types.VARCHAR), BOOLEAN(Types.BOOLEAN),
        TIMESTAMP(Types.TIMESTAMP), DOUBLE(Types.DOUBLE), OTHER(Types.OTHER);

        final int jdbcType;

        SqlType(int jdbcType) {
            this.jdbcType = jdbcType;
        }
    }

    /** Maps the current row to a value. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(Row row);
    }

    /** Consumes the current row. */
    @FunctionalInterface
    public interface RowConsumer {
        void accept(Row row);
    }

    private PreparedStatement prepare(String sql, Object[] args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            applyTimeout(ps);
            bind(ps, args);
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    private void applyTimeout(PreparedStatement ps) throws SQLException {
        if (queryTimeoutSeconds > 0) {
            ps.setQueryTimeout(queryTimeoutSeconds);
        }
    }

    private void bind(PreparedStatement ps, Object[] args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            bindOne(ps, i + 1, args[i]);
        }
    }

    private void bindOne(PreparedStatement ps, int index, Object value) throws SQLException {
        Object v = value instanceof Optional<?> o ? o.orElse(null) : value;
        if (v == null) {
            ps.setNull(index, Types.OTHER);
        } else if (v instanceof TypedNull n) {
            ps.setNull(index, n.type().jdbcType);
        } else if (v instanceof Instant i) {
            ps.setTimestamp(index, Timestamp.from(i));
        } else if (v instanceof JsonNode j) {
            ps.setString(index, j.toString());
        } else if (v instanceof SqlArray a) {
            ps.setArray(index, c.createArrayOf(a.elementType(), a.values()));
        } else if (v instanceof Enum<?>) {
            throw new IllegalArgumentException("Bind " + v.getClass().getSimpleName() + " as its database text, not as an enum constant");
        } else {
            ps.setObject(index, v);
        }
    }
}
