package org.nstcg.integrity.engine.dedup;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.audit.AuditEvent;
import org.nstcg.integrity.engine.audit.AuditTrail;
import org.nstcg.integrity.engine.cache.CacheInvalidator;
import org.nstcg.integrity.engine.registration.KnownMailboxes;
import org.nstcg.integrity.engine.cache.CacheKeys;
import org.nstcg.integrity.engine.saga.SagaDefinition;
import org.nstcg.integrity.engine.saga.SagaRejection;
import org.nstcg.integrity.engine.saga.StepKey;
import org.nstcg.integrity.engine.store.MergeStore;
import org.nstcg.integrity.engine.store.MergeStore.CodeKind;
import org.nstcg.integrity.engine.store.MergeStore.UserState;
import org.nstcg.integrity.engine.store.StoreException;

/**
 * Merging a duplicate user into a survivor, as a saga:
 * <ol>
 *   <li>RecordMerge (local): checks both users are active and distinct under row locks and writes the
 *   {@code user_merges} row (status merging); undone by marking it rolled back.</li>
 *   <li>RepointCodes (local): the duplicate's codes become aliases of the survivor (recorded with their old kind);
 *   undone by pointing them back.</li>
 *   <li>RepointReferrals (local): users referred by the duplicate are referred by the survivor (recorded); undone by
 *   pointing them back.</li>
 *   <li>MoveAndMark (local, <b>pivot</b>): re-points referrals made meanwhile, moves points (a negative ledger entry
 *   on the duplicate, a positive one on the survivor, keyed by the saga) and the referral count, marks the duplicate
 *   merged into the survivor, and audits before/after, in one transaction.</li>
 *   <li>InvalidateCache (remote, retried forward): both users, every re-pointed user, the moved codes, the
 *   leaderboard and the user count.</li>
 * </ol>
 * Every step reads what to do from the merge row and records there what it did, so recovery on any instance can
 * finish the saga, or undo it exactly, from the database alone. Each step's result is a record ({@link Recorded},
 * {@link RepointedCodes}, {@link RepointedReferrals}, {@link MovedAndMarked}), handed typed to the steps after it.
 */
public final class MergeSaga {

    public static final String TYPE = "user-merge";
    static final StepKey<Recorded> RECORD = StepKey.of("RecordMerge", Recorded.class);
    static final StepKey<RepointedCodes> CODES = StepKey.of("RepointCodes", RepointedCodes.class);
    static final StepKey<RepointedReferrals> REFERRALS = StepKey.of("RepointReferrals", RepointedReferrals.class);
    static final StepKey<MovedAndMarked> MOVE = StepKey.of("MoveAndMark", MovedAndMarked.class);
    static final StepKey<Void> CACHE = StepKey.of("InvalidateCache");

    /** Why a merge saga refuses; {@link #code()} is what the saga log records. */
    public enum Refusal implements SagaRejection.Reason {
        /** The two users cannot be merged (now): unknown, the same, not active, or being merged by another merge. */
        REFUSED("merge_refused");

        private final String code;

        Refusal(String code) {
            this.code = code;
        }

        @Override
        public String code() {
            return code;
        }
    }

    /** The result of RecordMerge: the merge row and the duplicate's mailbox (free again once merged). */
    public record Recorded(long mergeId, String mergedMailbox) {
    }

    /** The result of RepointCodes: the duplicate's codes that became aliases, with the kind each had before. */
    public record RepointedCodes(List<CodeKind> codes) {
    }

    /** The result of RepointReferrals: how many users referred by the duplicate are now the survivor's. */
    public record RepointedReferrals(int referrals) {
    }

    /**
     * The result of MoveAndMark: the points and referral count moved to the survivor and the users re-pointed.
     *
     * @param referrals the ids of every user whose referrer became the survivor
     */
    public record MovedAndMarked(long mergeId, int points, int referralCount, List<Long> referrals) {
    }

    private final SagaDefinition<MergeSagaData> definition;

