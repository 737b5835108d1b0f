package org.nstcg.integrity.engine.dedup;

import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.account.Actor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.nstcg.integrity.engine.store.DuplicateStore;
import org.nstcg.integrity.engine.store.DuplicateStore.Person;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds duplicate users: exact (same normalised mailbox: held legacy rows and merged or archived history against
 * active users) and likely (similar names and mailbox names, across providers), ranked by score with reasons.
 *
 * <p>Design notes: likely pairs come only from blocks ({@link DuplicateStore}), never from all pairs; they are
 * streamed and scored one at a time, and only the best {@code offset + limit} are kept (a bounded heap), so a page
 * costs memory for the page, not for every candidate. Look-alike addresses ({@link ConfusableSkeleton}) form one
 * more kind of block, made in Java because SQL has no UTS #39 skeleton: the active users with a non-ASCII mailbox
 * (at most {@value #MAX_LOOK_ALIKE_USERS}, usually few), grouped by skeleton together with their ASCII twins; a pair
 * found both ways is scored once, with both kinds of evidence.
 */
public final class DuplicateFinder {

    /** Blocks with more users than this are skipped (too common to mean anything; k² comparisons). */
    public static final int MAX_BLOCK = 200;
    /** Non-ASCII mailboxes examined for look-alikes per search (more are skipped, with a warning in the log). */
    public static final int MAX_LOOK_ALIKE_USERS = 20_000;

    private static final Logger log = LoggerFactory.getLogger(DuplicateFinder.class);

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
        Map<List<Long>, DuplicateStore.Candidate> lookAlikes = lookAlikePairs();
        store.candidates(MAX_BLOCK, c -> offer(heap, keep, c, lookAlikes.remove(List.of(c.a().id(), c.b().id())) != null));
        lookAlikes.values().forEach(c -> offer(heap, keep, c, true));
        List<DuplicateCandidate> all = new ArrayList<>(heap);
        all.sort(best);
        return all.size() <= offset ? List.of() : all.subList(offset, all.size());
    }

    private static void offer(PriorityQueue<DuplicateCandidate> heap, int keep, DuplicateStore.Candidate c, boolean lookAlike) {
        DuplicateScorer.Score s = DuplicateScorer.score(c.a(), c.b(), lookAlike);
        if (s.value() < DuplicateScorer.THRESHOLD) {
            return;
        }
        heap.add(new DuplicateCandidate(DuplicateCandidate.Kind.LIKELY, party(c.a()), party(c.b()), s.value(), s.reasons()));
        if (heap.size() > keep) {
            heap.poll();
        }
    }

    /**
     * Pairs of active users whose addresses have one confusable skeleton, keyed by their ids (lower first): the
     * users with a non-ASCII mailbox and the ASCII users they look like, grouped by skeleton. Blocks larger than
     * {@link #MAX_BLOCK} are skipped, as in SQL.
     */
    private Map<List<Long>, DuplicateStore.Candidate> lookAlikePairs() {
        List<Person> odd = store.nonAsciiMailboxes(MAX_LOOK_ALIKE_USERS + 1);
        if (odd.isEmpty()) {
            return new HashMap<>(); // ICU is never loaded
        }
        if (odd.size() > MAX_LOOK_ALIKE_USERS) {
            log.warn("More than {} active users have a non-ASCII mailbox; look-alikes are sought among the first {} only",
                    MAX_LOOK_ALIKE_USERS, MAX_LOOK_ALIKE_USERS);
            odd = odd.subList(0, MAX_LOOK_ALIKE_USERS);
        }
        Map<String, List<Person>> bySkeleton = new HashMap<>();
        Set<String> twins = new HashSet<>();
        for (Person p : odd) {
            bySkeleton.computeIfAbsent(ConfusableSkeleton.ofAddress(p.emailNormalized()), k -> new ArrayList<>()).add(p);
            ConfusableSkeleton.asciiLookAlike(p.emailNormalized()).ifPresent(twins::add);
        }
        for (Person t : store.activeWithMailboxes(twins)) {
            List<Person> group = bySkeleton.get(ConfusableSkeleton.ofAddress(t.emailNormalized()));
            if (group != null) {
                group.add(t);
            }
        }
        Map<List<Long>, DuplicateStore.Candidate> pairs = new HashMap<>();
        for (List<Person> group : bySkeleton.values()) {
            if (group.size() < 2 || group.size() > MAX_BLOCK) {
                continue;
            }
            group.sort(Comparator.comparingLong(Person::id));
            for (int i = 0; i < group.size(); i++) {
                for (int j = i + 1; j < group.size(); j++) {
                    Person a = group.get(i);
                    Person b = group.get(j);
                    pairs.put(List.of(a.id(), b.id()), new DuplicateStore.Candidate(a, b));
                }
            }
        }
        return pairs;
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
