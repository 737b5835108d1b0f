package org.nstcg.integrity.engine.integrity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A check that is one SQL query. The query returns one row per finding with the columns {@code k} (sort key),
 * {@code ids} ({@code bigint[]}), {@code message} ({@code text}) and {@code details} ({@code jsonb}); this class
 * counts them all in the database and fetches only the first {@code limit}, so a corrupt million-row table costs
 * the database a sort, never Java memory.
 */
final class SqlCheck implements IntegrityCheck {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Severity severity;
    private final String description;
    private final String sql;
    private final Object[] parameters;

    SqlCheck(String name, Severity severity, String description, String findingsQuery, Object... parameters) {
        this.name = name;
        this.severity = severity;
        this.description = description;
        this.sql = "SELECT f.ids, f.message, f.details::text, count(*) OVER () FROM (" + findingsQuery + ") f ORDER BY f.k LIMIT ?";
        this.parameters = parameters.clone();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Severity severity() {
        return severity;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public CheckFindings run(Connection c, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (Object p : parameters) {
                ps.setObject(i++, p);
            }
            ps.setInt(i, Math.max(limit, 1));
            List<Finding> findings = new ArrayList<>();
            long total = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    total = rs.getLong(4);
                    if (findings.size() < limit) {
                        findings.add(new Finding(name, severity, ids(rs.getArray(1)), rs.getString(2), details(rs.getString(3))));
                    }
                }
            }
            return new CheckFindings(total, findings);
        }
    }

    private static List<Long> ids(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        Object[] values = (Object[]) array.getArray();
        return Arrays.stream(values).map(v -> ((Number) v).longValue()).toList();
    }

    private static JsonNode details(String text) {
        if (text == null) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("PostgreSQL returned invalid JSON", e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
