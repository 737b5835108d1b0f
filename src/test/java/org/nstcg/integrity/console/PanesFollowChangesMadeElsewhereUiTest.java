package org.nstcg.integrity.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.sagas.BrokenSagas;
import org.nstcg.integrity.console.viewmodel.accounts.AccountRow;
import org.nstcg.integrity.console.viewmodel.audit.AuditRow;
import org.nstcg.integrity.console.viewmodel.repairs.RunRow;
import org.nstcg.integrity.console.viewmodel.sagas.SagaRow;
import org.nstcg.integrity.console.viewmodel.shell.Feature;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.AccountResult;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.integrity.CheckRun;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestAccounts;
import org.testfx.api.FxRobot;

/**
 * Issue 15 §2 on the Overview, Sagas, Cache, Repairs, Audit and Accounts screens (Users and Duplicates have their own): a
 * change made by another console or the CLI shows on the screen at its next refresh tick, without Refresh, in the list
 * and in the open detail pane alike. The refresh timers are fired by hand ({@code console.refresh=1h}).
 */
@IntegrityTest(perTest = true, settings = {"console.refresh=1h", "checks.interval=off", "cache.sample-interval=1h"})
class PanesFollowChangesMadeElsewhereUiTest {

    private ConsoleWindowFixture ui;
    private FxRobot robot;
    private IntegrityEngine engine;

    @BeforeEach
    void open(IntegrityEngine started) throws TimeoutException {
        engine = started;
        ui = new ConsoleWindowFixture();
        robot = ui.robot();
    }

    @AfterEach
    void close() throws Exception {
        ui.close();
    }

    private Session show(Role role, Feature feature) throws TimeoutException {
        Session session = TestAccounts.signIn(engine, role);
        ui.open(w -> {
            w.showShell(engine, session);
            w.shell().orElseThrow().select(feature);
        });
        return session;
    }

    private void register(String email) {
        engine.registration().register(new RegistrationRequest(email, "Ada", "Lovelace", null));
    }

    @Test
    void theOverviewCountsASignUpMadeElsewhere() throws Exception {
        register("ada@example.org");
        show(Role.ADMINISTRATOR, Feature.OVERVIEW);
        ui.waitForText("#usersValue", "1");

        register("grace@example.org");
        ui.tickRefreshTimers();

        ui.waitForText("#usersValue", "2");
    }

    @Test
    void theOpenSagaShowsAResolutionMadeElsewhere() throws Exception {
        UUID broken = BrokenSagas.needingAttention(engine, "order 21");
        show(Role.OPERATOR, Feature.SAGAS);
        ui.waitUntil(() -> sagas().getItems().stream().anyMatch(r -> r.id().equals(broken.toString())), "the saga listed");
        robot.interact(() -> sagas().getSelectionModel().select(
                sagas().getItems().stream().filter(r -> r.id().equals(broken.toString())).findFirst().orElseThrow()));
        ui.waitForText("#detailStatus", "Needs attention");

        engine.sagas().resolve(broken, Actor.operator("another-console"), "refunded by hand");
        ui.tickRefreshTimers();

        ui.waitForText("#detailStatus", "Resolved by hand");
        ui.waitUntil(() -> sagas().getItems().stream().filter(r -> r.id().equals(broken.toString()))
                .allMatch(r -> r.status().startsWith("Resolved")), "the list's row to say so too");
    }

    @Test
    void repairsShowACheckRunMadeElsewhere() throws Exception {
        show(Role.OPERATOR, Feature.REPAIRS);
        ui.waitForText("#findingsHeader", "Not run yet");
        assertThat(runs().getItems()).isEmpty();

        CheckRun run = engine.checks().run(Actor.operator("cli-user"), List.of(), ProgressListener.NONE);
        ui.tickRefreshTimers();

        ui.waitUntil(() -> runs().getItems().stream().anyMatch(r -> r.id().equals("#" + run.id())), "the run in the history");
        ui.waitUntil(() -> !ui.text("#findingsHeader").equals("Not run yet"), "the selected check to show the run");
        assertThat(ui.text("#findingsHeader")).contains("#" + run.id());
    }

