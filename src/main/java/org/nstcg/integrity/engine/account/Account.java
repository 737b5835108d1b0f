package org.nstcg.integrity.engine.account;

import java.time.Instant;
import java.util.Optional;

/**
 * A console account as an administrator sees it (never its password hash).
 *
 * @param lockedUntil    set while failed sign-ins keep the account locked
 * @param failedAttempts failed sign-ins since the last successful one
 */
public record Account(long id, String username, String displayName, Role role, boolean disabled,
                      Optional<Instant> lockedUntil, int failedAttempts, Instant createdAt, String createdBy,
                      Optional<Instant> lastSignInAt) {

    /** Whether the account is locked at {@code now}. */
    public boolean lockedAt(Instant now) {
        return lockedUntil.map(now::isBefore).orElse(false);
    }
}
