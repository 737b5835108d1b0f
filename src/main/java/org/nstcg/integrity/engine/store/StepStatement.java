package org.nstcg.integrity.engine.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * One step's database work as a single statement, so a saga can append its own bookkeeping to it and run both
 * in one round trip and one transaction.
 *
 * @param ctes        data-modifying common table expressions, {@code name AS (…)} separated by commas ("" for none)
 * @param resultQuery a query returning at most one row with one {@code jsonb} column: the step's result
 * @param binder      binds the parameters of {@code ctes} then {@code resultQuery}, from index 1; returns the next index
 */
public record StepStatement(String ctes, String resultQuery, Binder binder) {

    /** The statement on its own ({@code WITH ctes resultQuery}), for running the step outside a saga. */
    public String sql() {
        return ctes.isBlank() ? resultQuery : "WITH " + ctes + " " + resultQuery;
    }

    /**
     * Runs the statement ({@link #sql}) prepared as {@code ps}: binds it and returns its one jsonb result as text, or
     * null when it returned no row or a SQL null.
     */
    public String result(PreparedStatement ps) throws SQLException {
        binder.bind(ps, 1);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /**
     * Several steps' work as the common table expressions of one statement, in order: each step's CTEs followed by
     * {@code step_result_<k>(r) AS (<its result query>)}, k counting from 1. A later step may read an earlier
     * step's CTEs (its RETURNING rows); all of them run in the one statement, hence in one transaction.
     */
    public static StepStatement composed(List<StepStatement> parts) {
        StringBuilder ctes = new StringBuilder();
        for (int k = 0; k < parts.size(); k++) {
            StepStatement part = parts.get(k);
            if (k > 0) {
                ctes.append(", ");
            }
            if (!part.ctes().isBlank()) {
                ctes.append(part.ctes()).append(", ");
            }
            ctes.append(resultName(k)).append("(r) AS (").append(part.resultQuery()).append(')');
        }
        StringBuilder results = new StringBuilder("SELECT ");
        for (int k = 0; k < parts.size(); k++) {
            results.append(k == 0 ? "" : ", ").append("(SELECT r FROM ").append(resultName(k)).append(')');
        }
        List<StepStatement> copy = List.copyOf(parts);
        return new StepStatement(ctes.toString(), results.toString(), (ps, first) -> {
            int i = first;
            for (StepStatement part : copy) {
                i = part.binder().bind(ps, i);
            }
            return i;
        });
    }

    /** The CTE holding the result of the {@code k}-th (from 0) part of a {@link #composed} statement. */
    public static String resultName(int k) {
        return "step_result_" + (k + 1);
    }

    /** Binds parameters. */
    @FunctionalInterface
    public interface Binder {
        int bind(PreparedStatement ps, int firstIndex) throws SQLException;
    }
}
