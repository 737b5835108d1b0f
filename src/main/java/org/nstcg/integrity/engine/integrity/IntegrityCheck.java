package org.nstcg.integrity.engine.integrity;

import org.nstcg.integrity.engine.store.Tx;

/**
 * One integrity check: a small strategy that returns data ({@link CheckFindings}), never repairs anything.
 * Checks are set-based: one or a few SQL statements whatever the number of rows, so a suite stays fast on a
 * million users and only the findings kept ever reach Java.
 */
public interface IntegrityCheck {

    /** A stable, lower-case, dashed name, e.g. {@code referral-code-uniqueness}: stored, and typed by operators. */
    String name();

    Severity severity();

    /** One sentence: what the check looks for. */
    String description();

    /**
     * Runs the check.
     *
     * @param tx    the suite's read-only snapshot transaction (a check that does not read PostgreSQL ignores it)
     * @param limit the most findings to return; {@link CheckFindings#total()} still counts them all
     * @throws org.nstcg.integrity.engine.store.StoreException when PostgreSQL refuses or cannot run its SQL
     */
    CheckFindings run(Tx tx, int limit);
}
