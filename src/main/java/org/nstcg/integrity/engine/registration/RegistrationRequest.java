package org.nstcg.integrity.engine.registration;

/**
 * A sign-up as typed by a person; nothing in it is trusted yet.
 *
 * @param email        the email address
 * @param firstName    first name (required)
 * @param lastName     last name, or null/blank
 * @param referralCode the code of the person who referred them, or null/blank
 */
public record RegistrationRequest(String email, String firstName, String lastName, String referralCode) {
}
