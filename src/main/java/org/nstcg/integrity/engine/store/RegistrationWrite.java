package org.nstcg.integrity.engine.store;

/** What writing a registration did. */
public sealed interface RegistrationWrite {

    /**
     * Every row is committed.
     *
     * @param bonusPaid false when this mailbox already earned its referrer a bonus once (never paid twice)
     */
    record Written(long userId, String referralCode, boolean bonusPaid) implements RegistrationWrite {
    }

    /** An active user already has this normalised email; nothing was written. */
    record EmailTaken() implements RegistrationWrite {
    }

    /** The referrer stopped being active between lookup and write; nothing was written. */
    record ReferrerGone() implements RegistrationWrite {
    }
}
