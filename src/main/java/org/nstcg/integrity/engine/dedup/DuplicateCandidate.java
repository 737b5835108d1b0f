package org.nstcg.integrity.engine.dedup;

import java.util.List;

/**
 * Two records that may be one person.
 *
 * @param kind    EXACT (same mailbox) or LIKELY (similar names and mailboxes)
 * @param left    an active user
 * @param right   another user, or a held legacy row ({@link Party#legacyImport()} set)
 * @param score   0..1, higher is more likely
 * @param reasons why, one phrase each
 */
public record DuplicateCandidate(Kind kind, Party left, Party right, double score, List<String> reasons) {

    public enum Kind { EXACT, LIKELY }

    /** One side: a user, or a held row of a legacy import. */
    public record Party(Long userId, Long legacyImport, Integer legacyLine, String email, String name, String status) {

        public String label() {
            return userId != null ? "user " + userId : "legacy row " + legacyImport + ":" + legacyLine;
        }
    }
}
