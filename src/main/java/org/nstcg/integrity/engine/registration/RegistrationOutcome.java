package org.nstcg.integrity.engine.registration;

import java.util.Optional;

/** What a registration came to. Every face renders these; none of them is an exception. */
public sealed interface RegistrationOutcome {

    /** How a given referral code was used. */
    enum Referral {
        /** No code was given. */
        NONE,
        /** The referrer earned the bonus. */
        CREDITED,
        /** The referrer was recorded, but this mailbox had already earned a bonus once: not paid twice. */
        ALREADY_CREDITED,
        /** The code belongs to no active user: registered without a bonus. */
        UNKNOWN_CODE
    }

    /**
     * The user exists now, with profile and ledger.
     *
     * @param notice a sentence for the person when something about the referral needs saying, else empty
     */
    record Registered(long userId, String referralCode, Referral referral, Optional<Long> referrerId, Optional<String> notice)
            implements RegistrationOutcome {
    }

    /** An active user already has this mailbox (the normalised email). Nothing was written. */
    record AlreadyRegistered(String emailNormalized) implements RegistrationOutcome {
    }

    /** Another registration of this mailbox is being written right now, maybe by another instance. Try again shortly. */
    record InProgress(String emailNormalized) implements RegistrationOutcome {
    }

    /**
     * The input cannot be registered. Nothing was written.
     *
     * @param field  {@code email}, {@code firstName}, {@code lastName} or {@code referralCode}
     * @param reason what is wrong, as a phrase following the field's name ("is empty")
     */
    record Invalid(String field, String reason) implements RegistrationOutcome {
    }
}
