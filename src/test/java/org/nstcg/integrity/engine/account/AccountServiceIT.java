package org.nstcg.integrity.engine.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.audit.AuditEntry;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.MutableClock;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;

/** Console accounts against real PostgreSQL: first administrator, sign-in and lock-out, roles enforced, audit. */
@IntegrityTest(perTest = true)
class AccountServiceIT {

    private static final String PASSWORD = "a long enough passphrase";
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T09:00:00Z"));
    private TestDatabase db;
    private IntegrityEngine engine;
    private AccountService accounts;

    @BeforeEach
    void start(TestDatabase slice, IntegrityEngine started) {
        db = slice;
        engine = started;
        accounts = new AccountService(engine.database().jdbc(), engine.auditTrail(), PasswordHasher.DEFAULT, clock, 3,
                Duration.ofMinutes(15));
    }

    @Test
    void firstAdministratorIsCreatedOnceAndStoredOnlyAsAnArgon2idHash() throws Exception {
        assertThat(accounts.hasAccounts()).isFalse();

        AccountResult first = accounts.createFirstAdministrator("Ada", "Ada Lovelace", PASSWORD);
        AccountResult second = accounts.createFirstAdministrator("mallory", "Mallory", PASSWORD);

        assertThat(first).isInstanceOf(AccountResult.Done.class);
        assertThat(((AccountResult.Done) first).account().username()).as("stored lower-case").isEqualTo("ada");
        assertThat(((AccountResult.Done) first).account().role()).isEqualTo(Role.ADMINISTRATOR);
        assertThat(second).isInstanceOf(AccountResult.Refused.class);
        assertThat(accounts.hasAccounts()).isTrue();
        assertThat(storedHash("ada")).startsWith("$argon2id$").doesNotContain(PASSWORD);
        assertThat(auditActions("ada")).contains("account.created");
    }

