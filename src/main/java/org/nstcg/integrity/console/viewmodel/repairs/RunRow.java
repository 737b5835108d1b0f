package org.nstcg.integrity.console.viewmodel.repairs;

/** One stored run in the history table, as display strings. */
public record RunRow(String id, String startedAt, String trigger, String actor, String status, String findings, String duration,
                     String details) {
}
