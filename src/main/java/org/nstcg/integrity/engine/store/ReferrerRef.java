package org.nstcg.integrity.engine.store;

/**
 * The user a referral code leads to, after following merges to the surviving account.
 *
 * @param userId          the active user who receives the bonus
 * @param emailNormalized that user's mailbox, to refuse self-referral
 * @param code            the code as issued
 * @param viaMerge        true when the code belonged to a user since merged into this one
 */
public record ReferrerRef(long userId, String emailNormalized, String firstName, String code, boolean viaMerge) {
}
