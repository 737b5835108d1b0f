package org.nstcg.integrity.console.viewmodel.sagas;

/**
 * One saga as a table row, in display strings.
 *
 * @param id         the full saga id
 * @param type       saga type
 * @param businessKey what it is about (an address, a merge)
 * @param status     the status in words ("Needs attention")
 * @param tone       {@link SagaTone} of the status, for its colour
 * @param step       "3/5"
 * @param started    start time in the user's zone
 * @param duration   "120 ms", or "running 5 s"
 * @param lastError  the last error, or empty
 */
public record SagaRow(String id, String type, String businessKey, String status, SagaTone tone, String step, String started,
                      String duration, String lastError) {
}
