package org.nstcg.integrity.engine.registration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
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
 *   <li>CreateUser (local): the user row with its referral code; undone by removing both.</li>
 *   <li>CreateGamificationProfile (local): the profile with 10 points and its ledger entry; undone by removing both.</li>
 *   <li>ProcessReferralBonus (local, <b>pivot</b>): the referrer's +25 points and referral count, and the
 *   "user registered" outbox event, which becomes true in this very transaction.</li>
 *   <li>UpdateCache (Redis, retried forward): invalidates what the registration made stale, remembers the mailbox
 *   and releases the reservation.</li>
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
                }, (ctx, d, result) -> reservations.finish(d.mailbox(), ctx.idempotencyKey(), false))
                .local(CREATE_USER, (ctx, d, c) -> {
                    String code = codes.next(() -> store.nextReferralSequenceValue(c), d.firstName()).text();
                    NewRegistration r = new NewRegistration(d.email(), d.mailbox(), d.firstName(), Optional.ofNullable(d.lastName()),
                            Optional.ofNullable(d.referrerId()), RegistrationService.SIGNUP_POINTS, RegistrationService.REFERRAL_BONUS);
                    OptionalLong id = store.insertUser(c, r, code, ctx.sagaId());
                    if (id.isEmpty()) {
                        throw new SagaRejection(REJECTED_ALREADY_REGISTERED, "an active user has the mailbox " + d.mailbox());
                    }
                    return json.createObjectNode().put("userId", id.getAsLong()).put("referralCode", code);
                }, (ctx, d, result, c) -> store.deleteUserCreatedBy(c, result.path("userId").asLong(), ctx.sagaId()))
                .local(CREATE_PROFILE, (ctx, d, c) -> {
                    long userId = ctx.requireResult(CREATE_USER).path("userId").asLong();
                    store.insertProfile(c, userId, RegistrationService.SIGNUP_POINTS, ctx.sagaId());
                    return json.createObjectNode().put("points", RegistrationService.SIGNUP_POINTS);
                }, (ctx, d, result, c) -> store.deleteProfileCreatedBy(c, ctx.requireResult(CREATE_USER).path("userId").asLong(), ctx.sagaId()))
                .local(BONUS, (ctx, d, c) -> {
                    JsonNode user = ctx.requireResult(CREATE_USER);
                    ObjectNode result = json.createObjectNode();
                    Optional<Long> credited = Optional.empty();
                    if (d.referrerId() != null) {
                        RegistrationStore.Bonus bonus = store.creditReferrer(c, d.referrerId(), d.mailbox(),
                                RegistrationService.REFERRAL_BONUS, ctx.sagaId());
                        result.put("bonus", bonus.name());
                        if (bonus != RegistrationStore.Bonus.REFERRER_NOT_ACTIVE) {
                            credited = Optional.of(d.referrerId());
                            result.put("referrerId", d.referrerId());
                        }
                    }
                    store.insertRegisteredEvent(c, user.path("userId").asLong(), user.path("referralCode").asText(), credited, ctx.sagaId());
                    return result;
                }, (ctx, d, result, c) -> {
                    if (result.has("referrerId")) {
                        store.undoCredit(c, result.path("referrerId").asLong(), ctx.sagaId());
                    }
                    store.deleteRegisteredEvent(c, ctx.sagaId());
                })
                .pivot()
                .remote(CACHE, (ctx, d) -> {
                    List<String> stale = new ArrayList<>(List.of("count:users", "leaderboard:referrers"));
                    JsonNode bonus = ctx.requireResult(BONUS);
                    if (bonus.has("referrerId")) {
                        stale.add("user:" + bonus.path("referrerId").asLong());
                    }
                    cache.afterCommit(stale);
                    reservations.finish(d.mailbox(), ctx.sagaId() + ":" + RESERVE, true);
                    return null;
                }, null)
                .build();
    }

    public SagaDefinition<RegistrationSagaData> definition() {
        return definition;
    }
}
