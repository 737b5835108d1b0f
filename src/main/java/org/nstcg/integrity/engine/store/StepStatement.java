package org.nstcg.integrity.engine.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;

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

    /** Binds parameters. */
    @FunctionalInterface
    public interface Binder {
        int bind(PreparedStatement ps, int firstIndex) throws SQLException;
    }
}