    @Test
    void twoConsolesCreatingTheFirstAdministratorAtOnceMakeExactlyOne() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<AccountResult>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String name = "admin" + i;
                results.add(pool.submit((Callable<AccountResult>) () -> accounts.createFirstAdministrator(name, name, PASSWORD)));
            }
            long done = 0;
            for (Future<AccountResult> r : results) {
                done += r.get() instanceof AccountResult.Done ? 1 : 0;
            }
            assertThat(done).isEqualTo(1);
            assertThat(count("SELECT count(*) FROM console_accounts")).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void weakOrMalformedInputIsRefusedWithTheFieldToFix() {
        assertThat(accounts.createFirstAdministrator("a", "A", PASSWORD)).isEqualTo(new AccountResult.Invalid("username",
                "A username is 3 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit."));
        assertThat(field(accounts.createFirstAdministrator("ada", "Ada\u0000", PASSWORD))).isEqualTo("displayName");
        assertThat(field(accounts.createFirstAdministrator("ada", "x".repeat(101), PASSWORD))).isEqualTo("displayName");
        assertThat(field(accounts.createFirstAdministrator("ada", "Ada", "short"))).isEqualTo("password");
        assertThat(field(accounts.createFirstAdministrator("ada", "Ada", "aaaaaaaaaaaaaaaa"))).isEqualTo("password");
        assertThat(field(accounts.createFirstAdministrator("ada", "Ada", "my name is ada, ok?"))).isEqualTo("password");
        assertThat(accounts.hasAccounts()).isFalse();
    }

    @Test
    void signInChecksThePasswordAndDoesNotSayWhetherTheUsernameExists() throws Exception {
        accounts.createFirstAdministrator("ada", "Ada Lovelace", PASSWORD);

        assertThat(accounts.signIn("ADA ", PASSWORD)).isInstanceOf(SignInOutcome.SignedIn.class);
        assertThat(accounts.signIn("ada", "wrong password!!")).isEqualTo(new SignInOutcome.WrongCredentials());
        assertThat(accounts.signIn("nobody", PASSWORD)).isEqualTo(new SignInOutcome.WrongCredentials());
        assertThat(accounts.signIn("'; DROP TABLE x; --", PASSWORD)).isEqualTo(new SignInOutcome.WrongCredentials());
        assertThat(auditActions("ada")).contains("console.sign_in", "console.sign_in_failed");
    }

    @Test
    void repeatedFailuresLockTheAccountUntilTheLockExpiresOrAnAdministratorUnlocksIt() throws Exception {
        Session admin = adminSession();
        accounts.create(Actor.of(admin), "sam", "Sam Support", Role.SUPPORT, PASSWORD);

        assertThat(accounts.signIn("sam", "wrong password 1")).isInstanceOf(SignInOutcome.WrongCredentials.class);
        assertThat(accounts.signIn("sam", "wrong password 2")).isInstanceOf(SignInOutcome.WrongCredentials.class);
        SignInOutcome third = accounts.signIn("sam", "wrong password 3");
        assertThat(third).isEqualTo(new SignInOutcome.LockedOut(clock.instant().plus(Duration.ofMinutes(15))));
        assertThat(accounts.signIn("sam", PASSWORD)).as("the right password does not open a locked account")
                .isInstanceOf(SignInOutcome.LockedOut.class);
        assertThat(auditActions("sam")).contains("account.locked", "console.sign_in_refused");

        clock.advance(Duration.ofMinutes(16));
        assertThat(accounts.signIn("sam", "wrong password 4")).as("the count starts again after the lock")
                .isInstanceOf(SignInOutcome.WrongCredentials.class);
        assertThat(accounts.signIn("sam", PASSWORD)).isInstanceOf(SignInOutcome.SignedIn.class);

        for (int i = 0; i < 3; i++) {
            accounts.signIn("sam", "wrong again " + i);
        }
        assertThat(accounts.signIn("sam", PASSWORD)).isInstanceOf(SignInOutcome.LockedOut.class);
        assertThat(accounts.unlock(Actor.of(admin), "sam")).isInstanceOf(AccountResult.Done.class);
        assertThat(accounts.signIn("sam", PASSWORD)).isInstanceOf(SignInOutcome.SignedIn.class);
    }

    @Test
    void rolesLimitWhatASessionMayDoAndTheEngineRefusesTheRest() {
        Session admin = adminSession();
        accounts.create(Actor.of(admin), "sam", "Sam Support", Role.SUPPORT, PASSWORD);
        accounts.create(Actor.of(admin), "oli", "Oli Operator", Role.OPERATOR, PASSWORD);
        Session support = signedIn("sam");
        Session operator = signedIn("oli");

        assertThat(support.authorize(Permission.MERGE_USERS)).isEqualTo("sam");
        assertThatThrownBy(() -> support.authorize(Permission.MANAGE_CACHE)).isInstanceOf(AccessDeniedException.class)
                .hasMessage("Your role (Support) may not rebuild or invalidate the cache. Ask an administrator if you need to.");
        assertThat(operator.authorize(Permission.APPLY_REPAIRS)).isEqualTo("oli");
        assertThatThrownBy(() -> operator.authorize(Permission.MERGE_USERS)).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> accounts.list(Actor.of(operator))).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> accounts.create(Actor.of(support), "eve", "Eve", Role.ADMINISTRATOR, PASSWORD))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(accounts.list(Actor.of(admin))).extracting(Account::username).containsExactly("ada", "oli", "sam");
    }

    @Test
    void aDisabledOrDemotedAccountLosesItsRunningSessionAtTheNextAction() {
        Session admin = adminSession();
        accounts.create(Actor.of(admin), "oli", "Oli Operator", Role.OPERATOR, PASSWORD);
        Session operator = signedIn("oli");

        accounts.changeRole(Actor.of(admin), "oli", Role.SUPPORT);
        assertThatThrownBy(() -> operator.authorize(Permission.VIEW_OVERVIEW)).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("role changed to Support");

        Session support = signedIn("oli");
        accounts.setDisabled(Actor.of(admin), "oli", true);
        assertThatThrownBy(() -> support.authorize(Permission.LOOK_UP_USERS)).hasMessageContaining("disabled");
        assertThat(accounts.signIn("oli", PASSWORD)).isEqualTo(new SignInOutcome.Disabled());

        accounts.setDisabled(Actor.of(admin), "oli", false);
        assertThat(accounts.signIn("oli", PASSWORD)).isInstanceOf(SignInOutcome.SignedIn.class);
    }

    @Test
    void theLastActiveAdministratorCannotBeDemotedOrDisabled() throws Exception {
        Session admin = adminSession();

        assertThat(accounts.changeRole(Actor.of(admin), "ada", Role.SUPPORT)).isInstanceOf(AccountResult.Refused.class);
        assertThat(accounts.setDisabled(Actor.of(admin), "ada", true)).isInstanceOf(AccountResult.Refused.class);
        accounts.create(Actor.of(admin), "grace", "Grace Hopper", Role.ADMINISTRATOR, PASSWORD);
        assertThat(accounts.setDisabled(Actor.of(admin), "grace", true)).isInstanceOf(AccountResult.Done.class);
        assertThat(accounts.changeRole(Actor.of(admin), "ada", Role.SUPPORT)).as("grace is disabled, so ada is still the last")
                .isInstanceOf(AccountResult.Refused.class);
        assertThat(count("SELECT count(*) FROM console_accounts WHERE role = 'ADMINISTRATOR' AND NOT disabled")).isEqualTo(1);
    }

    @Test
    void passwordsCanBeResetByAnAdministratorAndChangedByTheirOwner() throws Exception {
        Session admin = adminSession();
        accounts.create(Actor.of(admin), "sam", "Sam Support", Role.SUPPORT, PASSWORD);

        assertThat(accounts.resetPassword(Actor.of(admin), "sam", "a brand new passphrase")).isInstanceOf(AccountResult.Done.class);
        assertThat(accounts.signIn("sam", PASSWORD)).isInstanceOf(SignInOutcome.WrongCredentials.class);
        Session sam = signedIn("sam", "a brand new passphrase");

        assertThat(field(accounts.changeOwnPassword(sam, "not the current one", "another fine passphrase"))).isEqualTo("current");
        assertThat(accounts.changeOwnPassword(sam, "a brand new passphrase", "another fine passphrase"))
                .isInstanceOf(AccountResult.Done.class);
        assertThat(accounts.signIn("sam", "another fine passphrase")).isInstanceOf(SignInOutcome.SignedIn.class);
        assertThat(auditActions("sam")).contains("account.password_reset", "account.password_changed");
    }

    @Test
    void everyAccountChangeIsAuditedWithTheAdministratorAsActorAndTheStatesBeforeAndAfter() throws Exception {
        Session admin = adminSession();
        accounts.create(Actor.of(admin), "oli", "Oli Operator", Role.OPERATOR, PASSWORD);
        accounts.changeRole(Actor.of(admin), "oli", Role.SUPPORT);

        AuditEntry change = engine.audit().list(TestActors.OPERATOR, Optional.of("ada"), Optional.of("account.role_changed"), Optional.of("oli"),
                Optional.empty(), 10).get(0);
        assertThat(change.before().orElseThrow().get("role").asText()).isEqualTo("OPERATOR");
        assertThat(change.after().orElseThrow().get("role").asText()).isEqualTo("SUPPORT");
        assertThat(engine.audit().verify(TestActors.OPERATOR).intact()).isTrue();
    }

    // --- issue 14 §6: sign-in and sessions ----------------------------------------------------------------------

    @Test
    void everyFailedSignInIsAFailureWithTheSameWordsWhateverItsReason() {
        Session admin = adminSession();
        accounts.create(Actor.of(admin), "sam", "Sam Support", Role.SUPPORT, PASSWORD);
        accounts.create(Actor.of(admin), "dora", "Dora Disabled", Role.SUPPORT, PASSWORD);
        accounts.setDisabled(Actor.of(admin), "dora", true);
        for (int i = 0; i < 3; i++) {
            accounts.signIn("sam", "wrong password " + i);
        }

        List<SignInOutcome> failures = List.of(accounts.signIn("nobody", PASSWORD), accounts.signIn("ada", "wrong password!!"),
                accounts.signIn("sam", PASSWORD), accounts.signIn("dora", PASSWORD));

        assertThat(failures).extracting(Object::getClass).containsExactly(SignInOutcome.WrongCredentials.class,
                SignInOutcome.WrongCredentials.class, SignInOutcome.LockedOut.class, SignInOutcome.Disabled.class);
        assertThat(failures).allSatisfy(f -> assertThat(((SignInOutcome.Failure) f).message())
                .isEqualTo("Sign-in failed: check the user name and password, or ask an administrator."));
    }

    @Test
    void anUnknownUsernameIsRecordedAsAKeyedHashAndStoredNowhereAsTyped() throws Exception {
        accounts.createFirstAdministrator("ada", "Ada Lovelace", PASSWORD);
        String typedName = "Tr0ub4dor-and-3";          // well-formed: the audit trail kept it verbatim as the actor
        String typedPassword = "my Secret pass phrase!";  // not a username: someone typed a password in that field

        assertThat(accounts.signIn(typedName, PASSWORD)).isEqualTo(new SignInOutcome.WrongCredentials());
        assertThat(accounts.signIn(typedPassword, PASSWORD)).isEqualTo(new SignInOutcome.WrongCredentials());
        assertThat(accounts.signIn(typedName, "another guess")).isEqualTo(new SignInOutcome.WrongCredentials());

        assertThat(tablesHolding(typedName)).as("tables holding the typed name").isEmpty();
        assertThat(tablesHolding(typedPassword)).as("tables holding the typed password").isEmpty();
        List<AuditEntry> failed = engine.audit().list(TestActors.OPERATOR, Optional.empty(), Optional.of("console.sign_in_failed"),
                Optional.empty(), Optional.empty(), 10);
        String nameHash = accounts.unknownNameHash("tr0ub4dor-and-3");
        assertThat(failed).extracting(AuditEntry::actor).containsOnly(AccountService.UNKNOWN_ACTOR);
        assertThat(failed).extracting(e -> e.targetType().orElseThrow()).containsOnly(AccountService.UNKNOWN_NAME_TARGET);
        assertThat(failed).extracting(e -> e.targetId().orElseThrow()).as("the same name, the same hash, so repeats show")
                .containsExactlyInAnyOrder(nameHash, nameHash, accounts.unknownNameHash("my secret pass phrase!"));
        assertThat(nameHash).matches("[0-9a-f]{64}").as("keyed, not a plain SHA-256 anyone can recompute")
                .isNotEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest("tr0ub4dor-and-3".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void aPasswordResetOrARoleChangeEndsTheOpenSessionsAtTheirNextAction() {
        Session admin = adminSession();
        accounts.create(Actor.of(admin), "sam", "Sam Support", Role.SUPPORT, PASSWORD);
        Session before = signedIn("sam");
        Session alsoBefore = signedIn("sam");

        accounts.resetPassword(Actor.of(admin), "sam", "a brand new passphrase");
        assertThatThrownBy(() -> before.authorize(Permission.LOOK_UP_USERS)).isInstanceOf(AccessDeniedException.class)
                .hasMessage("Your session ended because an administrator reset your password; sign in again.");
        assertThatThrownBy(() -> accounts.changeOwnPassword(alsoBefore, "a brand new passphrase", "the owner's passphrase"))
                .as("nor can it change the password").isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("reset your password");

        Session afterReset = signedIn("sam", "a brand new passphrase");
        assertThat(afterReset.authorize(Permission.LOOK_UP_USERS)).isEqualTo("sam");
        accounts.changeRole(Actor.of(admin), "sam", Role.ADMINISTRATOR);
        accounts.changeRole(Actor.of(admin), "sam", Role.SUPPORT);
        assertThatThrownBy(() -> afterReset.authorize(Permission.LOOK_UP_USERS)).as("a role changed and back")
                .hasMessage("Your session ended because your role changed; sign in again.");
        Session support = signedIn("sam", "a brand new passphrase");
        accounts.changeRole(Actor.of(admin), "sam", Role.OPERATOR);
        assertThatThrownBy(() -> support.authorize(Permission.VIEW_OVERVIEW))
                .hasMessage("Your session ended because your role changed to Operator; sign in again.");

        Session operator = signedIn("sam", "a brand new passphrase");
        accounts.setDisabled(Actor.of(admin), "sam", true);
        assertThatThrownBy(() -> operator.authorize(Permission.VIEW_OVERVIEW)).hasMessage(
                "Your session ended because your account was disabled; sign in again once an administrator enables it.");
    }

    @Test
    void changingOnesOwnPasswordChecksTheAccountAndCountsWrongCurrentPasswords() throws Exception {
        Session admin = adminSession();
        accounts.create(Actor.of(admin), "sam", "Sam Support", Role.SUPPORT, PASSWORD);
        Session sam = signedIn("sam");

        for (int i = 1; i <= 3; i++) {
            assertThat(field(accounts.changeOwnPassword(sam, "a guess, number " + i, "another fine passphrase"))).isEqualTo("current");
        }
        assertThat(accounts.changeOwnPassword(sam, PASSWORD, "another fine passphrase"))
                .as("three wrong current passwords lock the account, as three wrong sign-ins do")
                .isInstanceOf(AccountResult.Refused.class);
        assertThat(accounts.signIn("sam", PASSWORD)).isInstanceOf(SignInOutcome.LockedOut.class);
        assertThat(auditActions("sam")).contains("account.password_change_failed", "account.locked", "account.password_change_refused");

        accounts.unlock(Actor.of(admin), "sam");
        Session other = signedIn("sam");
        assertThat(accounts.changeOwnPassword(sam, PASSWORD, "another fine passphrase")).isInstanceOf(AccountResult.Done.class);
        assertThat(sam.authorize(Permission.LOOK_UP_USERS)).as("the session that changed it goes on").isEqualTo("sam");
        assertThatThrownBy(() -> other.authorize(Permission.LOOK_UP_USERS))
                .hasMessage("Your session ended because your password was changed in another session; sign in again.");

        accounts.setDisabled(Actor.of(admin), "sam", true);
        assertThatThrownBy(() -> accounts.changeOwnPassword(sam, "another fine passphrase", "yet another passphrase"))
                .as("a disabled account's open session").isInstanceOf(AccessDeniedException.class).hasMessageContaining("disabled");
        accounts.setDisabled(Actor.of(admin), "sam", false);
        assertThat(accounts.signIn("sam", "another fine passphrase")).isInstanceOf(SignInOutcome.SignedIn.class);
    }

    @Test
    void commonPasswordsAreRefusedWhateverTheirCase() {
        String refusal = "That password is one of the 10,000 most common passwords; choose one that is harder to guess.";
        assertThat(accounts.createFirstAdministrator("ada", "Ada Lovelace", "1qaz2wsx3edc"))
                .isEqualTo(new AccountResult.Invalid("password", refusal));
        assertThat(accounts.createFirstAdministrator("ada", "Ada Lovelace", "QWERTY123456"))
                .isEqualTo(new AccountResult.Invalid("password", refusal));
        Session admin = adminSession();
        accounts.create(Actor.of(admin), "sam", "Sam Support", Role.SUPPORT, PASSWORD);

        assertThat(accounts.create(Actor.of(admin), "oli", "Oli Operator", Role.OPERATOR, "LeaveMeAlone"))
                .isEqualTo(new AccountResult.Invalid("password", refusal));
        assertThat(accounts.resetPassword(Actor.of(admin), "sam", "qazwsxedcrfv")).isEqualTo(new AccountResult.Invalid("password", refusal));
        assertThat(accounts.changeOwnPassword(admin, PASSWORD, "123qweasdzxc")).isEqualTo(new AccountResult.Invalid("password", refusal));
        assertThat(accounts.signIn("sam", PASSWORD)).isInstanceOf(SignInOutcome.SignedIn.class);
    }

    /** Every table of the slice with a row whose text holds {@code typed}, ignoring case. */
    private List<String> tablesHolding(String typed) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection c = db.connect()) {
            List<String> all = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'")) {
                ps.setString(1, db.schema());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        all.add(rs.getString(1));
                    }
                }
            }
            assertThat(all).contains("audit_log", "console_accounts");
            for (String table : all) {
                String sql = "SELECT count(*) FROM \"" + db.schema() + "\".\"" + table + "\" t WHERE strpos(lower(t::text), lower(?)) > 0";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, typed);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) > 0) {
                            tables.add(table);
                        }
                    }
                }
            }
        }
        return tables;
    }

    private Session adminSession() {
        accounts.createFirstAdministrator("ada", "Ada Lovelace", PASSWORD);
        return signedIn("ada");
    }

    private Session signedIn(String username) {
        return signedIn(username, PASSWORD);
    }

    private Session signedIn(String username, String password) {
        SignInOutcome outcome = accounts.signIn(username, password);
        assertThat(outcome).isInstanceOf(SignInOutcome.SignedIn.class);
        return ((SignInOutcome.SignedIn) outcome).session();
    }

    private static String field(AccountResult result) {
        assertThat(result).isInstanceOf(AccountResult.Invalid.class);
        return ((AccountResult.Invalid) result).field();
    }

    private String storedHash(String username) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT password_hash FROM console_accounts WHERE username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private long count(String sql) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<String> auditActions(String target) throws SQLException {
        return engine.audit().list(TestActors.OPERATOR, Optional.empty(), Optional.empty(), Optional.of(target), Optional.empty(), 100)
                .stream().map(AuditEntry::action).toList();
    }
}
