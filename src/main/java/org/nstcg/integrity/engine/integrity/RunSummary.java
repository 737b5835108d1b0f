package org.nstcg.integrity.engine.integrity;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One stored run, for history lists and charts: when, why, by whom, and per check its findings count.
 *
 * @param status  {@code running}, {@code passed}, {@code failed}, {@code error} or {@code cancelled} (as stored)
 * @param checks  per check name (in name order): its figures in that run
 */
public record RunSummary(long id, Instant startedAt, Optional<Instant> finishedAt, String trigger, String status,
                         Optional<String> actor, Optional<String> instanceId, Map<String, CheckFigures> checks) {

    /** One check in one run. */
    public record CheckFigures(String severity, String status, long findings, long durationMillis) {
    }

    public RunSummary {
        checks = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(checks));
    }

    public long totalFindings() {
        return checks.values().stream().mapToLong(CheckFigures::findings).sum();
    }
}
