package org.nstcg.integrity.engine.account;

import java.time.Instant;

/**
 * What a sign-in attempt came to. The failures say to the engine and the audit trail why; a face shows every one with
 * the same {@link Failure#message()}, so that the person signing in cannot tell an unknown username from a wrong
 * password, a locked account or a disabled one (each takes the same work too: see {@link AccountService#signIn}).
 */
public sealed interface SignInOutcome {

    /** The one sentence for every failed sign-in. */
    String FAILED = "Sign-in failed: check the user name and password, or ask an administrator.";

    /** The user is signed in. */
    record SignedIn(Session session) implements SignInOutcome {
    }

    /** A failed sign-in, whatever the reason; faces show {@link #message()} and nothing about the reason. */
    sealed interface Failure extends SignInOutcome permits WrongCredentials, LockedOut, Disabled {
        /** {@link #FAILED}, for every failure alike. */
        default String message() {
            return FAILED;
        }
    }

    /** Wrong username or password; which one is not said, nor whether the username exists. */
    record WrongCredentials() implements Failure {
    }

    /** Too many failed attempts: no sign-in succeeds until {@code until}. For the engine and its tests, not the user. */
    record LockedOut(Instant until) implements Failure {
    }

    /** An administrator disabled the account. For the engine and its tests, not the user. */
    record Disabled() implements Failure {
    }
}
