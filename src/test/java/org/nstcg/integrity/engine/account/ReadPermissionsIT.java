package org.nstcg.integrity.engine.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.audit.AuditQuery;
import org.nstcg.integrity.engine.integrity.OverviewReader;
import org.nstcg.integrity.engine.lookup.DuplicateAlerts;
import org.nstcg.integrity.engine.saga.SagaQuery;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestAccounts;
import org.nstcg.integrity.support.TestDatabase;

/**
 * Every read a face makes goes through an engine service that checks the actor's permission (issue 13): for each,
 * a role that lacks the permission is refused, and a role that holds it is served. The console's screens and the
 * CLI's commands no longer check anything themselves (ArchitectureTest), so this is where the role model holds.
 */
@IntegrityTest
class ReadPermissionsIT {

    private static TestDatabase db;
    private static IntegrityEngine engine;
    private static Actor support;
    private static Actor operator;

    @BeforeAll
    static void start(TestDatabase slice, IntegrityEngine started) {
        db = slice;
        engine = started;
        support = Actor.of(TestAccounts.signIn(engine, Role.SUPPORT));
        operator = Actor.of(TestAccounts.signIn(engine, Role.OPERATOR));
    }

    /** Each read, named by the permission it needs, called as {@code who}. */
    private static Map<String, ThrowingCallable> reads(Actor who) {
        Map<String, ThrowingCallable> reads = new LinkedHashMap<>();
        OverviewReader overview = new OverviewReader(engine.database().jdbc(), engine::figures, java.util.List::of,
                engine.cacheDivergence().threshold(), engine.clock());
        reads.put("VIEW_OVERVIEW overview", () -> overview.read(who));
        reads.put("VIEW_DUPLICATES alerts", () -> DuplicateAlerts.latest(who, engine.checks(), 10));
        reads.put("VIEW_DUPLICATES exact", () -> engine.dedup().duplicates().exact(who, 0, 10));
        reads.put("VIEW_DUPLICATES likely", () -> engine.dedup().duplicates().likely(who, 0, 10));
        reads.put("LOOK_UP_USERS search", () -> engine.users().search(who, "ada", 10));
        reads.put("LOOK_UP_USERS details", () -> engine.users().details(who, 1));
        reads.put("MERGE_USERS preview", () -> engine.dedup().merges().preview(who, 1, 2));
        reads.put("VIEW_SAGAS page", () -> engine.sagas().page(who, SagaQuery.ALL, Optional.empty(), 10));
        reads.put("VIEW_SAGAS show", () -> engine.sagas().show(who, UUID.randomUUID()));
        reads.put("VIEW_SAGAS types", () -> engine.sagas().types(who));
        reads.put("VIEW_SAGAS list", () -> engine.sagas().list(who, Optional.empty(), Optional.empty(), Optional.empty(), 10));
        reads.put("VIEW_SAGAS metrics", () -> engine.sagas().metrics(who));
        reads.put("VIEW_CACHE stats", () -> engine.cacheAdministration().stats(who));
        reads.put("VIEW_CACHE contents", () -> engine.cacheAdministration().contents(who));
        reads.put("VIEW_CACHE divergence", () -> engine.cacheAdministration().divergence(who, Instant.EPOCH, Duration.ofMinutes(1)));
        reads.put("VIEW_CACHE latest round", () -> engine.cacheAdministration().latestRound(who));
        reads.put("VIEW_CACHE peaks", () -> engine.cacheAdministration().peaks(who, Duration.ofHours(1)));
        reads.put("RUN_CHECKS history", () -> engine.checks().history(who, Optional.empty(), 10));
        reads.put("RUN_CHECKS findings", () -> engine.checks().findings(who, 1, Optional.empty(), 10));
        reads.put("PREVIEW_REPAIRS preview", () -> engine.repairs().find("points").orElseThrow().preview(who));
        reads.put("VIEW_AUDIT page", () -> engine.audit().page(who, AuditQuery.ALL, Optional.empty(), 10));
        reads.put("VIEW_AUDIT entry", () -> engine.audit().entry(who, 1));
        reads.put("VIEW_AUDIT verify", () -> engine.audit().verify(who));
        reads.put("VIEW_AUDIT list", () -> engine.audit().list(who, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), 10));
        reads.put("MANAGE_ACCOUNTS list", () -> engine.accounts().list(who));
        reads.put("IMPORT_USERS import", () -> engine.dedup().importer().importCsv(new StringReader("email,first_name\n"),
                "empty.csv", who, 0, ProgressListener.NONE));
        return reads;
    }

    @Test
    void eachReadIsRefusedToARoleWithoutItsPermissionAndServedToOneWithIt() {
        for (Role role : Role.values()) {
            Actor who = role == Role.SUPPORT ? support : role == Role.OPERATOR ? operator
                    : Actor.of(TestAccounts.signIn(engine, Role.ADMINISTRATOR));
            reads(who).forEach((name, read) -> {
                Permission needed = Permission.valueOf(name.substring(0, name.indexOf(' ')));
                if (role.allows(needed)) {
                    assertThatCode(read).as("%s may %s", role, name).doesNotThrowAnyException();
                } else {
                    assertThatThrownBy(read).as("%s may not %s", role, name).isInstanceOf(AccessDeniedException.class)
                            .hasMessageContaining("may not " + needed.action());
                }
            });
        }
    }

    @Test
    void aDisabledAccountsSessionIsRefusedEvenForWhatItsRoleAllows() {
        Session admin = TestAccounts.signIn(engine, Role.ADMINISTRATOR);
        Session reader = TestAccounts.signIn(engine, Role.SUPPORT);
        assertThat(engine.accounts().setDisabled(Actor.of(admin), reader.username(), true)).isInstanceOf(AccountResult.Done.class);
        try {
            assertThatThrownBy(() -> engine.users().search(Actor.of(reader), "ada", 10))
                    .isInstanceOf(AccessDeniedException.class).hasMessageContaining("disabled");
        } finally {
            engine.accounts().setDisabled(Actor.of(admin), reader.username(), false);
        }
    }

    @Test
    void anOperatorAtTheCommandLineMayReadEverything() {
        reads(Actor.operator("ops")).forEach((name, read) -> assertThatCode(read).as(name).doesNotThrowAnyException());
    }
}
