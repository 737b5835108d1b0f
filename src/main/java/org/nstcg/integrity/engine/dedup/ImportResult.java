package org.nstcg.integrity.engine.dedup;

import java.time.Duration;
import java.util.List;

/**
 * What an import did.
 *
 * @param importId            the import's id (legacy_imports.id; its rows are in legacy_users)
 * @param rows                data rows read
 * @param imported            rows that became users
 * @param held                rows kept in legacy_users because they collide (see {@code heldRows})
 * @param invalid             rows that could not be read (see {@code badRows})
 * @param codesReissued       imported rows whose legacy code could not be stored and got a fresh one
 * @param referrersUnresolved imported rows whose referred_by_code names no active user
 * @param badRows             the first {@link LegacyImporter#REPORTED_ROWS} bad rows, in file order
 * @param heldRows            the first {@link LegacyImporter#REPORTED_ROWS} held rows, in file order
 */
public record ImportResult(long importId, String fileName, long rows, long imported, long held, long invalid, long codesReissued,
                           long referrersUnresolved, List<BadRow> badRows, List<HeldRow> heldRows, Duration duration) {

    /** A row that could not be read: its line in the file and why. */
    public record BadRow(int line, String reason) {
    }

    /** A row kept aside: its line, why, and the user it collides with (when known). */
    public record HeldRow(int line, String email, String reason, Long collidesWith) {
    }

    /** Every row became a user. */
    public boolean clean() {
        return held == 0 && invalid == 0;
    }
}
