package org.nstcg.integrity.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.AccessDeniedException;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.engine.audit.AuditEntry;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestAccounts;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;

/**
 * The engine checks who may manage the cache and audits what they did, whichever face asked: a role without the
 * permission changes nothing and leaves no entry; an operator's and a console user's actions are each recorded once.
 */
@IntegrityTest
class CacheAdministrationIT {

    private static TestDatabase db;
    private static IntegrityEngine engine;

    @BeforeAll
    static void start(TestDatabase slice, IntegrityEngine started) {
        db = slice;
        engine = started;
    }

    @Test
    void aRoleWithoutThePermissionIsRefusedBeforeAnythingIsDone() throws Exception {
        String key = engine.redis().key("count:users");
        engine.redis().client().set(key, "41");
        Actor support = Actor.of(TestAccounts.signIn(engine, Role.SUPPORT));

        assertThatThrownBy(() -> engine.cacheAdministration().invalidate(support, "count:*"))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("may not");
        assertThatThrownBy(() -> engine.cacheAdministration().rebuild(support, "count:*", ProgressListener.NONE, () -> false))
                .isInstanceOf(AccessDeniedException.class);

        assertThat(engine.redis().client().get(key)).as("not invalidated").isEqualTo("41");
        assertThat(entries("cache.invalidate", TestAccounts.username(Role.SUPPORT))).isEmpty();
        assertThat(entries("cache.rebuild", TestAccounts.username(Role.SUPPORT))).isEmpty();
    }

    @Test
    void anOperatorsAndAConsoleUsersActionsAreEachAuditedOnce() throws Exception {
        engine.redis().client().set(engine.redis().key("count:users"), "41");
        assertThat(engine.cacheAdministration().invalidate(Actor.operator("  oscar "), "count:*")).contains(1L);
        CacheRebuilder.Result r = engine.cacheAdministration().rebuild(Actor.of(TestAccounts.signIn(engine, Role.OPERATOR)),
                "count:*", ProgressListener.NONE, () -> false);

        assertThat(entries("cache.invalidate", "oscar")).singleElement()
                .satisfies(e -> assertThat(e.details().orElseThrow()).contains("1 entries removed"));
        assertThat(entries("cache.rebuild", TestAccounts.username(Role.OPERATOR))).singleElement()
                .satisfies(e -> assertThat(e.after().orElseThrow().path("written").asLong()).isEqualTo(r.written()));
    }

    @Test
    void anOperatorNeedsAName() {
        assertThatThrownBy(() -> Actor.operator(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Actor.operator("x".repeat(101))).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<AuditEntry> entries(String action, String actor) throws Exception {
        return engine.audit().list(TestActors.OPERATOR, Optional.of(actor), Optional.of(action), Optional.empty(), Optional.empty(), 10);
    }
}
