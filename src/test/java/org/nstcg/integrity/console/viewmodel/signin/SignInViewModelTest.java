package org.nstcg.integrity.console.viewmodel.signin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.service.SynchronousTaskRunner;
import org.nstcg.integrity.console.viewmodel.UserMessages;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.engine.account.SignInOutcome;
import org.nstcg.integrity.engine.support.EngineException;

class SignInViewModelTest {

    /** Every failure's words (issue 14 §6: the same on every failure path, so that none tells which names exist). */
    private static final String FAILED = "Sign-in failed: check the user name and password, or ask an administrator. "
            + "After 5 failed attempts in a row the account is locked for 15 min.";
    private final List<String> attempts = new ArrayList<>();
    private final List<Session> signedIn = new ArrayList<>();
    private SignInOutcome next = new SignInOutcome.WrongCredentials();
    private RuntimeException failure;

    private final SignInViewModel vm = new SignInViewModel((user, password) -> {
        attempts.add(user + "/" + password);
        if (failure != null) {
            throw failure;
        }
        return next;
    }, new SynchronousTaskRunner(), 5, Duration.ofMinutes(15), signedIn::add);

    @Test
    void emptyFieldsAreNotSentToTheEngine() {
        vm.usernameProperty().set("  ");
        vm.passwordProperty().set("secret");
        vm.signIn();
        assertThat(attempts).isEmpty();
        assertThat(vm.messageProperty().get()).isEqualTo("Enter your username and password.");
    }

    @Test
    void wrongCredentialsSayHowTheLockWorksAndClearThePassword() {
        vm.usernameProperty().set(" ada ");
        vm.passwordProperty().set("nope");
        vm.signIn();
        assertThat(attempts).containsExactly("ada/nope");
        assertThat(vm.messageProperty().get()).isEqualTo(FAILED);
        assertThat(vm.passwordProperty().get()).isEmpty();
        assertThat(signedIn).isEmpty();
    }

    @Test
    void lockedAndDisabledAccountsSayWhatAWrongPasswordSays() {
        vm.usernameProperty().set("ada");
        vm.passwordProperty().set("x");
        next = new SignInOutcome.LockedOut(Instant.parse("2030-01-01T12:15:00Z"));
        vm.signIn();
        assertThat(vm.messageProperty().get()).as("locked").isEqualTo(FAILED).doesNotContain("12:15").doesNotContainIgnoringCase("locked until");

        vm.passwordProperty().set("x");
        next = new SignInOutcome.Disabled();
        vm.signIn();
        assertThat(vm.messageProperty().get()).as("disabled").isEqualTo(FAILED);

        vm.passwordProperty().set("x");
        next = new SignInOutcome.WrongCredentials();
        vm.signIn();
        assertThat(vm.messageProperty().get()).as("wrong password or unknown name").isEqualTo(FAILED);
        assertThat(signedIn).isEmpty();
    }

    @Test
    void anOutageIsASentenceNotAStackTrace() {
        vm.usernameProperty().set("ada");
        vm.passwordProperty().set("x");
        failure = new EngineException("PostgreSQL at 127.0.0.1:5432 does not answer; check that it runs.");
        vm.signIn();
        assertThat(vm.messageProperty().get()).isEqualTo("PostgreSQL at 127.0.0.1:5432 does not answer; check that it runs.");
        assertThat(vm.busyProperty().get()).isFalse();

        vm.passwordProperty().set("x");
        failure = new IllegalStateException("bug");
        vm.signIn();
        assertThat(vm.messageProperty().get()).isEqualTo(UserMessages.UNEXPECTED);
    }
}
