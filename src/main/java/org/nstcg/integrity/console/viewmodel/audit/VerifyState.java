package org.nstcg.integrity.console.viewmodel.audit;

/** Where the chain verification stands; the view colours the result by it. */
public enum VerifyState {
    NOT_RUN, RUNNING, INTACT, BROKEN, FAILED
}
