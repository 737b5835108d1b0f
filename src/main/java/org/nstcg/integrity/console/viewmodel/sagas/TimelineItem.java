package org.nstcg.integrity.console.viewmodel.sagas;

/**
 * One entry of a saga's timeline, in display strings.
 *
 * @param tone   how it reads at a glance
 * @param title  "Step CreateUser completed", "Undo of Write failed", "Retried by alice"
 * @param time   when, in the user's zone, to the millisecond
 * @param offset time since the saga started: "+12 ms"
 * @param detail the step's result, or the operator's reason; empty when none
 * @param error  the error, empty when none
 * @param result the step's whole result (its payload) as pretty JSON, for the JSON viewer; empty when none
 */
public record TimelineItem(SagaTone tone, String title, String time, String offset, String detail, String error, String result) {

    /** An entry without a step result. */
    public TimelineItem(SagaTone tone, String title, String time, String offset, String detail, String error) {
        this(tone, title, time, offset, detail, error, "");
    }
}
