package org.nstcg.integrity.engine.account;

import java.time.Instant;

/**
 * A signed-in console user. Only {@link AccountService#signIn} makes one, so holding a session proves the password
 * was checked. Every engine action a face performs for the user goes through {@link #authorize}, which checks the
 * role, that the account is not disabled, and that its password has not been reset or changed nor its role changed
 * since the sign-in (its session epoch, V19, has not moved on), and returns the name to record in the audit trail.
 */
public final class Session {

    private final AccountService accounts;
    private final long accountId;
    private final String username;
    private final String displayName;
    private final Role role;
    private final Instant signedInAt;
    /** The account's session epoch this session holds; moved on only by the owner's own password change. */
    private volatile long epoch;

    Session(AccountService accounts, long accountId, String username, String displayName, Role role, Instant signedInAt,
            long epoch) {
        this.accounts = accounts;
        this.accountId = accountId;
        this.username = username;
        this.displayName = displayName;
        this.role = role;
        this.signedInAt = signedInAt;
        this.epoch = epoch;
    }

    /** Whether the role allows {@code permission}: what a face shows. {@link #authorize} is what the engine checks. */
    public boolean may(Permission permission) {
        return role.allows(permission);
    }

    /**
     * Checks that this user may do {@code permission} now and returns the actor name for the audit trail.
     *
     * @throws AccessDeniedException when the role does not allow it, or the session has ended (the account was
     *                               disabled, its password reset or its role changed)
     */
    public String authorize(Permission permission) {
        if (!role.allows(permission)) {
            throw new AccessDeniedException("Your role (" + role.title() + ") may not " + permission.action()
                    + ". Ask an administrator if you need to.", permission);
        }
        accounts.checkStillValid(this, permission);
        return username;
    }

    /** The session epoch it was granted on (V19). */
    long epoch() {
        return epoch;
    }

    /** After the owner changed their own password through this session: it goes on, their other sessions end. */
    void renew(long newEpoch) {
        this.epoch = newEpoch;
    }

    public long accountId() {
        return accountId;
    }

    /** The lower-case sign-in name; also the actor of every audited action. */
    public String username() {
        return username;
    }

    public String displayName() {
        return displayName;
    }

    public Role role() {
        return role;
    }

    public Instant signedInAt() {
        return signedInAt;
    }

    @Override
    public String toString() {
        return username + " (" + role.title() + ")";
    }
}
