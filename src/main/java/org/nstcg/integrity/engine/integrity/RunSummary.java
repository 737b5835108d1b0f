package org.nstcg.integrity.engine.integrity;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One stored run, for history lists and charts: when, why, by whom, and per check its findings count.
 *
 * @param status  {@code running}, {@code passed}, {@code failed}, {@code error} or {@code cancelled} (as stored)
 * @param checks  per check name (in the suite's order): its figures in that run
 */
public record RunSummary(long id, Instant startedAt, Optional<Instant> finishedAt, String trigger, String status,
                         Optional<String> actor, Optional<String> instanceId, Map<String, CheckFigures> checks) {

    /** One check in one run. */
    public record CheckFigures(String severity, String status, long findings, long durationMillis) {
    }

    public RunSummary {
        // The suite's order (BuiltInChecks.NAMES), then any other check by name.
        java.util.TreeMap<String, CheckFigures> ordered = new java.util.TreeMap<>(java.util.Comparator
                .comparingInt((String n) -> BuiltInChecks.NAMES.contains(n) ? BuiltInChecks.NAMES.indexOf(n) : Integer.MAX_VALUE)
                .thenComparing(java.util.Comparator.naturalOrder()));
        ordered.putAll(checks);
        checks = java.util.Collections.unmodifiableMap(ordered);
    }

    public long totalFindings() {
        return checks.values().stream().mapToLong(CheckFigures::findings).sum();
    }
}
