package org.nstcg.integrity.engine.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * One step's database work as a single statement, so a saga can append its own bookkeeping to it and run both
 * in one round trip and one transaction.
 *
 * @param ctes        data-modifying common table expressions, {@code name AS (…)} separated by commas ("" for none)
 * @param resultQuery a query returning at most one row with one {@code jsonb} column: the step's result
 * @param params      the parameters of {@code ctes} then {@code resultQuery}, in order, bound as {@link Tx} binds them
 *                    (null elements allowed; a typed NULL is {@link Tx#nullOf})
 */
public record StepStatement(String ctes, String resultQuery, List<Object> params) {

    public StepStatement {
        params = Collections.unmodifiableList(new ArrayList<>(params));
    }

    /** The statement on its own ({@code WITH ctes resultQuery}), for running the step outside a saga. */
    public String sql() {
        return ctes.isBlank() ? resultQuery : "WITH " + ctes + " " + resultQuery;
    }

    /**
     * Runs the statement ({@link #sql}) on {@code tx} and returns its one jsonb result as text, or null when it
     * returned no row or a SQL null.
     */
    public String result(Tx tx) {
        return tx.first(sql(), r -> r.getString(1), params.toArray()).orElse(null);
    }

    /**
     * Several steps' work as the common table expressions of one statement, in order: each step's CTEs followed by
     * {@code step_result_<k>(r) AS (<its result query>)}, k counting from 1. A later step may read an earlier
     * step's CTEs (its RETURNING rows); all of them run in the one statement, hence in one transaction. Its
     * parameters are the parts' parameters, in the parts' order.
     */
    public static StepStatement composed(List<StepStatement> parts) {
        StringBuilder ctes = new StringBuilder();
        List<Object> params = new ArrayList<>();
        for (int k = 0; k < parts.size(); k++) {
            StepStatement part = parts.get(k);
            if (k > 0) {
                ctes.append(", ");
            }
            if (!part.ctes().isBlank()) {
                ctes.append(part.ctes()).append(", ");
            }
            ctes.append(resultName(k)).append("(r) AS (").append(part.resultQuery()).append(')');
            params.addAll(part.params());
        }
        StringBuilder results = new StringBuilder("SELECT ");
        for (int k = 0; k < parts.size(); k++) {
            results.append(k == 0 ? "" : ", ").append("(SELECT r FROM ").append(resultName(k)).append(')');
        }
        return new StepStatement(ctes.toString(), results.toString(), params);
    }

    /** The CTE holding the result of the {@code k}-th (from 0) part of a {@link #composed} statement. */
    public static String resultName(int k) {
        return "step_result_" + (k + 1);
    }
}
