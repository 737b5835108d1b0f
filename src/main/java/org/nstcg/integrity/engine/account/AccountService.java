package org.nstcg.integrity.engine.account;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.nstcg.integrity.engine.audit.AuditEvent;
import org.nstcg.integrity.engine.audit.AuditTrail;
import org.nstcg.integrity.engine.account.AccountStore.StoredAccount;
import org.nstcg.integrity.engine.store.EngineSecrets;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.store.Tx;

/**
 * Console accounts: first-administrator setup, sign-in with lock-out, and the administrator's account management.
 * Every change and every sign-in (successful or not) is recorded in the audit trail in the same transaction.
 *
 * <p>Design notes: accounts live in PostgreSQL ({@code console_accounts}, V9), so every console instance sees the
 * same accounts and the same failed-attempt counters; the counter is bumped by one UPDATE, so concurrent attempts
 * from two consoles both count. Password hashes are checked outside any transaction (Argon2id takes tens of
 * milliseconds on purpose). Changes that could leave no active administrator take a transaction-scoped advisory lock
 * first, so two administrators demoting each other at once cannot both succeed.
 *
 * <p>Sign-in failures do not tell who is there: every failure path (unknown name, wrong password, locked account,
 * disabled account) checks one Argon2id hash, a decoy's for an unknown name, so none answers faster, and every one
 * returns a {@link SignInOutcome.Failure} that faces show with the same sentence; only the audit trail records the
 * real reason. A name that matches no account is recorded as its HMAC-SHA256 under an engine secret, never as typed:
 * people type passwords into the username field, and the audit trail keeps what it is given for ever. The keyed hash
 * still lets an administrator see that the same unknown name was tried again and again.
 *
 * <p>Sessions are checked again at each action ({@link #checkStillValid}): a password reset or change and a role
 * change raise the account's session epoch (V19) in the change's own transaction, and a session signed in at an older
 * epoch is refused at its next action with the reason. A disabled account's sessions are refused while it is disabled
 * (the flag is read at each action), and serve again if an administrator re-enables it without resetting its password.
 */
public final class AccountService {

    /** The username an unknown or malformed sign-in name is audited under. */
    static final String UNKNOWN_ACTOR = "(unknown)";
    /** The audit target type of an unknown sign-in name: the id is the name's keyed hash, never the name. */
    static final String UNKNOWN_NAME_TARGET = "username-hmac";
    /** The engine secret ({@code engine_secrets}) that keys the hash of unknown sign-in names. */
    static final String UNKNOWN_NAME_KEY = "sign-in-name-key";
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{2,63}");
    private static final int MIN_PASSWORD = 12;
    private static final int MAX_PASSWORD = 256;
    /** Why an account's sessions ended ({@code console_accounts.sessions_ended_because}, V19). */
    private static final String PASSWORD_RESET = "password_reset";
    private static final String PASSWORD_CHANGED = "password_changed";
    private static final String ROLE_CHANGED = "role_changed";

    private final Jdbc jdbc;
    private final AccountStore store = new AccountStore();
    private final AuditTrail audit;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final int lockoutAttempts;
    private final Duration lockoutDuration;
    private final ObjectMapper json = new ObjectMapper();
    /** {@link #UNKNOWN_NAME_KEY}, read at the first unknown name. */
    private volatile byte[] unknownNameKey;

