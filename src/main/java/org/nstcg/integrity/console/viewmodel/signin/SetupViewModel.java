package org.nstcg.integrity.console.viewmodel.signin;

import java.util.Objects;
import java.util.function.Consumer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.console.viewmodel.UserMessages;
import org.nstcg.integrity.engine.account.AccountResult;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.engine.account.SignInOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First launch: there is no account yet, so the console asks for the first administrator (there is no default
 * password anywhere) and signs them in.
 */
public final class SetupViewModel {

    private static final Logger log = LoggerFactory.getLogger(SetupViewModel.class);

    /** The engine's first-administrator setup and sign-in. */
    public interface Accounts {
        AccountResult createFirstAdministrator(String username, String displayName, String password);

        SignInOutcome signIn(String username, String password);
    }

    private record Created(AccountResult result, Session session) {
    }

    private final Accounts accounts;
    private final FxTaskRunner runner;
    private final Consumer<Session> onSignedIn;
    private final Runnable onAlreadySetUp;
    private final StringProperty username = new SimpleStringProperty("");
    private final StringProperty displayName = new SimpleStringProperty("");
    private final StringProperty password = new SimpleStringProperty("");
    private final StringProperty confirmation = new SimpleStringProperty("");
    private final StringProperty message = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty();

    /**
     * @param onAlreadySetUp called when another console created an account first; the window shows sign-in
     */
    public SetupViewModel(Accounts accounts, FxTaskRunner runner, Consumer<Session> onSignedIn, Runnable onAlreadySetUp) {
        this.accounts = accounts;
        this.runner = runner;
        this.onSignedIn = onSignedIn;
        this.onAlreadySetUp = onAlreadySetUp;
    }

    public void create() {
        if (busy.get()) {
            return;
        }
        if (!Objects.equals(password.get(), confirmation.get())) {
            message.set("The two passwords differ; type the same password twice.");
            return;
        }
        String name = username.get().strip();
        String display = displayName.get();
        String secret = password.get();
        busy.set(true);
        message.set("");
        runner.run(progress -> {
            AccountResult result = accounts.createFirstAdministrator(name, display, secret);
            if (result instanceof AccountResult.Done && accounts.signIn(name, secret) instanceof SignInOutcome.SignedIn s) {
                return new Created(result, s.session());
            }
            return new Created(result, null);
        }, created -> {
            busy.set(false);
            if (created.session() != null) {
                onSignedIn.accept(created.session());
            } else if (created.result() instanceof AccountResult.Invalid invalid) {
                message.set(invalid.message());
            } else if (created.result() instanceof AccountResult.Refused) {
                onAlreadySetUp.run();
            } else {
                message.set("The administrator was created but could not sign in; sign in on the next screen.");
                onAlreadySetUp.run();
            }
        }, failure -> {
            busy.set(false);
            message.set(UserMessages.describe(failure, "creating the first administrator", log));
        });
    }

    public StringProperty usernameProperty() {
        return username;
    }

    public StringProperty displayNameProperty() {
        return displayName;
    }

    public StringProperty passwordProperty() {
        return password;
    }

    public StringProperty confirmationProperty() {
        return confirmation;
    }

    /** What to fix; empty while nothing is wrong. */
    public ReadOnlyStringProperty messageProperty() {
        return message;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }
}
