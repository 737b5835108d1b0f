package org.nstcg.integrity.console.viewmodel.repairs;

/**
 * One stored run in the history table, as display strings.
 *
 * @param link the run's {@code integrity://run/<id>}, for "Copy link"
 */
public record RunRow(String id, String startedAt, String trigger, String actor, String status, String findings, String duration,
                     String details, String link) {
}
