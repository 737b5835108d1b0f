package org.nstcg.integrity.engine.store;

import java.util.Optional;

/**
 * A validated registration, ready to be written.
 *
 * @param email           the address as typed
 * @param emailNormalized the mailbox identity
 * @param firstName       first name, trimmed
 * @param lastName        last name, trimmed, if given
 * @param referrerId      the active user whose code was given, if any
 * @param signupPoints    points the new user starts with
 * @param referralBonus   points the referrer earns
 */
public record NewRegistration(String email, String emailNormalized, String firstName, Optional<String> lastName,
                              Optional<Long> referrerId, int signupPoints, int referralBonus) {
}
