package org.nstcg.integrity.console.viewmodel.accounts;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.console.service.TaskHandle;
import org.nstcg.integrity.console.viewmodel.DisplayFormats;
import org.nstcg.integrity.console.viewmodel.UserMessages;
import org.nstcg.integrity.console.viewmodel.shell.PageViewModel;
import org.nstcg.integrity.engine.account.Account;
import org.nstcg.integrity.engine.account.AccountResult;
import org.nstcg.integrity.engine.account.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The administrator's account list: create accounts, change roles, unlock, reset passwords, disable and enable.
 * Every change is a single engine call that checks the administrator's permission and audits the change; disabling
 * asks for confirmation first.
 */
public final class AccountsViewModel implements PageViewModel {

    private static final Logger log = LoggerFactory.getLogger(AccountsViewModel.class);

    /** The engine's account management for the signed-in administrator. */
    public interface Accounts {
        List<Account> list();

        AccountResult create(String username, String displayName, Role role, String password);

        AccountResult changeRole(String username, Role role);

        AccountResult setDisabled(String username, boolean disabled);

        AccountResult resetPassword(String username, String password);

        AccountResult unlock(String username);
    }

    private final Accounts accounts;
    private final FxTaskRunner runner;
    private final Clock clock;
    private final String self;
    private final Duration refreshPeriod;
    private TaskHandle timer;
    private final ObservableList<AccountRow> rows = FXCollections.observableArrayList();
    private final ObjectProperty<AccountRow> selected = new SimpleObjectProperty<>();
    private final StringProperty newUsername = new SimpleStringProperty("");
    private final StringProperty newDisplayName = new SimpleStringProperty("");
    private final StringProperty newRole = new SimpleStringProperty(Role.SUPPORT.title());
    private final StringProperty newPassword = new SimpleStringProperty("");
    private final StringProperty selectedRole = new SimpleStringProperty();
    private final StringProperty resetPassword = new SimpleStringProperty("");
    private final StringProperty message = new SimpleStringProperty("");
    private final BooleanProperty messageIsError = new SimpleBooleanProperty();
    private final StringProperty confirmation = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final BooleanBinding nothingSelected = selected.isNull();

    /**
     * @param self          the signed-in administrator's username (they cannot disable themselves)
     * @param refreshPeriod how often the accounts are read again while the screen is shown (a lock-out, or a change
     *                      made by another console or the CLI, then shows in the table and the selected account)
     */
    public AccountsViewModel(Accounts accounts, FxTaskRunner runner, Clock clock, String self, Duration refreshPeriod) {
        this.accounts = accounts;
        this.runner = runner;
        this.clock = clock;
        this.self = self;
        this.refreshPeriod = refreshPeriod;
        selected.addListener((obs, old, row) -> {
            selectedRole.set(row == null ? null : row.account().role().title());
            resetPassword.set("");
            confirmation.set("");
        });
    }

    @Override
    public void activate() {
        refresh();
        if (timer == null) {
            timer = runner.every(refreshPeriod, () -> {
                if (!busy.get()) {
                    refresh();
                }
            });
        }
    }

    @Override
    public void deactivate() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    @Override
    public void refresh() {
        load(null);
    }

    private void load(String keepSelected) {
        String keep = keepSelected != null ? keepSelected : selected.get() == null ? null : selected.get().username();
        runner.run(progress -> accounts.list(), list -> {
            rows.setAll(list.stream().map(this::row).toList());
            selected.set(rows.stream().filter(r -> r.username().equals(keep)).findFirst().orElse(null));
        }, failure -> error(UserMessages.describe(failure, "listing console accounts", log)));
    }

    private AccountRow row(Account a) {
        boolean locked = a.lockedAt(clock.instant());
        String status = a.disabled() ? "Disabled"
                : locked ? "Locked until " + DisplayFormats.clockTime(a.lockedUntil().orElseThrow(), clock.getZone())
                : "Active";
        String last = a.lastSignInAt().map(t -> DisplayFormats.ago(t, clock.instant())).orElse("Never");
        return new AccountRow(a, a.username(), a.displayName(), a.role().title(), status, last, locked);
    }

    /** Creates the account from the form; the form is cleared when it is stored. */
    public void create() {
        String username = newUsername.get().strip();
        Role role = role(newRole.get());
        act(() -> accounts.create(username, newDisplayName.get(), role, newPassword.get()),
                "Created " + username + " (" + newRole.get() + ").", username, () -> {
                    newUsername.set("");
                    newDisplayName.set("");
                    newPassword.set("");
                });
    }

