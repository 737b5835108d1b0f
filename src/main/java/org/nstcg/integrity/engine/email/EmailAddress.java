package org.nstcg.integrity.engine.email;

/**
 * A valid email address.
 *
 * @param asTyped    what the person typed, trimmed and in Unicode NFC: stored and shown
 * @param normalized the mailbox identity used for duplicate detection: lower case, ASCII domain, provider rules applied
 */
public record EmailAddress(String asTyped, String normalized) {
}
