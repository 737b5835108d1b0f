package org.nstcg.integrity.engine.registration;

/**
 * What a registration saga works on, stored as JSON in the saga log so recovery can finish it anywhere.
 *
 * @param email         the address as typed
 * @param mailbox       the normalised address
 * @param firstName     validated first name
 * @param lastName      validated last name, or null
 * @param referrerId    the active user whose code was given, or null
 * @param referralGiven whether a referral code was typed at all
 * @param referralShown the code as shown back to the person, or null
 */
public record RegistrationSagaData(String email, String mailbox, String firstName, String lastName, Long referrerId,
                                   boolean referralGiven, String referralShown) {
}
