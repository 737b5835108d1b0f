package org.nstcg.integrity.engine.dedup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.audit.AuditEvent;
import org.nstcg.integrity.engine.audit.AuditTrail;
import org.nstcg.integrity.engine.cache.CacheInvalidator;
import org.nstcg.integrity.engine.registration.KnownMailboxes;
import org.nstcg.integrity.engine.cache.CacheKeys;
import org.nstcg.integrity.engine.saga.SagaOrchestrator;
import org.nstcg.integrity.engine.saga.SagaOutcome;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.support.ControlCharacters;
import org.nstcg.integrity.engine.store.MergeStore;
import org.nstcg.integrity.engine.store.MergeStore.MergeRow;
import org.nstcg.integrity.engine.store.MergeStore.UserState;
import org.nstcg.integrity.engine.support.Reasons;

/**
 * Merges duplicate users (support staff's tool) and undoes merges.
 *
 * <p>Design notes: a merge is a saga ({@link MergeSaga}) so that a crash half-way is finished or undone by
 * recovery. Unmerge is a single transaction: it only touches PostgreSQL, and one transaction is all-or-nothing by
 * itself. It puts back exactly what the merge recorded; points come back through reversing ledger entries, since
 * the ledger is append-only. Two things are not put back, by design: {@code updated_at} and {@code version} of the
 * touched users and profiles, which must only grow (the cache relies on versions never going backwards).
 */
public final class MergeService {

    private final Jdbc jdbc;
    private final MergeStore store;
    private final MergeSaga saga;
    private final SagaOrchestrator orchestrator;
    private final AuditTrail audit;
    private final CacheInvalidator cache;
    private final KnownMailboxes known;
    private final ObjectMapper json;
    private final BulkMerges bulk = new BulkMerges(this);

    public MergeService(Jdbc jdbc, MergeStore store, MergeSaga saga, SagaOrchestrator orchestrator, AuditTrail audit,
                        CacheInvalidator cache, KnownMailboxes known, ObjectMapper json) {
        this.jdbc = jdbc;
        this.store = store;
        this.saga = saga;
        this.orchestrator = orchestrator;
        this.audit = audit;
        this.cache = cache;
        this.known = known;
        this.json = json;
    }

    public MergeSaga saga() {
        return saga;
    }

    /** Every change merging {@code duplicateId} into {@code survivorId} would make, if {@code by} may merge; writes nothing. */
    public MergeOutcome preview(Actor by, long survivorId, long duplicateId) {
        by.authorize(Permission.MERGE_USERS);
        return jdbc.read("preview the merge", tx -> {
            Optional<UserState> s = store.user(tx, survivorId, false);
            Optional<UserState> d = store.user(tx, duplicateId, false);
            Optional<String> refusal = MergeSaga.refusal(s, d, survivorId, duplicateId);
            if (refusal.isPresent()) {
                return new MergeOutcome.Refused(refusal.get());
            }
            UserState sv = s.get();
            UserState dp = d.get();
            List<MergePlan.CodeChange> codes = store.codes(tx, duplicateId).stream()
                    .map(k -> new MergePlan.CodeChange(k.code(), k.kind())).toList();
            boolean cleared = sv.referredBy() != null && sv.referredBy() == duplicateId;
            return new MergeOutcome.Previewed(new MergePlan(summary(sv), summary(dp), dp.points(),
                    Math.max(0, dp.referralCount() - (cleared ? 1 : 0)), store.referredBy(tx, duplicateId, survivorId), cleared, codes));
        });
    }

    /**
     * Merges {@code duplicateId} into {@code survivorId}, or says why not, if {@code by} may merge users.
     *
     * @throws org.nstcg.integrity.engine.account.AccessDeniedException when it may not (nothing is done)
     */
    public MergeOutcome merge(long survivorId, long duplicateId, Actor by, String reason) {
        return merge(survivorId, duplicateId, by, reason, null);
    }

    /** Merge several exact duplicates at once, with a preview ({@link BulkMerges}). */
    public BulkMerges bulk() {
        return bulk;
    }

    /** {@link #merge(long, long, Actor, String)} as part of bulk merge {@code bulk} (audited with it), or alone when null. */
    MergeOutcome merge(long survivorId, long duplicateId, Actor by, String reason, java.util.UUID bulk) {
        String actor = by.authorize(Permission.MERGE_USERS);
        Optional<String> badReason = Reasons.problem(reason);
        if (badReason.isPresent()) {
            return new MergeOutcome.Refused(badReason.get());
        }
        MergeOutcome preview = preview(by, survivorId, duplicateId);
        if (!(preview instanceof MergeOutcome.Previewed p)) {
            return preview;
        }
        SagaOutcome outcome = orchestrator.run(saga.definition(), "merge:" + duplicateId,
                new MergeSagaData(survivorId, duplicateId, actor, reason, bulk));
        return outcome.match(
                done -> {
                    MergeSaga.MovedAndMarked moved = done.results().get(MergeSaga.MOVE);
                    List<MergePlan.CodeChange> codes = done.results().get(MergeSaga.CODES).codes().stream()
                            .map(k -> new MergePlan.CodeChange(k.code(), k.kind())).toList();
                    MergePlan plan = new MergePlan(p.plan().survivor(), p.plan().duplicate(), moved.points(), moved.referralCount(),
                            moved.referrals(), p.plan().survivorReferrerCleared(), codes);
                    return new MergeOutcome.Merged(moved.mergeId(), done.sagaId(), plan);
                },
                c -> c.rejection().<MergeOutcome>map(r -> new MergeOutcome.Refused(r.detail()))
                        .orElseGet(() -> new MergeOutcome.RolledBack(c.sagaId(), "the merge failed at " + c.failedStep()
                                + " and was undone (" + c.message() + ")")),
                n -> new MergeOutcome.Unfinished(n.sagaId(), "the merge could not finish " + n.step() + " and needs attention ("
                        + n.message() + "); see sagas show " + n.sagaId()),
                taken -> new MergeOutcome.Unfinished(taken.sagaId(), "another instance took the merge over and will finish it"));
    }

