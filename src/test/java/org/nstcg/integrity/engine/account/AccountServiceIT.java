package org.nstcg.integrity.engine.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
