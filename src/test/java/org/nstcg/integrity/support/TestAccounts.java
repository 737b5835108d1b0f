package org.nstcg.integrity.support;

import java.util.Locale;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.AccountResult;
import org.nstcg.integrity.engine.account.AccountService;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.engine.account.SignInOutcome;

/**
 * Console accounts for tests: {@link #signIn} returns a real session of the given role, creating the first
 * administrator ({@value #ADMIN}) and then an account named after the role when they do not exist yet.
 */
public final class TestAccounts {

    public static final String ADMIN = "admin";
    public static final String PASSWORD = "correct horse battery staple";

    private TestAccounts() {
    }

    /** A session for the account named after the role ({@code admin}, {@code support}, {@code operator}). */
    public static Session signIn(IntegrityEngine engine, Role role) {
        AccountService accounts = engine.accounts();
        if (!accounts.hasAccounts()) {
            expectDone(accounts.createFirstAdministrator(ADMIN, "Ada Admin", PASSWORD));
        }
        if (role == Role.ADMINISTRATOR) {
            return session(accounts.signIn(ADMIN, PASSWORD));
        }
        String name = username(role);
        Session admin = session(accounts.signIn(ADMIN, PASSWORD));
        if (accounts.list(Actor.of(admin)).stream().noneMatch(a -> a.username().equals(name))) {
            expectDone(accounts.create(Actor.of(admin), name, displayName(role), role, PASSWORD));
        }
        return session(accounts.signIn(name, PASSWORD));
    }

    /** {@code support} for SUPPORT; {@value #ADMIN} for ADMINISTRATOR. */
    public static String username(Role role) {
        return role == Role.ADMINISTRATOR ? ADMIN : role.name().toLowerCase(Locale.ROOT);
    }

    /** "Sam Support". */
    public static String displayName(Role role) {
        return switch (role) {
            case ADMINISTRATOR -> "Ada Admin";
            case SUPPORT -> "Sam Support";
            case OPERATOR -> "Oli Operator";
        };
    }

    private static Session session(SignInOutcome outcome) {
        if (outcome instanceof SignInOutcome.SignedIn signedIn) {
            return signedIn.session();
        }
        throw new IllegalStateException("test sign-in failed: " + outcome);
    }

    private static void expectDone(AccountResult result) {
        if (!(result instanceof AccountResult.Done)) {
            throw new IllegalStateException("test account not created: " + result);
        }
    }
}