    public MergeSaga(MergeStore store, AuditTrail audit, CacheInvalidator cache, KnownMailboxes known, ObjectMapper json) {
        this.definition = SagaDefinition.builder(TYPE, MergeSagaData.class)
                .local(RECORD, (ctx, d, tx) -> {
                    store.lockUsers(tx, d.survivorId(), d.mergedId());
                    Optional<MergeStore.UserState> merged = store.user(tx, d.mergedId(), false);
                    refusal(store.user(tx, d.survivorId(), false), merged, d.survivorId(), d.mergedId())
                            .ifPresent(r -> {
                                throw new SagaRejection(Refusal.REFUSED, r);
                            });
                    long id;
                    try {
                        id = store.insertMerge(tx, ctx.sagaId(), d.survivorId(), d.mergedId(), d.actor(), d.reason());
                    } catch (StoreException e) {
                        if (e.violated("user_merges_live_uk")) {
                            throw new SagaRejection(Refusal.REFUSED, "user " + d.mergedId() + " is being merged by another merge");
                        }
                        throw e;
                    }
                    return new Recorded(id, merged.orElseThrow().emailNormalized());
                }, (ctx, d, result, tx) -> store.rollBackMerge(tx, ctx.sagaId()))
                .local(CODES, (ctx, d, tx) -> new RepointedCodes(List.copyOf(store.repointCodes(tx, ctx.sagaId()))),
                        (ctx, d, codes, tx) -> store.restoreCodes(tx, ctx.result(RECORD).mergeId()))
                .local(REFERRALS, (ctx, d, tx) -> new RepointedReferrals(store.repointReferrals(tx, ctx.sagaId())),
                        (ctx, d, referrals, tx) -> store.restoreReferrals(tx, ctx.result(RECORD).mergeId()))
                .local(MOVE, (ctx, d, tx) -> {
                    long mergeId = ctx.result(RECORD).mergeId();
                    Moved moved;
                    {
                        store.lockUsers(tx, d.survivorId(), d.mergedId());
                        Optional<UserState> survivor = store.user(tx, d.survivorId(), false);
                        Optional<UserState> merged = store.user(tx, d.mergedId(), false);
                        refusal(survivor, merged, d.survivorId(), d.mergedId()).ifPresent(r -> {
                            throw new SagaRejection(Refusal.REFUSED, r);
                        });
                        store.repointReferrals(tx, ctx.sagaId());
                        UserState s = survivor.get();
                        UserState m = merged.get();
                        // A referral count counts the users one referred; if the duplicate referred the survivor, that one
                        // referral does not move (nobody refers themselves) and stays counted on the duplicate.
                        boolean survivorReferrerCleared = store.mergeBySaga(tx, ctx.sagaId()).orElseThrow().survivorReferredBy() != null;
                        int countMoved = Math.max(0, m.referralCount() - (survivorReferrerCleared ? 1 : 0));
                        store.moveAndMark(tx, ctx.sagaId(), mergeId, s.id(), m.id(), m.points(), countMoved);
                        moved = new Moved(s, m, countMoved, store.mergeBySaga(tx, ctx.sagaId()).orElseThrow());
                    }
                    UserState s = moved.survivor();
                    UserState m = moved.merged();
                    int countMoved = moved.countMoved();
                    MergeStore.MergeRow row = moved.row();
                    ObjectNode before = json.createObjectNode();
                    before.set("survivor", state(json, s.status(), null, s.points(), s.referralCount()));
                    before.set("duplicate", state(json, m.status(), null, m.points(), m.referralCount()));
                    ObjectNode after = json.createObjectNode();
                    after.set("survivor", state(json, s.status(), null, s.points() + m.points(), s.referralCount() + countMoved));
                    after.set("duplicate", state(json, "merged", s.id(), 0, m.referralCount() - countMoved));
                    after.put("referralsRepointed", row.referralsMoved().size());
                    after.set("codesBecameAliases", json.readTree(row.codesMovedJson()));
                    if (d.bulk() != null) {
                        after.put("bulk", d.bulk().toString());
                    }
                    audit.record(tx, AuditEvent.of(d.actor(), "user.merge").target("user", Long.toString(m.id())).states(before, after)
                            .details("merged into " + s.id() + " (merge " + mergeId + ")" + (d.reason() == null ? "" : ": " + d.reason())));
                    return new MovedAndMarked(mergeId, m.points(), countMoved, List.copyOf(row.referralsMoved()));
                }, null)
                .pivot()
                .remote(CACHE, (ctx, d) -> {
                    List<String> stale = new ArrayList<>(List.of(CacheKeys.USER_COUNT, CacheKeys.LEADERBOARD,
                            CacheKeys.user(d.survivorId()), CacheKeys.user(d.mergedId())));
                    ctx.result(MOVE).referrals().forEach(id -> stale.add(CacheKeys.user(id)));
                    ctx.result(CODES).codes().forEach(code -> stale.add(CacheKeys.referral(code.code())));
                    cache.afterCommit(stale);
                    // The merged user's mailbox is free again: the registration fast path must not call it registered.
                    String mailbox = ctx.result(RECORD).mergedMailbox();
                    if (mailbox != null && !mailbox.isEmpty()) {
                        known.forget(List.of(mailbox));
                    }
                    return null;
                }, null)
                .build();
    }

    /** What MoveAndMark read and did: the two users before, the referral count moved, the merge row after. */
    private record Moved(UserState survivor, UserState merged, int countMoved, MergeStore.MergeRow row) {
    }

    /** A merge saga with another definition of the same steps (tests inject faults this way). */
    MergeSaga(SagaDefinition<MergeSagaData> definition) {
        this.definition = definition;
    }

    private static ObjectNode state(ObjectMapper json, String status, Long mergedInto, int points, int referralCount) {
        ObjectNode n = json.createObjectNode().put("status", status).put("points", points).put("referralCount", referralCount);
        if (mergedInto != null) {
            n.put("mergedInto", mergedInto);
        }
        return n;
    }

    /** Why the two users cannot be merged, if they cannot. */
    static Optional<String> refusal(Optional<UserState> survivor, Optional<UserState> duplicate, long survivorId, long duplicateId) {
        if (survivorId == duplicateId) {
            return Optional.of("a user cannot be merged into itself (user " + survivorId + ")");
        }
        if (survivor.isEmpty()) {
            return Optional.of("there is no user " + survivorId);
        }
        if (duplicate.isEmpty()) {
            return Optional.of("there is no user " + duplicateId);
        }
        UserState d = duplicate.get();
        if ("merged".equals(d.status())) {
            return Optional.of("user " + duplicateId + " is already merged into user " + d.mergedInto());
        }
        if (!"active".equals(d.status())) {
            return Optional.of("user " + duplicateId + " is " + d.status() + ", not active");
        }
        UserState s = survivor.get();
        if ("merged".equals(s.status())) {
            return Optional.of("the survivor, user " + survivorId + ", is itself merged into user " + s.mergedInto() + "; choose an active survivor");
        }
        if (!"active".equals(s.status())) {
            return Optional.of("the survivor, user " + survivorId + ", is " + s.status() + ", not active");
        }
        return Optional.empty();
    }

    public SagaDefinition<MergeSagaData> definition() {
        return definition;
    }
}
