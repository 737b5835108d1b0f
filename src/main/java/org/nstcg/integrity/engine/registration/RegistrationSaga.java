package org.nstcg.integrity.engine.registration;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.cache.CacheInvalidator;
import org.nstcg.integrity.engine.referral.ReferralCodeGenerator;
import org.nstcg.integrity.engine.saga.SagaDefinition;
import org.nstcg.integrity.engine.saga.SagaRejection;
import org.nstcg.integrity.engine.saga.StepKey;
import org.nstcg.integrity.engine.store.NewRegistration;
import org.nstcg.integrity.engine.store.RegistrationStore;
import org.nstcg.integrity.engine.store.RegistrationStore.CreatedUser;
import org.nstcg.integrity.engine.store.RegistrationStore.ReferralBonus;
import org.nstcg.integrity.engine.store.RegistrationStore.SignupPoints;

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
 * Each step's result is a record ({@link Reserved}, and those of {@link RegistrationStore} for the SQL steps, read
 * from the jsonb their statements build), handed typed to the steps after it and to its compensation.
 */
public final class RegistrationSaga {

    public static final String TYPE = "registration";
    static final StepKey<Reserved> RESERVE = StepKey.of("ReserveEmail", Reserved.class);
    static final StepKey<CreatedUser> CREATE_USER = StepKey.of("CreateUser", CreatedUser.class);
    static final StepKey<SignupPoints> CREATE_PROFILE = StepKey.of("CreateGamificationProfile", SignupPoints.class);
    static final StepKey<ReferralBonus> BONUS = StepKey.of("ProcessReferralBonus", ReferralBonus.class);
    static final StepKey<Void> CACHE = StepKey.of("UpdateCache");

    /** Why a registration saga refuses; {@link #code()} is what the saga log and the refusal counts record. */
    public enum Refusal implements SagaRejection.Reason {
        /** An active user has the mailbox (known to Redis and confirmed by PostgreSQL, or told by the unique index). */
        ALREADY_REGISTERED("already_registered"),
        /** Another registration of the mailbox holds its reservation. */
        IN_PROGRESS("in_progress");

        private final String code;

        Refusal(String code) {
            this.code = code;
        }

        @Override
        public String code() {
            return code;
        }
    }

    /** The result of ReserveEmail: whether this saga took the reservation (false: Redis was not there to take it). */
    public record Reserved(boolean reserved) {
    }

    private final SagaDefinition<RegistrationSagaData> definition;

    public RegistrationSaga(RegistrationStore store, ReferralCodeGenerator codes, EmailReservations reservations,
                            CacheInvalidator cache) {
        this.definition = SagaDefinition.builder(TYPE, RegistrationSagaData.class)
                .remote(RESERVE, (ctx, d) -> {
                    EmailReservations.Reservation r = reservations.checkAndReserve(d.mailbox(), ctx.idempotencyKey());
                    switch (r) {
                        case KNOWN_REGISTERED -> throw new SagaRejection(Refusal.ALREADY_REGISTERED, "the mailbox is registered");
                        case HELD_ELSEWHERE -> throw new SagaRejection(Refusal.IN_PROGRESS, "the mailbox is being registered elsewhere");
                        default -> {
                            return new Reserved(r == EmailReservations.Reservation.ACQUIRED);
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
                                ? new SagaRejection(Refusal.ALREADY_REGISTERED, "an active user has the mailbox")
                                : e,
                                (ctx, d, user, tx) -> store.deleteUserCreatedBy(tx, user.userId(), ctx.sagaId()))
                        .sql(CREATE_PROFILE, (ctx, d) -> store.createProfileStatement(RegistrationService.SIGNUP_POINTS, ctx.sagaId()), null,
                                (ctx, d, points, tx) -> store.deleteProfileCreatedBy(tx, ctx.result(CREATE_USER).userId(), ctx.sagaId()))
                        .sql(BONUS, (ctx, d) -> store.bonusAndEventStatement(Optional.ofNullable(d.referrerId()), d.mailbox(),
                                RegistrationService.REFERRAL_BONUS, ctx.sagaId()), null, (ctx, d, bonus, tx) -> {
                                    if (bonus.referrer().isPresent()) {
                                        store.undoCredit(tx, bonus.referrer().get(), ctx.sagaId());
                                    }
                                    store.deleteRegisteredEvent(tx, ctx.sagaId());
                                }))
                .pivot()
                .remote(CACHE, (ctx, d) -> {
                    List<String> stale = new ArrayList<>(List.of("count:users", "leaderboard:referrers"));
                    ctx.result(BONUS).referrer().ifPresent(referrer -> stale.add("user:" + referrer));
                    // One round trip: the invalidation, the mailbox remembered as registered, the reservation released.
                    cache.afterCommit(stale, reservations.registeredRelease(d.mailbox(), ctx.sagaId() + ":" + RESERVE.name()));
                    return null;
                }, null)
                .build();
    }

    public SagaDefinition<RegistrationSagaData> definition() {
        return definition;
    }
}
