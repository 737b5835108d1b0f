package org.nstcg.integrity.engine.audit;

import org.nstcg.integrity.engine.lookup.AuditReader;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;

/** {@link AuditTrail#page} and {@link AuditTrail#entry}: keyset pages, newest first, with every filter. */
@IntegrityTest
class AuditPageIT {

    private static TestDatabase db;
    private static IntegrityEngine engine;
    private static AuditTrail trail;
    private static AuditReader audit;

    @BeforeAll
    static void fill(TestDatabase slice, IntegrityEngine started) {
        db = slice;
        engine = started;
        trail = engine.auditTrail();
        audit = engine.audit();
        for (int i = 0; i < 23; i++) {
            trail.record(AuditEvent.of(i % 2 == 0 ? "alice" : "bob", i % 3 == 0 ? "cache.rebuild" : "saga.retry")
                    .target("saga", "s-" + i).details(i == 7 ? "100% mended_by hand" : "entry " + i));
        }
    }

    private List<AuditEntry> all(AuditQuery query, int size) {
        List<AuditEntry> out = new ArrayList<>();
        Optional<AuditPage.Cursor> after = Optional.empty();
        do {
            AuditPage page = audit.page(TestActors.OPERATOR, query, after, size);
            out.addAll(page.entries());
            after = page.next();
        } while (after.isPresent());
        return out;
    }

    private static AuditQuery query(String actor, String action, String target, String text) {
        return new AuditQuery(Optional.ofNullable(actor), Optional.ofNullable(action), Optional.ofNullable(target),
                Optional.ofNullable(text), Optional.empty(), Optional.empty());
    }

    @Test
    void pagesCoverEveryEntryOnceNewestFirst() {
        List<AuditEntry> paged = all(AuditQuery.ALL, 5);
        assertThat(paged).hasSize(23);
        assertThat(paged).extracting(AuditEntry::id).doesNotHaveDuplicates().isSortedAccordingTo((a, b) -> Long.compare(b, a));
    }

    @Test
    void filtersByActorActionTargetTextAndTime() {
        assertThat(all(query("alice", null, null, null), 4)).hasSize(12).allSatisfy(e -> assertThat(e.actor()).isEqualTo("alice"));
        assertThat(all(query(null, "cache.*", null, null), 4)).hasSize(8);
        assertThat(all(query(null, "cache.", null, null), 4)).as("no star: the exact action").isEmpty();
        assertThat(all(query(null, null, "s-4", null), 4)).extracting(e -> e.details().orElseThrow()).containsExactly("entry 4");
        assertThat(all(query(null, null, null, "MENDED_BY"), 4)).extracting(e -> e.targetId().orElseThrow()).containsExactly("s-7");
        assertThat(all(query(null, null, null, "100%"), 4)).hasSize(1);
        assertThat(all(query(null, null, null, "_"), 4)).as("_ is matched literally").hasSize(1);
        AuditEntry newest = audit.page(TestActors.OPERATOR, AuditQuery.ALL, Optional.empty(), 1).entries().get(0);
        assertThat(all(new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(newest.occurredAt().plusSeconds(1)), Optional.empty()), 4)).isEmpty();
        assertThat(all(new AuditQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(newest.occurredAt().plusSeconds(1))), 50)).hasSize(23);
    }

    @Test
    void entryReadsOnePositionOfTheChain() {
        AuditEntry newest = audit.page(TestActors.OPERATOR, AuditQuery.ALL, Optional.empty(), 1).entries().get(0);
        assertThat(audit.entry(TestActors.OPERATOR, newest.id())).contains(newest);
        assertThat(audit.entry(TestActors.OPERATOR, newest.id() + 1000)).isEmpty();
    }
}
