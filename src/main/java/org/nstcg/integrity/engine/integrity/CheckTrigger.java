package org.nstcg.integrity.engine.integrity;

import java.util.Locale;

/** Why a suite ran: an operator asked ({@code manual}, audited) or the schedule ({@code scheduled}). */
public enum CheckTrigger {
    MANUAL, SCHEDULED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
