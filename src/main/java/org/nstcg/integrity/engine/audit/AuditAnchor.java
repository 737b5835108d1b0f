package org.nstcg.integrity.engine.audit;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A copy of the audit trail's head kept outside PostgreSQL: entry {@code id} had hash {@code hash} (at {@code at},
 * where known). Verification against anchors shows what the chain alone cannot: entries cut from its end, or a chain
 * recomputed from some entry on.
 *
 * @param source where the anchor came from, for messages ({@code --expect}, a file and line)
 */
public record AuditAnchor(long id, String hash, Optional<Instant> at, String source) {

    private static final Pattern EXPECT = Pattern.compile("(\\d{1,18}):([0-9a-f]{64})");

    public AuditAnchor {
        if (id < 1) {
            throw new IllegalArgumentException("an anchored entry id is positive");
        }
    }

    /**
     * Parses {@code ID:HASH}, as {@code audit verify} and {@code audit anchor} print it.
     *
     * @throws IllegalArgumentException with a sentence saying what is expected
     */
    public static AuditAnchor parse(String text, String source) {
        Matcher m = EXPECT.matcher(text == null ? "" : text.strip().toLowerCase(java.util.Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("expected ID:HASH, an entry id and its 64 hex-digit hash as audit verify prints"
                    + " them, e.g. 42:" + "0".repeat(64));
        }
        return new AuditAnchor(Long.parseLong(m.group(1)), m.group(2), Optional.empty(), source);
    }

    /** {@code ID:HASH}. */
    public String text() {
        return id + ":" + hash;
    }
}
