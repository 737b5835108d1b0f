package org.nstcg.integrity.console.viewmodel.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.service.SynchronousTaskRunner;
import org.nstcg.integrity.engine.account.Account;
import org.nstcg.integrity.engine.account.AccountResult;
import org.nstcg.integrity.engine.account.Role;

class AccountsViewModelTest {

    private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
    private final List<Account> stored = new ArrayList<>();
    private final List<String> calls = new ArrayList<>();
    private AccountsViewModel vm;
    private final SynchronousTaskRunner runner = new SynchronousTaskRunner();

    @BeforeEach
    void setUp() {
        stored.add(account("ada", Role.ADMINISTRATOR, false, Optional.empty()));
        stored.add(account("sam", Role.SUPPORT, false, Optional.of(NOW.plusSeconds(600))));
        vm = new AccountsViewModel(new AccountsViewModel.Accounts() {
            @Override
            public List<Account> list() {
                return List.copyOf(stored);
            }

            @Override
            public AccountResult create(String username, String displayName, Role role, String password) {
                calls.add("create " + username + " " + role);
                if (password.length() < 12) {
                    return new AccountResult.Invalid("password", "Use a password of at least 12 characters.");
                }
                Account a = account(username, role, false, Optional.empty());
                stored.add(a);
                return new AccountResult.Done(a);
            }

            @Override
            public AccountResult changeRole(String username, Role role) {
                calls.add("role " + username + " " + role);
                return new AccountResult.Refused("That would leave no active administrator.");
            }

            @Override
            public AccountResult setDisabled(String username, boolean disabled) {
                calls.add("disabled " + username + " " + disabled);
                stored.replaceAll(a -> a.username().equals(username) ? account(username, a.role(), disabled, Optional.empty()) : a);
                return new AccountResult.Done(stored.get(0));
            }

            @Override
            public AccountResult resetPassword(String username, String password) {
                calls.add("reset " + username);
                return new AccountResult.Done(stored.get(0));
            }

            @Override
            public AccountResult unlock(String username) {
                calls.add("unlock " + username);
                return new AccountResult.Done(stored.get(0));
            }
        }, runner, Clock.fixed(NOW, ZoneOffset.UTC), "ada", java.time.Duration.ofSeconds(5));
        vm.activate();
    }

    private static Account account(String name, Role role, boolean disabled, Optional<Instant> lockedUntil) {
        return new Account(name.length(), name, name.toUpperCase(), role, disabled, lockedUntil, 0, NOW, "test", Optional.empty());
    }

    @Test
    void rowsSayTheStateInWords() {
        assertThat(vm.rows()).extracting(AccountRow::status).containsExactly("Active", "Locked until 12:10:00");
        assertThat(vm.rows()).extracting(AccountRow::lastSignIn).containsOnly("Never");
        vm.selectedProperty().set(vm.rows().get(1));
        assertThat(vm.selectedLockedProperty().get()).isTrue();
    }

    @Test
    void createClearsTheFormOnSuccessAndKeepsItWithTheRuleOnFailure() {
        vm.newUsernameProperty().set("oli");
        vm.newDisplayNameProperty().set("Oli");
        vm.newRoleProperty().set("Operator");
        vm.newPasswordProperty().set("short");
        vm.create();
        assertThat(vm.messageProperty().get()).isEqualTo("Use a password of at least 12 characters.");
        assertThat(vm.messageIsErrorProperty().get()).isTrue();
        assertThat(vm.newUsernameProperty().get()).isEqualTo("oli");

        vm.newPasswordProperty().set("long enough password");
        vm.create();
        assertThat(vm.messageProperty().get()).isEqualTo("Created oli (Operator).");
        assertThat(vm.messageIsErrorProperty().get()).isFalse();
        assertThat(vm.newUsernameProperty().get()).isEmpty();
        assertThat(vm.rows()).hasSize(3);
        assertThat(vm.selectedProperty().get().username()).as("the new account is selected").isEqualTo("oli");
    }

    @Test
    void disablingAsksFirstAndNeverOffersToDisableYourself() {
        vm.selectedProperty().set(vm.rows().get(1));
        vm.toggleDisabled();
        assertThat(calls).isEmpty();
        assertThat(vm.confirmationProperty().get()).startsWith("Disable sam?");
        vm.cancelConfirmation();
        assertThat(calls).isEmpty();

        vm.toggleDisabled();
        vm.confirm();
        assertThat(calls).containsExactly("disabled sam true");
        assertThat(vm.selectedProperty().get().status()).isEqualTo("Disabled");
        assertThat(vm.disableActionProperty().get()).isEqualTo("Enable");

        vm.selectedProperty().set(vm.rows().get(0));
        vm.toggleDisabled();
        assertThat(vm.messageProperty().get()).isEqualTo("You cannot disable your own account while signed in with it.");
        assertThat(calls).hasSize(1);
    }

    @Test
    void theRefreshTimerShowsAChangeMadeElsewhereAndALostAccountLeavesTheSelection() {
        vm.selectedProperty().set(vm.rows().stream().filter(r -> r.username().equals("sam")).findFirst().orElseThrow());
        stored.replaceAll(a -> a.username().equals("sam") ? account("sam", Role.OPERATOR, true, Optional.empty()) : a);

        runner.tick();

        assertThat(vm.selectedProperty().get().status()).as("disabled by the CLI, seen on the timer").isEqualTo("Disabled");
        assertThat(vm.selectedProperty().get().role()).isEqualTo(Role.OPERATOR.title());
        stored.removeIf(a -> a.username().equals("sam"));
        runner.tick();
        assertThat(vm.selectedProperty().get()).isNull();
        vm.deactivate();
        assertThat(runner.activeTimers()).isZero();
    }

    @Test
    void aRefusedRoleChangeShowsTheEnginesReason() {
        vm.selectedProperty().set(vm.rows().get(0));
        vm.selectedRoleProperty().set("Support");
        vm.applyRole();
        assertThat(calls).containsExactly("role ada SUPPORT");
        assertThat(vm.messageProperty().get()).isEqualTo("That would leave no active administrator.");
        assertThat(vm.messageIsErrorProperty().get()).isTrue();
    }
}