    /** Gives the selected account the role chosen in {@link #selectedRoleProperty()}. */
    public void applyRole() {
        AccountRow row = selected.get();
        Role role = role(selectedRole.get());
        if (row == null || role == null || role == row.account().role()) {
            return;
        }
        act(() -> accounts.changeRole(row.username(), role), row.username() + " is now " + role.title() + ".",
                row.username(), () -> { });
    }

    public void unlock() {
        AccountRow row = selected.get();
        if (row != null) {
            act(() -> accounts.unlock(row.username()), row.username() + " is unlocked.", row.username(), () -> { });
        }
    }

    public void resetPassword() {
        AccountRow row = selected.get();
        if (row != null) {
            String password = resetPassword.get();
            act(() -> accounts.resetPassword(row.username(), password),
                    "New password set for " + row.username() + "; any lock is lifted.", row.username(), () -> resetPassword.set(""));
        }
    }

    /** Disabling asks first ({@link #confirmationProperty()}); enabling acts at once. */
    public void toggleDisabled() {
        AccountRow row = selected.get();
        if (row == null) {
            return;
        }
        if (row.account().disabled()) {
            act(() -> accounts.setDisabled(row.username(), false), row.username() + " can sign in again.", row.username(), () -> { });
        } else if (row.username().equals(self)) {
            error("You cannot disable your own account while signed in with it.");
        } else {
            confirmation.set("Disable " + row.username() + "? They cannot sign in, and a console they have open stops "
                    + "at its next action.");
        }
    }

    public void confirm() {
        AccountRow row = selected.get();
        confirmation.set("");
        if (row != null) {
            act(() -> accounts.setDisabled(row.username(), true), row.username() + " is disabled.", row.username(), () -> { });
        }
    }

    public void cancelConfirmation() {
        confirmation.set("");
    }

    private void act(Callable<AccountResult> work, String success, String select, Runnable onDone) {
        if (busy.get()) {
            return;
        }
        busy.set(true);
        message.set("");
        runner.run(progress -> work.call(), result -> {
            busy.set(false);
            if (result instanceof AccountResult.Done) {
                info(success);
                onDone.run();
                load(select);
            } else if (result instanceof AccountResult.Invalid invalid) {
                error(invalid.message());
            } else if (result instanceof AccountResult.Refused refused) {
                error(refused.message());
            }
        }, failure -> {
            busy.set(false);
            error(UserMessages.describe(failure, "changing a console account", log));
        });
    }

    private void info(String text) {
        messageIsError.set(false);
        message.set(text);
    }

    private void error(String text) {
        messageIsError.set(true);
        message.set(text);
    }

    public ObservableList<AccountRow> rows() {
        return rows;
    }

    public ObjectProperty<AccountRow> selectedProperty() {
        return selected;
    }

    public BooleanBinding nothingSelectedProperty() {
        return nothingSelected;
    }

    /** "Disable" or "Enable" for the selected account. */
    public javafx.beans.binding.StringBinding disableActionProperty() {
        return Bindings.createStringBinding(() -> selected.get() != null && selected.get().account().disabled()
                ? "Enable" : "Disable", selected);
    }

    /** Whether the selected account is locked (Unlock is offered only then). */
    public BooleanBinding selectedLockedProperty() {
        return Bindings.createBooleanBinding(() -> selected.get() != null && selected.get().locked(), selected);
    }

    public StringProperty newUsernameProperty() {
        return newUsername;
    }

    public StringProperty newDisplayNameProperty() {
        return newDisplayName;
    }

    /** The role of a title shown in a choice box, or null. */
    private static Role role(String title) {
        for (Role r : Role.values()) {
            if (r.title().equals(title)) {
                return r;
            }
        }
        return null;
    }

    /** The new account's role, by title ("Support"). */
    public StringProperty newRoleProperty() {
        return newRole;
    }

    public StringProperty newPasswordProperty() {
        return newPassword;
    }

    /** The role chosen for the selected account, by title. */
    public StringProperty selectedRoleProperty() {
        return selectedRole;
    }

    public StringProperty resetPasswordProperty() {
        return resetPassword;
    }

    /** The outcome of the last change, or why it failed ({@link #messageIsErrorProperty()}). */
    public ReadOnlyStringProperty messageProperty() {
        return message;
    }

    public ReadOnlyBooleanProperty messageIsErrorProperty() {
        return messageIsError;
    }

    /** The question to confirm before disabling; empty when none is pending. */
    public ReadOnlyStringProperty confirmationProperty() {
        return confirmation;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }

    /** The roles to choose from, by title. */
    public List<String> roles() {
        return java.util.Arrays.stream(Role.values()).map(Role::title).toList();
    }
}