    public AccountService(Jdbc jdbc, AuditTrail audit, PasswordHasher hasher, Clock clock, int lockoutAttempts,
                          Duration lockoutDuration) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.hasher = hasher;
        this.clock = clock;
        this.lockoutAttempts = lockoutAttempts;
        this.lockoutDuration = lockoutDuration;
    }

    /** Whether any account exists; when none does, the console asks for the first administrator. */
    public boolean hasAccounts() {
        return jdbc.read("read the console accounts", store::hasAccounts);
    }

    /** Creates the first administrator; refused once any account exists (no default password anywhere). */
    public AccountResult createFirstAdministrator(String username, String displayName, String password) {
        String name = normaliseUsername(username);
        Optional<AccountResult.Invalid> invalid = validate(name, displayName, password);
        if (invalid.isPresent()) {
            return invalid.get();
        }
        String hash = hasher.hash(password);
        return jdbc.inTransaction("create the first administrator", tx -> {
            store.lockAdministrators(tx);
            if (store.hasAccounts(tx)) {
                return new AccountResult.Refused("The console already has accounts; sign in, or ask an administrator for one.");
            }
            Account account = store.insert(tx, name, displayName.strip(), Role.ADMINISTRATOR, hash, name, clock.instant());
            audit.record(tx, AuditEvent.of(name, "account.created").target("account", name)
                    .states(null, describe(account)).details("first administrator"));
            return new AccountResult.Done(account);
        });
    }

    /**
     * Checks the password; counts failures and locks the account after too many in a row. Every failure costs one
     * Argon2id check and comes back as a {@link SignInOutcome.Failure}; the audit trail says which it was.
     */
    public SignInOutcome signIn(String username, String password) {
        String name = normaliseUsername(username);
        String given = password == null ? "" : password;
        Optional<StoredAccount> found = USERNAME.matcher(name).matches() ? find(name) : Optional.empty();
        Instant now = clock.instant();
        if (found.isEmpty()) {
            hasher.burn(given);
            audit.record(AuditEvent.of(UNKNOWN_ACTOR, "console.sign_in_failed").target(UNKNOWN_NAME_TARGET, unknownNameHash(name))
                    .details("unknown username"));
            return new SignInOutcome.WrongCredentials();
        }
        StoredAccount stored = found.get();
        // checked before the lock, so that a locked account costs as much as a wrong password and answers no sooner
        boolean matches = hasher.matches(given, stored.hash());
        if (stored.account().lockedAt(now)) {
            audit.record(AuditEvent.of(name, "console.sign_in_refused").target("account", name).details("account locked"));
            return new SignInOutcome.LockedOut(stored.account().lockedUntil().orElseThrow());
        }
        if (!matches) {
            return countFailure(stored.account(), now);
        }
        if (stored.account().disabled()) {
            audit.record(AuditEvent.of(name, "console.sign_in_refused").target("account", name).details("account disabled"));
            return new SignInOutcome.Disabled();
        }
        return jdbc.inTransaction("record the sign-in", tx -> {
            store.signedIn(tx, stored.account().id(), now);
            audit.record(tx, AuditEvent.of(name, "console.sign_in").target("account", name)
                    .details("role " + stored.account().role().title()));
            Account a = stored.account();
            return new SignInOutcome.SignedIn(new Session(this, a.id(), a.username(), a.displayName(), a.role(), now,
                    stored.sessionEpoch()));
        });
    }

    private SignInOutcome countFailure(Account account, Instant now) {
        return jdbc.inTransaction("count the failed sign-in", tx -> recordFailure(tx, account, now, "console.sign_in_failed",
                "wrong password")
                .<SignInOutcome>map(SignInOutcome.LockedOut::new).orElseGet(SignInOutcome.WrongCredentials::new));
    }

    /** Counts a wrong password against the account and audits it; locks the account at the limit (returns until when). */
    private Optional<Instant> recordFailure(Tx tx, Account account, Instant now, String action, String what) {
        int attempts = store.countFailure(tx, account.id(), now);
        audit.record(tx, AuditEvent.of(account.username(), action).target("account", account.username())
                .details(what + ", attempt " + attempts + " of " + lockoutAttempts));
        if (attempts < lockoutAttempts) {
            return Optional.empty();
        }
        Instant lockedUntil = now.plus(lockoutDuration);
        store.lockUntil(tx, account.id(), lockedUntil);
        audit.record(tx, AuditEvent.of(account.username(), "account.locked").target("account", account.username())
                .details(attempts + " failed sign-ins in a row; locked until " + lockedUntil));
        return Optional.of(lockedUntil);
    }

    /**
     * The hex HMAC-SHA256 of a sign-in name that matches no account, keyed by {@link #UNKNOWN_NAME_KEY}: what the
     * audit trail records instead of the name.
     */
    String unknownNameHash(String name) {
        byte[] key = unknownNameKey;
        if (key == null) {
            key = EngineSecrets.getOrCreate(jdbc, UNKNOWN_NAME_KEY);
            unknownNameKey = key;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(name.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** Records the sign-out in the audit trail. */
    public void signOut(Session session) {
        audit.record(AuditEvent.of(session.username(), "console.sign_out").target("account", session.username()));
    }

    /** Every account, by username, if {@code by} may manage accounts. */
    public List<Account> list(Actor by) {
        by.authorize(Permission.MANAGE_ACCOUNTS);
        return jdbc.read("list the console accounts", store::list);
    }

    /** Creates an account; administrators only. */
    public AccountResult create(Actor by, String username, String displayName, Role role, String password) {
        String actor = by.authorize(Permission.MANAGE_ACCOUNTS);
        String name = normaliseUsername(username);
        Optional<AccountResult.Invalid> invalid = validate(name, displayName, password);
        if (invalid.isPresent()) {
            return invalid.get();
        }
        if (role == null) {
            return new AccountResult.Invalid("role", "Choose a role: Administrator, Support or Operator.");
        }
        String hash = hasher.hash(password);
        return jdbc.inTransaction("create the account", tx -> {
            if (store.find(tx, name).isPresent()) {
                return new AccountResult.Invalid("username", "The username " + name + " is taken; choose another.");
            }
            Account account = store.insert(tx, name, displayName.strip(), role, hash, actor, clock.instant());
            audit.record(tx, AuditEvent.of(actor, "account.created").target("account", name).states(null, describe(account)));
            return new AccountResult.Done(account);
        });
    }

    /** Gives an account another role; refused if it would leave no active administrator. */
    public AccountResult changeRole(Actor by, String username, Role role) {
        String actor = by.authorize(Permission.MANAGE_ACCOUNTS);
        if (role == null) {
            return new AccountResult.Invalid("role", "Choose a role: Administrator, Support or Operator.");
        }
        return change(actor, username, "account.role_changed", (tx, before) -> {
            if (before.role() == Role.ADMINISTRATOR && role != Role.ADMINISTRATOR && !before.disabled()
                    && store.activeAdministrators(tx) <= 1) {
                return Optional.of("That would leave no active administrator; make someone else an administrator first.");
            }
            store.setRole(tx, before.id(), role);
            if (before.role() != role) {
                store.endSessions(tx, before.id(), ROLE_CHANGED);
            }
            return Optional.empty();
        });
    }

    /** Disables or re-enables an account; an administrator cannot disable themselves or the last administrator. */
    public AccountResult setDisabled(Actor by, String username, boolean disabled) {
        String actor = by.authorize(Permission.MANAGE_ACCOUNTS);
        return change(actor, username, disabled ? "account.disabled" : "account.enabled", (tx, before) -> {
            if (disabled && before.username().equals(actor)) {
                return Optional.of("You cannot disable your own account while signed in with it.");
            }
            if (disabled && before.role() == Role.ADMINISTRATOR && !before.disabled() && store.activeAdministrators(tx) <= 1) {
                return Optional.of("That would leave no active administrator; make someone else an administrator first.");
            }
            store.setDisabled(tx, before.id(), disabled);
            return Optional.empty();
        });
    }

    /** Sets a new password chosen by an administrator, lifts any lock and ends the account's open sessions. */
    public AccountResult resetPassword(Actor by, String username, String password) {
        String actor = by.authorize(Permission.MANAGE_ACCOUNTS);
        String name = normaliseUsername(username);
        Optional<String> weak = passwordProblem(name, password);
        if (weak.isPresent()) {
            return new AccountResult.Invalid("password", weak.get());
        }
        String hash = hasher.hash(password);
        return change(actor, name, "account.password_reset", (tx, before) -> {
            store.resetPassword(tx, before.id(), hash);
            store.endSessions(tx, before.id(), PASSWORD_RESET);
            return Optional.empty();
        });
    }

    /** Lifts a lock-out before it expires. */
    public AccountResult unlock(Actor by, String username) {
        String actor = by.authorize(Permission.MANAGE_ACCOUNTS);
        return change(actor, username, "account.unlocked", (tx, before) -> {
            store.unlock(tx, before.id());
            return Optional.empty();
        });
    }

    /**
     * Any signed-in user changes their own password, giving the current one. The session must still be valid (as at
     * any action), the account not locked, and a wrong current password counts towards the lock-out like a failed
     * sign-in, so an open session cannot be used to guess it. The user's other sessions end; this one goes on.
     *
     * @throws AccessDeniedException when the session has ended
     */
    public AccountResult changeOwnPassword(Session session, String current, String password) {
        StoredAccount stored = checkStillValid(session, null);
        Instant now = clock.instant();
        boolean matches = hasher.matches(current == null ? "" : current, stored.hash());
        if (stored.account().lockedAt(now)) {
            audit.record(AuditEvent.of(session.username(), "account.password_change_refused")
                    .target("account", session.username()).details("account locked"));
            return new AccountResult.Refused("Your account is locked after too many wrong passwords; try again later, "
                    + "or ask an administrator to unlock it.");
        }
        if (!matches) {
            jdbc.inTransaction("count the wrong current password", tx -> recordFailure(tx, stored.account(), now,
                    "account.password_change_failed", "wrong current password"));
            return new AccountResult.Invalid("current", "The current password is wrong.");
        }
        Optional<String> weak = passwordProblem(session.username(), password);
        if (weak.isPresent()) {
            return new AccountResult.Invalid("password", weak.get());
        }
        String hash = hasher.hash(password);
        long[] epoch = new long[1];
        AccountResult result = change(session.username(), session.username(), "account.password_changed", (tx, before) -> {
            if (before.id() != session.accountId()) {
                return Optional.of("Your account no longer exists; sign in again.");
            }
            store.changePassword(tx, before.id(), hash);
            epoch[0] = store.endSessions(tx, before.id(), PASSWORD_CHANGED);
            return Optional.empty();
        });
        if (result instanceof AccountResult.Done) {
            session.renew(epoch[0]);
        }
        return result;
    }

    /**
     * Called by {@link Session#authorize} and before the owner's own changes: the account still exists, is enabled,
     * and none of its open sessions has been ended since this one signed in. Returns the account as it is now.
     *
     * @throws AccessDeniedException "Your session ended because …; sign in again." otherwise
     */
    StoredAccount checkStillValid(Session session, Permission permission) {
        Optional<StoredAccount> found = find(session.username());
        if (found.isEmpty() || found.get().account().id() != session.accountId()) {
            throw ended("your account no longer exists", "sign in again", permission);
        }
        Account now = found.get().account();
        if (now.disabled()) {
            throw ended("your account was disabled", "sign in again once an administrator enables it", permission);
        }
        if (found.get().sessionEpoch() != session.epoch() || now.role() != session.role()) {
            String because = found.get().sessionsEndedBecause().orElse(ROLE_CHANGED);
            throw ended(switch (because) {
                case PASSWORD_RESET -> "an administrator reset your password";
                case PASSWORD_CHANGED -> "your password was changed in another session";
                default -> now.role() != session.role() ? "your role changed to " + now.role().title()
                        : "your role changed";
            }, "sign in again", permission);
        }
        return found.get();
    }

    private static AccessDeniedException ended(String because, String then, Permission permission) {
        return new AccessDeniedException("Your session ended because " + because + "; " + then + ".", permission);
    }

    // --- validation -------------------------------------------------------------------------------------------

    static String normaliseUsername(String username) {
        return username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
    }

    private Optional<AccountResult.Invalid> validate(String username, String displayName, String password) {
        if (!USERNAME.matcher(username).matches()) {
            return Optional.of(new AccountResult.Invalid("username",
                    "A username is 3 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit."));
        }
        String display = displayName == null ? "" : displayName.strip();
        if (display.isEmpty() || display.length() > 100 || display.chars().anyMatch(Character::isISOControl)) {
            return Optional.of(new AccountResult.Invalid("displayName",
                    "Enter a display name of 1 to 100 characters without control characters."));
        }
        return passwordProblem(username, password).map(m -> new AccountResult.Invalid("password", m));
    }

    private static Optional<String> passwordProblem(String username, String password) {
        if (password == null || password.length() < MIN_PASSWORD) {
            return Optional.of("Use a password of at least " + MIN_PASSWORD + " characters.");
        }
        if (password.length() > MAX_PASSWORD) {
            return Optional.of("Use a password of at most " + MAX_PASSWORD + " characters.");
        }
        if (password.chars().distinct().count() < 4) {
            return Optional.of("Use a password with more variety than a few repeated characters.");
        }
        if (!username.isEmpty() && password.toLowerCase(Locale.ROOT).contains(username)) {
            return Optional.of("Use a password that does not contain the username.");
        }
        CommonPasswords common = CommonPasswords.builtIn();
        if (common.contains(password)) {
            return Optional.of("That password is one of the " + String.format(Locale.ROOT, "%,d", common.size())
                    + " most common passwords; choose one that is harder to guess.");
        }
        return Optional.empty();
    }

    // --- storage ----------------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Change {
        /** Applies the change to the row; returns why it is refused, if it is. */
        Optional<String> apply(Tx tx, Account before);
    }

    /** Carries a refusal out of a transaction, so that the transaction is rolled back rather than committed. */
    private static final class Refusal extends RuntimeException {
        private final AccountResult result;

        Refusal(AccountResult result) {
            super(null, null, false, false);
            this.result = result;
        }
    }

    private AccountResult change(String actor, String username, String action, Change change) {
        String name = normaliseUsername(username);
        try {
            return jdbc.inTransaction("change the account", tx -> {
                store.lockAdministrators(tx);
                Optional<StoredAccount> before = store.find(tx, name);
                if (before.isEmpty()) {
                    return new AccountResult.Invalid("username", "There is no account " + name + ".");
                }
                Optional<String> refused = change.apply(tx, before.get().account());
                if (refused.isPresent()) {
                    throw new Refusal(new AccountResult.Refused(refused.get()));
                }
                Account after = store.find(tx, name).orElseThrow().account();
                audit.record(tx, AuditEvent.of(actor, action).target("account", name)
                        .states(describe(before.get().account()), describe(after)));
                return new AccountResult.Done(after);
            });
        } catch (Refusal r) {
            return r.result;
        }
    }

    private com.fasterxml.jackson.databind.node.ObjectNode describe(Account a) {
        return json.createObjectNode().put("username", a.username()).put("displayName", a.displayName())
                .put("role", a.role().name()).put("disabled", a.disabled()).put("locked", a.lockedAt(clock.instant()));
    }

    private Optional<StoredAccount> find(String username) {
        return jdbc.read("read the console account", tx -> store.find(tx, username));
    }
}
