package org.nstcg.integrity.engine.lookup;

import java.util.Optional;

/**
 * A user found by {@link UserDirectory#search}.
 *
 * @param id           the user's id
 * @param email        the address as typed at sign-up
 * @param name         first and last name
 * @param referralCode the user's primary referral code
 * @param status       {@code active}, {@code merged} or {@code archived}
 * @param mergedInto   the survivor, when merged
 * @param points       current points (0 without a gamification profile)
 * @param reason       which part of the query matched
 * @param why          the match in words: "mailbox ada@gmail.com", "referral code ADAX-7K3M9QW2P, corrected from ADAX-7K3M9QW2Q"
 */
public record UserMatch(long id, String email, String name, String referralCode, String status, Optional<Long> mergedInto,
                        int points, Reason reason, String why) {

    /** What matched, best first: results are ordered by reason, then by the index order of that search. */
    public enum Reason {
        /** The query was a user id. */
        USER_ID,
        /** The query, normalised, is the user's mailbox. */
        EMAIL,
        /** The query is one of the user's referral codes (primary or alias), whatever its prefix or case. */
        REFERRAL_CODE,
        /** The query has a typo (its check symbol does not match); one symbol changed or two swapped gives this code. */
        CORRECTED_REFERRAL_CODE,
        /** The first name (and last name, for two words) starts with the query. */
        NAME,
        /** The mailbox starts with the query. */
        EMAIL_PREFIX
    }
}