    @Test
    void theAuditTrailListsAnActionTakenElsewhere() throws Exception {
        Session admin = show(Role.ADMINISTRATOR, Feature.AUDIT);
        ui.waitUntil(() -> !audit().getItems().isEmpty(), "the audit trail");
        assertThat(audit().getItems()).noneMatch(r -> r.target().contains("sam"));

        AccountResult created = engine.accounts().create(Actor.of(admin), "sam", "Sam Operator", Role.OPERATOR,
                "a long enough passphrase");
        assertThat(created).isInstanceOf(AccountResult.Done.class);
        ui.tickRefreshTimers();

        ui.waitUntil(() -> audit().getItems().stream().anyMatch(r -> r.action().equals("account.created") && r.target().contains("sam")),
                "the new entry listed");
    }

    @Test
    void accountsShowAnAccountCreatedAndThenDisabledElsewhere() throws Exception {
        Session admin = show(Role.ADMINISTRATOR, Feature.ACCOUNTS);
        ui.waitUntil(() -> accounts().getItems().size() == 1, "the administrator's own account");

        engine.accounts().create(Actor.of(admin), "sam", "Sam Operator", Role.OPERATOR, "a long enough passphrase");
        ui.tickRefreshTimers();
        ui.waitUntil(() -> accounts().getItems().stream().anyMatch(r -> r.username().equals("sam")), "the new account");
        robot.interact(() -> accounts().getSelectionModel().select(
                accounts().getItems().stream().filter(r -> r.username().equals("sam")).findFirst().orElseThrow()));
        ui.waitUntil(() -> ui.text("#selectedTitle").contains("Sam Operator"), "its details");

        engine.accounts().setDisabled(Actor.of(admin), "sam", true);
        ui.tickRefreshTimers();

        ui.waitUntil(() -> accounts().getItems().stream().anyMatch(r -> r.username().equals("sam") && r.status().equals("Disabled")),
                "the account shown disabled");
        ui.waitUntil(() -> ui.text("#disableButton").equals("Enable"), "the selected account's action to become Enable");
    }

    @Test
    void theCacheScreenSaysWhenItCountedAndCountsEntriesCachedElsewhereOnRefresh() throws Exception {
        show(Role.OPERATOR, Feature.CACHE);
        ui.waitUntil(() -> patterns().getItems().stream().anyMatch(r -> r.pattern().equals("user:*") && r.entries().equals("0")),
                "no user cached yet");

        long id = ((org.nstcg.integrity.engine.registration.RegistrationOutcome.Registered) engine.registration()
                .register(new RegistrationRequest("ada@example.org", "Ada", "Lovelace", null))).userId();
        engine.cache().user(id); // another instance reads the user through the cache
        ui.tickRefreshTimers();

        // Counting walks Redis' whole keyspace, so the counts are at most 30 s old, and the screen says when they were taken.
        ui.waitUntil(() -> ui.text("#contentsCaption").matches("Entries and tombstones counted at \\d\\d:\\d\\d:\\d\\d; counted again every 30 s.*"),
                "when the entries were counted");
        robot.clickOn("#refreshButton");
        ui.waitUntil(() -> patterns().getItems().stream().anyMatch(r -> r.pattern().equals("user:*") && r.entries().equals("1")),
                "the cached user counted");
    }

    @SuppressWarnings("unchecked")
    private TableView<org.nstcg.integrity.console.viewmodel.cache.PatternRow> patterns() {
        return robot.lookup("#patternTable").queryAs(TableView.class);
    }

    @SuppressWarnings("unchecked")
    private TableView<SagaRow> sagas() {
        return robot.lookup("#sagaTable").queryAs(TableView.class);
    }

    @SuppressWarnings("unchecked")
    private TableView<RunRow> runs() {
        return robot.lookup("#historyTable").queryAs(TableView.class);
    }

    @SuppressWarnings("unchecked")
    private TableView<AuditRow> audit() {
        return robot.lookup("#auditTable").queryAs(TableView.class);
    }

    @SuppressWarnings("unchecked")
    private TableView<AccountRow> accounts() {
        return robot.lookup("#accountsTable").queryAs(TableView.class);
    }
}
