package org.nstcg.integrity.engine.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.AccessDeniedException;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.engine.audit.AuditEntry;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.engine.support.BulkPreview;
import org.nstcg.integrity.engine.support.BulkResult;
import org.nstcg.integrity.engine.support.BulkResult.Outcome;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestAccounts;
import org.nstcg.integrity.support.TestActors;

/**
 * Merging several pairs at once: previewed, then each merged with its own audit entry carrying the reason and the
 * bulk id; a pair that no longer applies when its turn comes is skipped with the merge's reason; a role that may not
 * merge is refused before anything runs.
 */
@IntegrityTest
class BulkMergesIT {

    @Test
    void mergesEachPairWithItsOwnAuditEntryAndSkipsAPairThatNoLongerApplies(IntegrityEngine engine) {
        long ada = register(engine, "ada@example.org", "Ada");
        long ada2 = register(engine, "ada.lovelace@example.org", "Ada");
        long bob = register(engine, "bob@example.org", "Bob");
        long bob2 = register(engine, "bob.b@example.org", "Bob");
        Actor support = Actor.of(TestAccounts.signIn(engine, Role.SUPPORT));
        List<MergePair> pairs = List.of(new MergePair(ada, ada2), new MergePair(bob, bob2), new MergePair(bob2, ada2));

        assertThatThrownBy(() -> engine.dedup().merges().bulk().preview(Actor.of(TestAccounts.signIn(engine, Role.OPERATOR)), pairs))
                .isInstanceOf(AccessDeniedException.class);
        BulkPreview<MergePair> preview = engine.dedup().merges().bulk().preview(support, pairs);
        assertThat(preview.items()).extracting(BulkPreview.Item::applicable).containsExactly(true, true, true);
        assertThat(preview.items().get(0).label()).isEqualTo("user " + ada2 + " (ada.lovelace@example.org) into user " + ada + " (ada@example.org)");
        assertThat(preview.items().get(0).plan()).startsWith("merge: moves ");

        BulkResult<MergePair> result = engine.dedup().merges().bulk().run(support, preview.keys(), "same people, asked by phone",
                ProgressListener.NONE, () -> false);

        assertThat(result.items()).extracting(BulkResult.Item::outcome).containsExactly(Outcome.DONE, Outcome.DONE, Outcome.SKIPPED);
        assertThat(result.items().get(2).why()).isEqualTo("user " + ada2 + " is already merged into user " + ada);
        for (long merged : List.of(ada2, bob2)) {
            List<AuditEntry> audited = engine.audit().list(TestActors.OPERATOR, Optional.empty(), Optional.of("user.merge"),
                    Optional.of(Long.toString(merged)), Optional.empty(), 10);
            assertThat(audited).singleElement().satisfies(e -> {
                assertThat(e.actor()).isEqualTo(TestAccounts.username(Role.SUPPORT));
                assertThat(e.details()).hasValueSatisfying(d -> assertThat(d).endsWith(": same people, asked by phone"));
                assertThat(e.after().orElseThrow().path("bulk").asText()).isEqualTo(result.bulkId().toString());
            });
        }
    }

    private static long register(IntegrityEngine engine, String email, String first) {
        return ((RegistrationOutcome.Registered) engine.registration().register(new RegistrationRequest(email, first, "Test", null))).userId();
    }
}
