package org.nstcg.integrity.engine.dedup;

import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.account.Actor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.nstcg.integrity.engine.store.DuplicateStore;
import org.nstcg.integrity.engine.store.DuplicateStore.Person;

/**
 * Finds duplicate users: exact (same normalised mailbox: held legacy rows and merged or archived history against
 * active users) and likely (similar names and mailbox names, across providers), ranked by score with reasons.
 *
 * <p>Design notes: likely pairs come only from blocks ({@link DuplicateStore}), never from all pairs; they are
 * streamed and scored one at a time, and only the best {@code offset + limit} are kept (a bounded heap), so a page
 * costs memory for the page, not for every candidate.
 */
public final class DuplicateFinder {

    /** Blocks with more users than this are skipped (too common to mean anything; k² comparisons). */
    public static final int MAX_BLOCK = 200;

    private final DuplicateStore store;

    public DuplicateFinder(DuplicateStore store) {
        this.store = store;
    }

    /** One page of exact duplicates, ordered by mailbox, if {@code by} may see duplicates. */
    public List<DuplicateCandidate> exact(Actor by, int offset, int limit) {
        by.authorize(Permission.VIEW_DUPLICATES);
        List<DuplicateCandidate> out = new ArrayList<>();
        for (DuplicateStore.Exact e : store.exact(offset, limit)) {
            List<String> reasons = new ArrayList<>();
            reasons.add("same mailbox " + e.user().emailNormalized());
            DuplicateCandidate.Party other;
            if (e.legacyImport() != null) {
                other = new DuplicateCandidate.Party(null, e.legacyImport(), e.legacyLine(), e.other().email(), name(e.other()), "held");
                reasons.add("legacy row held at import: " + e.legacyReason());
            } else {
                other = party(e.other());
                reasons.add("user " + e.other().id() + " is " + e.other().status());
            }
            out.add(new DuplicateCandidate(DuplicateCandidate.Kind.EXACT, party(e.user()), other, 1.0, reasons));
        }
        return out;
    }

    /** One page of likely duplicates among active users, best first, if {@code by} may see duplicates. */
    public List<DuplicateCandidate> likely(Actor by, int offset, int limit) {
        by.authorize(Permission.VIEW_DUPLICATES);
        int keep = offset + limit;
        Comparator<DuplicateCandidate> best = Comparator.comparingDouble(DuplicateCandidate::score).reversed()
                .thenComparing(c -> c.left().userId()).thenComparing(c -> c.right().userId());
        PriorityQueue<DuplicateCandidate> heap = new PriorityQueue<>(best.reversed());
        store.candidates(MAX_BLOCK, c -> {
            DuplicateScorer.Score s = DuplicateScorer.score(c.a(), c.b());
            if (s.value() < DuplicateScorer.THRESHOLD) {
                return;
            }
            heap.add(new DuplicateCandidate(DuplicateCandidate.Kind.LIKELY, party(c.a()), party(c.b()), s.value(), s.reasons()));
            if (heap.size() > keep) {
                heap.poll();
            }
        });
        List<DuplicateCandidate> all = new ArrayList<>(heap);
        all.sort(best);
        return all.size() <= offset ? List.of() : all.subList(offset, all.size());
    }

    /** How many blocks and candidate pairs the likely search looks at, against n(n-1)/2. */
    public DuplicateStore.BlockStats blockStats() {
        return store.blockStats(MAX_BLOCK);
    }

    private static DuplicateCandidate.Party party(Person p) {
        return new DuplicateCandidate.Party(p.id(), null, null, p.email(), name(p), p.status());
    }

    private static String name(Person p) {
        return p.lastName() == null ? p.firstName() : p.firstName() + " " + p.lastName();
    }
}
