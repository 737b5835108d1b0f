package org.nstcg.integrity.engine.dedup;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
 * finish the saga, or undo it exactly, from the database alone.
 */
public final class MergeSaga {

    public static final String TYPE = "user-merge";
    static final String RECORD = "RecordMerge";
    static final String CODES = "RepointCodes";
    static final String REFERRALS = "RepointReferrals";
    static final String MOVE = "MoveAndMark";
    static final String CACHE = "InvalidateCache";
    public static final String REFUSED = "merge_refused";

    private final SagaDefinition<MergeSagaData> definition;

    public MergeSaga(MergeStore store, AuditTrail audit, CacheInvalidator cache, KnownMailboxes known, ObjectMapper json) {
        this.definition = SagaDefinition.builder(TYPE, MergeSagaData.class)
                .local(RECORD, (ctx, d, tx) -> {
                    store.lockUsers(tx, d.survivorId(), d.mergedId());
                    Optional<MergeStore.UserState> merged = store.user(tx, d.mergedId(), false);
                    refusal(store.user(tx, d.survivorId(), false), merged, d.survivorId(), d.mergedId())
                            .ifPresent(r -> {
                                throw new SagaRejection(REFUSED, r);
                            });
                    long id;
                    try {
                        id = store.insertMerge(tx, ctx.sagaId(), d.survivorId(), d.mergedId(), d.actor(), d.reason());
                    } catch (StoreException e) {
                        if (e.violated("user_merges_live_uk")) {
                            throw new SagaRejection(REFUSED, "user " + d.mergedId() + " is being merged by another merge");
                        }
                        throw e;
                    }
                    return json.createObjectNode().put("mergeId", id).put("mergedMailbox", merged.orElseThrow().emailNormalized());
                }, (ctx, d, result, tx) -> store.rollBackMerge(tx, ctx.sagaId()))
                .local(CODES, (ctx, d, tx) -> {
                    ArrayNode codes = json.createArrayNode();
                    for (CodeKind k : store.repointCodes(tx, ctx.sagaId())) {
                        codes.addObject().put("code", k.code()).put("kind", k.kind());
                    }
                    ObjectNode r = json.createObjectNode();
                    r.set("codes", codes);
                    return r;
                }, (ctx, d, result, tx) -> store.restoreCodes(tx, mergeId(ctx.requireResult(RECORD))))
                .local(REFERRALS, (ctx, d, tx) -> {
                    int referrals = store.repointReferrals(tx, ctx.sagaId());
                    return json.createObjectNode().put("referrals", referrals);
                },
                        (ctx, d, result, tx) -> store.restoreReferrals(tx, mergeId(ctx.requireResult(RECORD))))
                .local(MOVE, (ctx, d, tx) -> {
                    long mergeId = mergeId(ctx.requireResult(RECORD));
                    Moved moved;
                    {
                        store.lockUsers(tx, d.survivorId(), d.mergedId());
                        Optional<UserState> survivor = store.user(tx, d.survivorId(), false);
                        Optional<UserState> merged = store.user(tx, d.mergedId(), false);
                        refusal(survivor, merged, d.survivorId(), d.mergedId()).ifPresent(r -> {
                            throw new SagaRejection(REFUSED, r);
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
                    audit.record(tx, AuditEvent.of(d.actor(), "user.merge").target("user", Long.toString(m.id())).states(before, after)
                            .details("merged into " + s.id() + " (merge " + mergeId + ")" + (d.reason() == null ? "" : ": " + d.reason())));
                    ObjectNode r = json.createObjectNode().put("mergeId", mergeId).put("points", m.points())
                            .put("referralCount", countMoved);
                    ArrayNode ids = r.putArray("referrals");
                    row.referralsMoved().forEach(ids::add);
                    return r;
                }, null)
                .pivot()
                .remote(CACHE, (ctx, d) -> {
                    List<String> stale = new ArrayList<>(List.of(CacheKeys.USER_COUNT, CacheKeys.LEADERBOARD,
                            CacheKeys.user(d.survivorId()), CacheKeys.user(d.mergedId())));
                    ctx.requireResult(MOVE).path("referrals").forEach(id -> stale.add(CacheKeys.user(id.asLong())));
                    ctx.requireResult(CODES).path("codes").forEach(code -> stale.add(CacheKeys.referral(code.path("code").asText())));
                    cache.afterCommit(stale);
                    // The merged user's mailbox is free again: the registration fast path must not call it registered.
                    String mailbox = ctx.requireResult(RECORD).path("mergedMailbox").asText("");
                    if (!mailbox.isEmpty()) {
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

    private static long mergeId(com.fasterxml.jackson.databind.JsonNode recorded) {
        return recorded.path("mergeId").asLong();
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
