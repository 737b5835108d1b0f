package org.nstcg.integrity.engine.account;

import java.time.Instant;

/** What a sign-in attempt came to. */
public sealed interface SignInOutcome {

    /** The user is signed in. */
    record SignedIn(Session session) implements SignInOutcome {
    }

    /** Wrong username or password; which one is not said, nor whether the username exists. */
    record WrongCredentials() implements SignInOutcome {
    }

    /** Too many failed attempts: no password is checked until {@code until}. */
    record LockedOut(Instant until) implements SignInOutcome {
    }

    /** An administrator disabled the account. */
    record Disabled() implements SignInOutcome {
    }
}
