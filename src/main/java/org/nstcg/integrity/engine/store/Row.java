package org.nstcg.integrity.engine.store;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The current row of a query, read by column label or by position (from 1). SQL NULL reads as {@code null} from
 * the boxed getters ({@link #getLongOrNull}, {@link #getString}, {@link #getInstant}); the primitive ones read it as 0
 * or false, as JDBC does.
 */
public final class Row {

    private final ResultSet rs;

    Row(ResultSet rs) {
        this.rs = rs;
    }

    public String getString(String column) {
        try {
            return rs.getString(column);
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public String getString(int column) {
        try {
            return rs.getString(column);
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public long getLong(String column) {
        try {
            return rs.getLong(column);
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public long getLong(int column) {
        try {
            return rs.getLong(column);
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public Long getLongOrNull(String column) {
        try {
            long v = rs.getLong(column);
            return rs.wasNull() ? null : v;
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public Long getLongOrNull(int column) {
        try {
            long v = rs.getLong(column);
            return rs.wasNull() ? null : v;
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public int getInt(String column) {
        try {
            return rs.getInt(column);
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public int getInt(int column) {
        try {
            return rs.getInt(column);
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public Integer getIntOrNull(String column) {
        try {
            int v = rs.getInt(column);
            return rs.wasNull() ? null : v;
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public Integer getIntOrNull(int column) {
        try {
            int v = rs.getInt(column);
            return rs.wasNull() ? null : v;
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public double getDouble(String column) {
        try {
            return rs.getDouble(column);
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public double getDouble(int column) {
        try {
            return rs.getDouble(column);
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public Double getDoubleOrNull(String column) {
        try {
            double v = rs.getDouble(column);
            return rs.wasNull() ? null : v;
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public Double getDoubleOrNull(int column) {
        try {
            double v = rs.getDouble(column);
            return rs.wasNull() ? null : v;
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public boolean getBoolean(String column) {
        try {
            return rs.getBoolean(column);
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public boolean getBoolean(int column) {
        try {
            return rs.getBoolean(column);
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public Boolean getBooleanOrNull(int column) {
        try {
            boolean v = rs.getBoolean(column);
            return rs.wasNull() ? null : v;
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    /** A {@code timestamp}/{@code timestamptz} column as an instant; null for SQL NULL. */
    public Instant getInstant(String column) {
        try {
            Timestamp t = rs.getTimestamp(column);
            return t == null ? null : t.toInstant();
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public Instant getInstant(int column) {
        try {
            Timestamp t = rs.getTimestamp(column);
            return t == null ? null : t.toInstant();
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public LocalDate getLocalDate(int column) {
        try {
            return rs.getObject(column, LocalDate.class);
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public UUID getUuid(String column) {
        try {
            return rs.getObject(column, UUID.class);
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public UUID getUuid(int column) {
        try {
            return rs.getObject(column, UUID.class);
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    /** The column as the driver's Java object (Long, String, Timestamp, …), null for SQL NULL. */
    public Object getObject(int column) {
        try {
            return rs.getObject(column);
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public byte[] getBytes(int column) {
        try {
            return rs.getBytes(column);
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    /** A {@code bigint[]} column; an empty list for SQL NULL. */
    public List<Long> getLongs(String column) {
        try {
            return longs(rs.getArray(column));
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public List<Long> getLongs(int column) {
        try {
            return longs(rs.getArray(column));
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    /** A {@code text[]} column; an empty list for SQL NULL (elements may be null). */
    public List<String> getStrings(String column) {
        try {
            return strings(rs.getArray(column));
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    public List<String> getStrings(int column) {
        try {
            return strings(rs.getArray(column));
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    /** The number of columns of the result. */
    public int columnCount() {
        try {
            return rs.getMetaData().getColumnCount();
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    /** The label of column {@code column} (from 1). */
    public String columnLabel(int column) {
        try {
            return rs.getMetaData().getColumnLabel(column);
        } catch (SQLException e) {
            throw StoreException.of(e);
        }
    }

    private static List<Long> longs(Array a) throws SQLException {
        if (a == null) {
            return List.of();
        }
        try {
            Object[] values = (Object[]) a.getArray();
            List<Long> out = new ArrayList<>(values.length);
            for (Object v : values) {
                out.add(v == null ? null : ((Number) v).longValue());
            }
            return out;
        } finally {
            a.free();
        }
    }

    private static List<String> strings(Array a) throws SQLException {
        if (a == null) {
            return List.of();
        }
        try {
            Object[] values = (Object[]) a.getArray();
            List<String> out = new ArrayList<>(values.length);
            for (Object v : values) {
                out.add(v == null ? null : v.toString());
            }
            return out;
        } finally {
            a.free();
        }
    }
}
