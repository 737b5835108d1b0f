package org.nstcg.integrity.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.engine.audit.AuditTrail;

/**
 * The layering of ARCHITECTURE.md and STYLE.md habit 3, as a test: dependencies point one way.
 *
 * <p>Rules are {@code @ArchTest} methods, not {@code ArchRule} fields: Surefire 3.5.3 silently skips field rules
 * (TNG/ArchUnit#1442), which would make this test pass while checking nothing.
 */
@AnalyzeClasses(packages = "org.nstcg.integrity", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String ENGINE = "org.nstcg.integrity.engine..";
    private static final String CONSOLE = "org.nstcg.integrity.console..";
    private static final String CLI = "org.nstcg.integrity.cli..";
    private static final String CLI_BENCH = "org.nstcg.integrity.cli.bench..";
    private static final String API = "org.nstcg.integrity.api..";

    @ArchTest
    void engineKnowsNoFace(JavaClasses classes) {
        noClasses().that().resideInAPackage(ENGINE)
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", CONSOLE, CLI, API)
                .because("the engine is a plain library that every face calls")
                .check(classes);
    }

    @ArchTest
    void viewModelsNeverTouchTheSceneGraph(JavaClasses classes) {
        noClasses().that().resideInAPackage("org.nstcg.integrity.console.viewmodel..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx.scene..", "javafx.stage..", "javafx.fxml..",
                        "org.nstcg.integrity.console.view..")
                .because("view-models are tested without a stage")
                .check(classes);
    }

    @ArchTest
    void viewsOnlyTalkToViewModels(JavaClasses classes) {
        noClasses().that().resideInAPackage("org.nstcg.integrity.console.view..")
                .should().dependOnClassesThat().resideInAPackage(ENGINE)
                .because("views bind view-models; engine calls go through view-models and the FxTaskRunner")
                .check(classes);
    }

    @ArchTest
    void cliKnowsNoConsole(JavaClasses classes) {
        noClasses().that().resideInAPackage(CLI)
                .should().dependOnClassesThat().resideInAnyPackage(CONSOLE, "javafx..")
                .because("the operator CLI runs without a display")
                .check(classes);
    }

    @ArchTest
    void apiKnowsNoOtherFace(JavaClasses classes) {
        noClasses().that().resideInAPackage(API)
                .should().dependOnClassesThat().resideInAnyPackage(CONSOLE, CLI, "javafx..")
                .because("the HTTP face runs headless beside the console and the CLI, on the engine alone (ARCHITECTURE.md)")
                .check(classes);
    }

    @ArchTest
    void consoleLeavesTheFxThreadOnlyThroughTheRunner(JavaClasses classes) {
        noClasses().that().resideInAPackage(CONSOLE)
                .should().callConstructorWhere(DescribedPredicate.describe("a constructor of Thread",
                        call -> call.getTarget().getOwner().isAssignableTo(Thread.class)))
                .because("engine work runs through the FxTaskRunner, never a hand-made thread")
                .check(classes);
    }

    @ArchTest
    void facesNeverTouchTheAuditTrailsWriter(JavaClasses classes) {
        noClasses().that().resideInAnyPackage(CONSOLE, CLI, API)
                .should().dependOnClassesThat().areAssignableTo(AuditTrail.class)
                .because("the engine service that acts writes its audit entry (issue 13); a face that wrote one could forget"
                        + " it. Faces read the trail through AuditReader, which checks VIEW_AUDIT")
                .check(classes);
    }

    @ArchTest
    void facesNeverAuthorizeThemselves(JavaClasses classes) {
        noClasses().that().resideInAnyPackage(CONSOLE, CLI, API)
                .should().callMethod(Session.class, "authorize", Permission.class)
                .orShould().callMethodWhere(DescribedPredicate.describe("Actor.authorize",
                        call -> call.getTarget().getOwner().isAssignableTo(Actor.class) && call.getName().equals("authorize")))
                .because("every engine service checks the permission of the Actor it is given (issue 13); a face that checked"
                        + " it instead would leave the next face to forget it. Faces ask Session.may only to decide what to show")
                .check(classes);
    }

    @ArchTest
    void facesNeverActOnSomeoneElsesBehalf(JavaClasses classes) {
        noClasses().that().resideInAnyPackage(CONSOLE, CLI, API)
                .should().callMethod(Actor.class, "onBehalf", Actor.class, Permission.class)
                .because("Actor.onBehalf grants what another service checks; only an engine service composing others may use it")
                .check(classes);
    }

    @ArchTest
    void facesNeverMakeATrustedOperatorOrASystemActor(JavaClasses classes) {
        noClasses().that().resideInAnyPackage(CONSOLE, CLI, API).and().resideOutsideOfPackage(CLI_BENCH)
                .should().callMethod(Actor.class, "operator", String.class)
                .orShould().callMethod(Actor.class, "system", String.class)
                .because("a CLI actor is the OS user, made and checked by the engine (IntegrityEngine.cliOperator / cliSignIn),"
                        + " never a name the command line chose; benchmarks, in their throwaway schemas, may")
                .check(classes);
    }

    @ArchTest
    void onlyTheStoreSpeaksJdbc(JavaClasses classes) {
        noClasses().that().resideOutsideOfPackage("org.nstcg.integrity.engine.store..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..")
                .because("SQL runs through engine.store's Jdbc, which translates SQLException into StoreException and outcomes"
                        + " (issue 13); a feature or face holding a Connection would bring back the hand-written commit/rollback blocks")
                .check(classes);
    }

    @ArchTest
    void engineSlicesAreFreeOfCycles(JavaClasses classes) {
        slices().matching("org.nstcg.integrity.engine.(*)..")
                .should().beFreeOfCycles()
                .because("engine sub-packages depend on store and on each other one way, through small interfaces (ARCHITECTURE.md)")
                .check(classes);
    }

    @ArchTest
    void facesUseEngineServicesNotItsConnections(JavaClasses classes) {
        noClasses().that().resideInAnyPackage(CONSOLE, CLI, API).and().resideOutsideOfPackage("org.nstcg.integrity.cli.bench..")
                .should().callMethod(IntegrityEngine.class, "database")
                .orShould().callMethod(IntegrityEngine.class, "redis")
                .because("a face that reached the pool or Redis would bypass the services' permissions, audit and outcomes"
                        + " (issue 13); benchmarks are the named exception, as their baselines are plain SQL and Redis calls")
                .check(classes);
    }
}
