package org.nstcg.integrity.engine.referral;

import org.nstcg.integrity.engine.store.ReferrerRef;

/** What a typed referral code is, for support staff and operators. */
public sealed interface ReferralCheck {

    /** Issued and in use; {@code owner} is the active user it credits (after merges). */
    record Known(String code, ReferrerRef owner) implements ReferralCheck {
    }

    /**
     * Its check symbol does not match: a typo of some code.
     *
     * @param suggestion the one issued code of an active user that is a single typo away (see {@link CodeCorrections}),
     *                   if exactly one is; empty when none or several are
     */
    record Mistyped(String typed, java.util.Optional<String> suggestion) implements ReferralCheck {
    }

    /** Not even a candidate (longer than any code): {@code reason} says why; nothing was looked up. */
    record Invalid(String reason) implements ReferralCheck {
    }

    /** Well-formed or not, no active user has it. */
    record Unknown(String typed, String reason) implements ReferralCheck {
    }
}
