package org.nstcg.integrity.console.viewmodel;

import java.time.Clock;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.slf4j.Logger;

/**
 * How fresh a live screen's data is: "Updated 14:05:09" after each successful read; after a failed one, a sentence
 * saying what is shown instead ("Refresh failed at 14:05:14; the sagas shown were read at 14:05:09.") and why, as
 * the engine explains it. The screen keeps the data of its last good read.
 */
public final class ReadStatus {

    private final Clock clock;
    private final String source;
    private final String shown;
    private final StringProperty updatedAt = new SimpleStringProperty("Loading…");
    private final StringProperty error = new SimpleStringProperty("");
    private final StringProperty errorDetail = new SimpleStringProperty("");
    private String lastRead;

    /**
     * @param source what is read, for a first read that fails ("The saga log")
     * @param shown  what the screen shows, for a later read that fails ("the sagas")
     */
    public ReadStatus(Clock clock, String source, String shown) {
        this.clock = clock;
        this.source = source;
        this.shown = shown;
    }

    /** A read succeeded now. */
    public void succeeded() {
        lastRead = DisplayFormats.clockTime(clock.instant(), clock.getZone());
        updatedAt.set("Updated " + lastRead);
        error.set("");
        errorDetail.set("");
    }

    /**
     * A read failed now.
     *
     * @param doing what was being done, for the log ("reading the saga log")
     */
    public void failed(Throwable failure, String doing, Logger log) {
        String at = DisplayFormats.clockTime(clock.instant(), clock.getZone());
        error.set(lastRead == null ? source + " could not be read at " + at + "."
                : "Refresh failed at " + at + "; " + shown + " shown were read at " + lastRead + ".");
        errorDetail.set(UserMessages.describe(failure, doing, log));
    }

    /** Whether any read has succeeded yet. */
    public boolean everRead() {
        return lastRead != null;
    }

    /** "Updated 14:05:09", or "Loading…" before the first read. */
    public ReadOnlyStringProperty updatedAtProperty() {
        return updatedAt;
    }

    /** That the last read failed and which data is shown instead; empty after a successful one. */
    public ReadOnlyStringProperty errorProperty() {
        return error;
    }

    /** Why the last read failed; empty after a successful one. */
    public ReadOnlyStringProperty errorDetailProperty() {
        return errorDetail;
    }
}
