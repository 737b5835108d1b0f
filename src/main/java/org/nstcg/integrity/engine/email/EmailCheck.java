package org.nstcg.integrity.engine.email;

/** The result of checking a typed email address. */
public sealed interface EmailCheck {

    /** The address is valid. */
    record Valid(EmailAddress address) implements EmailCheck {
    }

    /** The address cannot be used; {@code reason} says why, as a phrase ("has no @"). */
    record Invalid(String reason) implements EmailCheck {
    }
}
