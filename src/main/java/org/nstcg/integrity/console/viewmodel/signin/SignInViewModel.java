package org.nstcg.integrity.console.viewmodel.signin;

import java.time.Duration;
import java.util.function.Consumer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.console.viewmodel.DisplayFormats;
import org.nstcg.integrity.console.viewmodel.UserMessages;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.engine.account.SignInOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sign-in form: username and password, what went wrong in words, and the session once signed in. The password
 * is cleared after every attempt. Every failed sign-in shows the same words, whether the name is unknown, the password
 * wrong, or the account locked or disabled: telling them apart would tell a stranger which names exist (the audit
 * trail tells administrators the real reason).
 */
public final class SignInViewModel {

    private static final Logger log = LoggerFactory.getLogger(SignInViewModel.class);

    /** The engine's sign-in. */
    @FunctionalInterface
    public interface Authenticator {
        SignInOutcome signIn(String username, String password);
    }

    private final Authenticator authenticator;
    private final FxTaskRunner runner;
    private final int lockoutAttempts;
    private final Duration lockoutDuration;
    private final Consumer<Session> onSignedIn;
    private final StringProperty username = new SimpleStringProperty("");
    private final StringProperty password = new SimpleStringProperty("");
    private final StringProperty message = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty();

    public SignInViewModel(Authenticator authenticator, FxTaskRunner runner, int lockoutAttempts, Duration lockoutDuration,
                           Consumer<Session> onSignedIn) {
        this.authenticator = authenticator;
        this.runner = runner;
        this.lockoutAttempts = lockoutAttempts;
        this.lockoutDuration = lockoutDuration;
        this.onSignedIn = onSignedIn;
    }

    /** Checks the credentials in the background; on success hands the session on. */
    public void signIn() {
        if (busy.get()) {
            return;
        }
        String name = username.get() == null ? "" : username.get().strip();
        String secret = password.get() == null ? "" : password.get();
        if (name.isEmpty() || secret.isEmpty()) {
            message.set("Enter your username and password.");
            return;
        }
        busy.set(true);
        message.set("");
        runner.run(progress -> authenticator.signIn(name, secret), outcome -> {
            busy.set(false);
            password.set("");
            show(outcome);
        }, failure -> {
            busy.set(false);
            password.set("");
            message.set(UserMessages.describe(failure, "signing in", log));
        });
    }

    private void show(SignInOutcome outcome) {
        if (outcome instanceof SignInOutcome.SignedIn signedIn) {
            message.set("");
            onSignedIn.accept(signedIn.session());
        } else if (outcome instanceof SignInOutcome.Failure failure) {
            message.set(failure.message() + " After " + lockoutAttempts + " failed attempts in a row the account is locked for "
                    + DisplayFormats.period(lockoutDuration) + ".");
        }
    }

    public StringProperty usernameProperty() {
        return username;
    }

    public StringProperty passwordProperty() {
        return password;
    }

    /** Why the last attempt failed; empty otherwise. */
    public ReadOnlyStringProperty messageProperty() {
        return message;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }
}
