package org.nstcg.integrity.engine.integrity;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One run of the suite (or of the checks chosen with {@code --only}), as stored in {@code integrity_check_runs}.
 *
 * @param actor who asked for a manual run; empty for a scheduled one
 */
public record CheckRun(long id, CheckTrigger trigger, Optional<String> actor, String instanceId, Instant startedAt,
                       Instant finishedAt, Status status, List<CheckResult> results) {

    /** Passed: no check found anything; failed: some check did; error: some check could not run. */
    public enum Status {
        PASSED, FAILED, ERROR;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public CheckRun {
        results = List.copyOf(results);
    }

    static Status statusOf(List<CheckResult> results) {
        if (results.stream().anyMatch(r -> r.status() == CheckResult.Status.ERROR)) {
            return Status.ERROR;
        }
        return results.stream().anyMatch(r -> r.status() == CheckResult.Status.FAILED) ? Status.FAILED : Status.PASSED;
    }

    public Duration duration() {
        return Duration.between(startedAt, finishedAt);
    }

    public long totalFindings() {
        return results.stream().mapToLong(CheckResult::totalFindings).sum();
    }

    public Optional<CheckResult> result(String check) {
        return results.stream().filter(r -> r.name().equals(check)).findFirst();
    }

    /** "8 checks, 3 findings (points-ledger 2, orphans 1)" — the audit trail's and the log's summary. */
    public String summary() {
        StringBuilder sb = new StringBuilder().append(results.size()).append(results.size() == 1 ? " check, " : " checks, ")
                .append(totalFindings()).append(totalFindings() == 1 ? " finding" : " findings");
        List<String> parts = results.stream().filter(r -> r.status() != CheckResult.Status.PASSED)
                .map(r -> r.name() + " " + (r.status() == CheckResult.Status.ERROR ? "error" : Long.toString(r.totalFindings()))).toList();
        if (!parts.isEmpty()) {
            sb.append(" (").append(String.join(", ", parts)).append(')');
        }
        return sb.append("; ").append(status.label()).toString();
    }
}
