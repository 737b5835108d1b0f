package org.nstcg.integrity.engine.registration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.cache.CacheInvalidator;
import org.nstcg.integrity.engine.referral.ReferralCodeGenerator;
import org.nstcg.integrity.engine.saga.SagaDefinition;
import org.nstcg.integrity.engine.saga.SagaRejection;
import org.nstcg.integrity.engine.store.NewRegistration;
import org.nstcg.integrity.engine.store.RegistrationStore;

/**
 * Registration as a saga:
 * <ol>
 *   <li>ReserveEmail (Redis): the known-email fast path and the cross-instance in-flight reservation; undone by
 *   releasing the reservation.</li>
 *   <li>One database transaction, one statement (decision record 0007) of three steps:
 *   <ul>
 *     <li>CreateUser: the user row with its referral code; undone by removing both.</li>
 *     <li>CreateGamificationProfile: the profile with 10 points and its ledger entry; undone by removing both.</li>
 *     <li>ProcessReferralBonus (<b>pivot</b>): the referrer's +25 points and referral count, and the
 *     "user registered" outbox event, which becomes true in this very transaction.</li>
 *   </ul>
 *   A crash leaves all three or none; their compensations run only when a later step fails (no pivot).</li>
 *   <li>UpdateCache (Redis, retried forward): invalidates what the registration made stale, remembers the mailbox
 *   and releases the reservation, in one script.</li>
 * </ol>
 */
public final class RegistrationSaga {

    public static final String TYPE = "registration";
    static final String RESERVE = "ReserveEmail";
    static final String CREATE_USER = "CreateUser";
    static final String CREATE_PROFILE = "CreateGamificationProfile";
    static final String BONUS = "ProcessReferralBonus";
    static final String CACHE = "UpdateCache";

    public static final String REJECTED_ALREADY_REGISTERED = "already_registered";
    public static final String REJECTED_IN_PROGRESS = "in_progress";

    private final SagaDefinition<RegistrationSagaData> definition;

    public RegistrationSaga(RegistrationStore store, ReferralCodeGenerator codes, EmailReservations reservations,
                            CacheInvalidator cache, ObjectMapper json) {
        this.definition = SagaDefinition.builder(TYPE, RegistrationSagaData.class)
                .remote(RESERVE, (ctx, d) -> {
                    EmailReservations.Reservation r = reservations.checkAndReserve(d.mailbox(), ctx.idempotencyKey());
                    switch (r) {
                        case KNOWN_REGISTERED -> throw new SagaRejection(REJECTED_ALREADY_REGISTERED, "the mailbox is registered");
                        case HELD_ELSEWHERE -> throw new SagaRejection(REJECTED_IN_PROGRESS, "the mailbox is being registered elsewhere");
                        default -> {
                            return json.createObjectNode().put("reserved", r == EmailReservations.Reservation.ACQUIRED);
                        }
                    }
                }, (ctx, d, result) -> reservations.release(d.mailbox(), ctx.idempotencyKey()))
                .transaction(t -> t
                        .sql(CREATE_USER, (ctx, d) -> {
                            String code = codes.next(store::nextReferralSequenceValue, d.firstName()).text();
                            NewRegistration r = new NewRegistration(d.email(), d.mailbox(), d.firstName(), Optional.ofNullable(d.lastName()),
                                    Optional.ofNullable(d.referrerId()), RegistrationService.SIGNUP_POINTS, RegistrationService.REFERRAL_BONUS);
                            return store.createUserStatement(r, code, ctx.sagaId());
                        }, e -> e.violated(RegistrationStore.EMAIL_UNIQUE_INDEX)
                                ? new SagaRejection(REJECTED_ALREADY_REGISTERED, "an active user has the mailbox")
                                : e,
                                (ctx, d, result, tx) -> store.deleteUserCreatedBy(tx, result.path("userId").asLong(), ctx.sagaId()))
                        .sql(CREATE_PROFILE, (ctx, d) -> store.createProfileStatement(RegistrationService.SIGNUP_POINTS, ctx.sagaId()), null,
                                (ctx, d, result, tx) -> store.deleteProfileCreatedBy(tx, ctx.requireResult(CREATE_USER).path("userId").asLong(),
                                        ctx.sagaId()))
                        .sql(BONUS, (ctx, d) -> store.bonusAndEventStatement(Optional.ofNullable(d.referrerId()), d.mailbox(),
                                RegistrationService.REFERRAL_BONUS, ctx.sagaId()), null, (ctx, d, result, tx) -> {
                                    if (result.has("referrerId")) {
                                        store.undoCredit(tx, result.path("referrerId").asLong(), ctx.sagaId());
                                    }
                                    store.deleteRegisteredEvent(tx, ctx.sagaId());
                                }))
                .pivot()
                .remote(CACHE, (ctx, d) -> {
                    List<String> stale = new ArrayList<>(List.of("count:users", "leaderboard:referrers"));
                    JsonNode bonus = ctx.requireResult(BONUS);
                    if (bonus.has("referrerId")) {
                        stale.add("user:" + bonus.path("referrerId").asLong());
                    }
                    // One round trip: the invalidation, the mailbox remembered as registered, the reservation released.
                    cache.afterCommit(stale, reservations.registeredRelease(d.mailbox(), ctx.sagaId() + ":" + RESERVE));
                    return null;
                }, null)
                .build();
    }

    public SagaDefinition<RegistrationSagaData> definition() {
        return definition;
    }
}