    /** Undoes the live merge of user {@code userId} (the duplicate), exactly, or says why it cannot, if {@code by} may merge users. */
    public UnmergeOutcome unmerge(long userId, Actor by, String reason) {
        String actor = by.authorize(Permission.MERGE_USERS);
        Optional<String> badReason = Reasons.problem(reason);
        if (badReason.isPresent()) {
            return new UnmergeOutcome.Refused(badReason.get());
        }
        Unmerged done;
        try {
            done = jdbc.inTransaction("unmerge user " + userId, tx -> {
                Optional<MergeRow> found = store.liveMergeOf(tx, userId, true);
                if (found.isEmpty()) {
                    Optional<UserState> u = store.user(tx, userId, false);
                    throw new Refusal(u.isEmpty() ? "there is no user " + userId
                            : "merged".equals(u.get().status()) ? "user " + userId + " was merged before merges were recorded; it cannot be unmerged"
                            : "user " + userId + " is " + u.get().status() + ", not merged");
                }
                MergeRow m = found.get();
                store.lockUsers(tx, m.survivorId(), m.mergedId());
                UserState merged = store.user(tx, m.mergedId(), false).orElseThrow();
                UserState survivor = store.user(tx, m.survivorId(), false).orElseThrow();
                Optional<String> refusal = Optional.empty();
                if (!"merged".equals(merged.status()) || merged.mergedInto() == null || merged.mergedInto() != m.survivorId()) {
                    refusal = Optional.of("user " + userId + " is no longer merged into user " + m.survivorId());
                } else if ("merged".equals(survivor.status())) {
                    refusal = Optional.of("user " + m.survivorId() + ", which user " + userId + " was merged into, has since been merged into user "
                            + survivor.mergedInto() + "; unmerge user " + m.survivorId() + " first");
                } else if (!"active".equals(survivor.status())) {
                    refusal = Optional.of("user " + m.survivorId() + ", which user " + userId + " was merged into, is " + survivor.status());
                } else if (survivor.points() < m.pointsMoved()) {
                    refusal = Optional.of("user " + m.survivorId() + " has " + survivor.points() + " points, fewer than the " + m.pointsMoved()
                            + " the merge moved to it");
                } else {
                    Optional<Long> holder = store.activeUserWithMailbox(tx, merged.emailNormalized());
                    if (holder.isPresent()) {
                        refusal = Optional.of("the mailbox " + merged.emailNormalized() + " now belongs to active user " + holder.get());
                    }
                }
                if (refusal.isPresent()) {
                    throw new Refusal(refusal.get());
                }
                store.unmerge(tx, m, actor);
                JsonNode codesMoved = codesMoved(m, userId);
                ObjectNode before = json.createObjectNode().put("status", "merged").put("mergedInto", m.survivorId()).put("points", merged.points());
                ObjectNode after = json.createObjectNode().put("status", "active").put("points", merged.points() + m.pointsMoved())
                        .put("referralCount", merged.referralCount() + m.referralCountMoved()).put("referralsReturned", m.referralsMoved().size());
                after.set("codesReturned", codesMoved);
                audit.record(tx, AuditEvent.of(actor, "user.unmerge").target("user", Long.toString(userId)).states(before, after)
                        .details("unmerged from " + m.survivorId() + " (merge " + m.id() + ")" + (reason == null ? "" : ": " + reason)));
                return new Unmerged(m, merged);
            });
        } catch (Refusal r) {
            return new UnmergeOutcome.Refused(r.getMessage());
        }
        MergeRow m = done.merge();
        List<String> stale = new ArrayList<>(List.of(CacheKeys.USER_COUNT, CacheKeys.LEADERBOARD, CacheKeys.user(m.survivorId()),
                CacheKeys.user(m.mergedId())));
        m.referralsMoved().forEach(id -> stale.add(CacheKeys.user(id)));
        JsonNode codesMoved = codesMoved(m, userId);
        codesMoved.forEach(k -> stale.add(CacheKeys.referral(k.path("code").asText())));
        cache.afterCommit(stale);
        // The survivor keeps its own mailbox; the restored user's is active again, and the database decides its sign-ups.
        known.forget(List.of(done.merged().emailNormalized()));
        return new UnmergeOutcome.Unmerged(m.id(), userId, m.survivorId(), m.pointsMoved(), m.referralsMoved().size(), codesMoved.size());
    }

    /** What an unmerge's transaction read, for the work after its commit. */
    private record Unmerged(MergeRow merge, UserState merged) {
    }

    /** Ends an unmerge's transaction by rolling it back, with the sentence that says why it cannot be done. */
    private static final class Refusal extends RuntimeException {
        Refusal(String why) {
            super(why, null, false, false);
        }
    }

    private JsonNode codesMoved(MergeRow m, long userId) {
        try {
            return json.readTree(m.codesMovedJson());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("merge record of user " + userId + " is not readable", e);
        }
    }

    private static MergePlan.UserSummary summary(UserState u) {
        String name = u.lastName() == null ? u.firstName() : u.firstName() + " " + u.lastName();
        return new MergePlan.UserSummary(u.id(), u.email(), name, u.status(), u.points(), u.referralCount());
    }
}
