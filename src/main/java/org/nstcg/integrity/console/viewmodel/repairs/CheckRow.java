package org.nstcg.integrity.console.viewmodel.repairs;

import java.util.OptionalLong;

/**
 * One check in the findings list: its latest stored result.
 *
 * @param status  {@code passed}, {@code failed}, {@code error} or {@code not run}
 * @param summary "2 findings", "passed", "could not run", "not run yet"
 * @param runId   the run its result comes from; empty when it has not run
 * @param ranAt   when that run started, for display; empty when it has not run
 */
public record CheckRow(String name, String severity, String description, String status, long findings, String summary,
                       OptionalLong runId, String ranAt) {

    public static final String PASSED = "passed";
    public static final String FAILED = "failed";
    public static final String ERROR = "error";
    public static final String NOT_RUN = "not run";

    /** "points-ledger · 2 findings". */
    @Override
    public String toString() {
        return name + " · " + summary;
    }
}
