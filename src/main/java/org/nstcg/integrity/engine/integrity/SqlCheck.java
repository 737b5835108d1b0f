package org.nstcg.integrity.engine.integrity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nstcg.integrity.engine.store.Tx;

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
    public CheckFindings run(Tx tx, int limit) {
        Object[] args = Arrays.copyOf(parameters, parameters.length + 1);
        args[parameters.length] = Math.max(limit, 1);
        List<Finding> findings = new ArrayList<>();
        long total = 0;
        for (Found f : tx.list(sql, rs -> new Found(rs.getLong(4),
                new Finding(name, severity, rs.getLongs(1), rs.getString(2), details(rs.getString(3)))), args)) {
            total = f.total();
            if (findings.size() < limit) {
                findings.add(f.finding());
            }
        }
        return new CheckFindings(total, findings);
    }

    /** One row of the query: the count of all findings, and this one. */
    private record Found(long total, Finding finding) {
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
