package org.nstcg.integrity.engine.integrity;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One check's part of a run.
 *
 * @param totalFindings every finding, even beyond those kept in {@code findings} (at most {@link IntegrityChecks#FINDINGS_KEPT})
 * @param error         why the check could not run, when {@code status} is {@link Status#ERROR}
 */
public record CheckResult(String name, Severity severity, Status status, long totalFindings, List<Finding> findings,
                          Duration duration, Optional<String> error) {

    /** A check passed (nothing found), failed (found something) or could not run. */
    public enum Status {
        PASSED, FAILED, ERROR;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public CheckResult {
        findings = List.copyOf(findings);
    }

    static CheckResult of(IntegrityCheck check, CheckFindings found, Duration duration) {
        return new CheckResult(check.name(), check.severity(), found.total() == 0 ? Status.PASSED : Status.FAILED, found.total(),
                found.findings(), duration, Optional.empty());
    }

    static CheckResult error(IntegrityCheck check, String why, Duration duration) {
        return new CheckResult(check.name(), check.severity(), Status.ERROR, 0, List.of(), duration, Optional.of(why));
    }
}
