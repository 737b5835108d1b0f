package org.nstcg.integrity.engine.account;

/** What an account change came to: done, invalid input (with the field to fix) or refused. */
public sealed interface AccountResult {

    /** The change is stored (and audited); {@code account} is the account after it. */
    record Done(Account account) implements AccountResult {
    }

    /** The input cannot be used; {@code field} is username, displayName, password or role. */
    record Invalid(String field, String message) implements AccountResult {
    }

    /** The change is not allowed now, e.g. it would leave no active administrator; the message says why. */
    record Refused(String message) implements AccountResult {
    }
}
