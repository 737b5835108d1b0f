package org.nstcg.integrity.engine.registration;

import java.util.Locale;
import java.util.Optional;
import org.nstcg.integrity.engine.cache.CacheInvalidator;
import org.nstcg.integrity.engine.cache.RedisConnection;
import org.nstcg.integrity.engine.email.EmailCheck;
import org.nstcg.integrity.engine.email.EmailNormalizer;
import org.nstcg.integrity.engine.referral.ParsedCode;
import org.nstcg.integrity.engine.referral.ReferralCodeGenerator;
import org.nstcg.integrity.engine.referral.ReferralCodeParser;
import org.nstcg.integrity.engine.registration.RegistrationOutcome.Referral;
import org.nstcg.integrity.engine.registration.RegistrationSaga.Refusal;
import org.nstcg.integrity.engine.saga.SagaOrchestrator;
import org.nstcg.integrity.engine.saga.SagaOutcome;
import org.nstcg.integrity.engine.store.ReferrerRef;
import org.nstcg.integrity.engine.store.RegistrationStore;
import org.nstcg.integrity.engine.store.RegistrationStore.CreatedUser;
import org.nstcg.integrity.engine.store.RegistrationStore.ReferralBonus;
import org.nstcg.integrity.engine.store.StoreException;
import org.nstcg.integrity.engine.support.EngineException;

/**
 * Registers a user: validate and normalise (nothing written on bad input), look the referral code up, then run
 * the {@link RegistrationSaga}: every effect becomes visible, or none stays, whatever crashes on the way.
 *
 * <p>Design notes: correctness rests on PostgreSQL alone (the partial unique index on the normalised email among
 * active users). Redis only spares the database work: a mailbox known to be registered is answered without a
 * write, and a concurrent duplicate is answered {@code InProgress} while the first is written; both refusals
 * happen in the saga's first step, before anything is done, so they leave no saga in the log. Redis is untrusted
 * input: either refusal is confirmed by a PostgreSQL look-up first ({@link EmailReservations}). With Redis down
 * every request goes to PostgreSQL and the outcome is the same.
 */
public final class RegistrationService {

    public static final int SIGNUP_POINTS = 10;
    public static final int REFERRAL_BONUS = 25;

    private final RegistrationStore store;
    private final EmailNormalizer emails;
    private final ReferralCodeParser codeParser = new ReferralCodeParser();
    private final SagaOrchestrator sagas;
    private final RegistrationSaga saga;
    private final String databaseEndpoint;
    private final RefusalCounter refusals;
    private final EmailReservations reservations;

    public RegistrationService(RegistrationStore store, EmailNormalizer emails, ReferralCodeGenerator codes,
                               RedisConnection redis, KnownMailboxes known, CacheInvalidator cache, SagaOrchestrator sagas,
                               RefusalCounter refusals, String databaseEndpoint) {
        this.refusals = refusals;
        this.store = store;
        this.emails = emails;
        this.sagas = sagas;
        this.reservations = new EmailReservations(redis, known, store);
        this.saga = new RegistrationSaga(store, codes, reservations, cache);
        this.databaseEndpoint = databaseEndpoint;
    }

    /** The counts of sign-ups refused as duplicates, by every path. */
    /**
     * For a sign-up form that does not reveal whether an address is registered ({@code api.reveal-registered=false}):
     * puts a {@code user.registration_repeated} event in the outbox, so the platform's mailer can tell the address's
     * owner instead of the form telling whoever typed it.
     *
     * @throws EngineException when PostgreSQL cannot be used (nothing was written)
     */
    public void recordRepeat(RegistrationOutcome.AlreadyRegistered repeated) {
        try {
            store.recordRepeatedRegistration(repeated.emailNormalized());
        } catch (StoreException e) {
            throw new EngineException("PostgreSQL at " + databaseEndpoint + " could not record the repeated registration ("
                    + e.reason() + "); try again when the database is back.", e);
        }
    }

    public RefusalCounter refusals() {
        return refusals;
    }

    /**
     * Redis hints (known-email and reservation keys) deleted since this instance started because PostgreSQL
     * contradicted them or no engine could have written them: Redis written by someone else, or racing sign-ups.
     */
    public long hintsOverruled() {
        return reservations.overruled();
    }

    /** The registration saga's definition, for recovery's registry. */
    public RegistrationSaga saga() {
        return saga;
    }

    /**
     * Registers one person. Returns an outcome for every input; throws {@link EngineException} only when
     * PostgreSQL cannot be used, in which case nothing was written.
     */
    public RegistrationOutcome register(RegistrationRequest request) {
        EmailCheck email = emails.check(request.email());
        if (email instanceof EmailCheck.Invalid invalid) {
            return new RegistrationOutcome.Invalid("email", invalid.reason());
        }
        String typedEmail = ((EmailCheck.Valid) email).address().asTyped();
        String mailbox = ((EmailCheck.Valid) email).address().normalized();
        NameRules.Result first = NameRules.check(request.firstName(), true);
        if (first.problem() != null) {
            return new RegistrationOutcome.Invalid("firstName", first.problem());
        }
        NameRules.Result last = NameRules.check(request.lastName(), false);
        if (last.problem() != null) {
            return new RegistrationOutcome.Invalid("lastName", last.problem());
        }
        Optional<CodeQuery> code = Optional.empty();
        if (request.referralCode() != null && !request.referralCode().isBlank()) {
            Optional<String> tooLong = ReferralCodeParser.tooLong(request.referralCode());
            if (tooLong.isPresent()) {
                return new RegistrationOutcome.Invalid("referralCode", tooLong.get());
            }
            ParsedCode parsed = codeParser.parse(request.referralCode());
            if (parsed instanceof ParsedCode.Mistyped) {
                return new RegistrationOutcome.Invalid("referralCode",
                        "looks mistyped: its last character does not match the others. Check it, or leave it empty");
            }
            code = Optional.of(CodeQuery.of(parsed, request.referralCode()));
        }

        return registerValidated(typedEmail, mailbox, first.value(), last.name(), code);
    }

    private RegistrationOutcome registerValidated(String typedEmail, String mailbox, String firstName, Optional<String> lastName,
                                                  Optional<CodeQuery> code) {
        Optional<ReferrerRef> referrer = Optional.empty();
        if (code.isPresent()) {
            try {
                referrer = store.referrer(code.get().exact(), code.get().identity());
            } catch (StoreException e) {
                throw new EngineException("PostgreSQL at " + databaseEndpoint + " could not complete the registration ("
                        + e.reason() + "). Nothing was registered; try again when the database is back.", e);
            }
            if (referrer.isPresent() && referrer.get().emailNormalized().equals(mailbox)) {
                return new RegistrationOutcome.Invalid("referralCode", "belongs to this same email address: nobody can refer themselves");
            }
        }
        RegistrationSagaData data = new RegistrationSagaData(typedEmail, mailbox, firstName, lastName.orElse(null),
                referrer.map(ReferrerRef::userId).orElse(null), code.isPresent(), code.map(CodeQuery::shown).orElse(null));
        SagaOutcome outcome = sagas.run(saga.definition(), mailbox, data);
        return outcome.match(
                done -> registered(data, done),
                undone -> undone.rejection(Refusal.class).map(refusal -> refused(refusal, mailbox)).orElseThrow(() ->
                        new EngineException("The registration could not be completed (" + undone.message() + ") and was rolled back:"
                                + " nothing was registered. Saga " + undone.sagaId() + " shows the details.")),
                stuck -> {
                    throw new EngineException("The registration could neither be completed nor fully undone (" + stuck.message()
                            + "); an operator has been alerted. Saga " + stuck.sagaId() + " shows the details.");
                },
                takenOver -> refused(Refusal.IN_PROGRESS, mailbox));
    }

    /**
     * A refused sign-up, counted whichever path refused: the Redis fast path (no saga written), the unique index (a
     * saga undone), or another instance taking the saga over.
     */
    private RegistrationOutcome refused(Refusal refusal, String mailbox) {
        refusals.record(refusal);
        return switch (refusal) {
            case ALREADY_REGISTERED -> new RegistrationOutcome.AlreadyRegistered(mailbox);
            case IN_PROGRESS -> new RegistrationOutcome.InProgress(mailbox);
        };
    }

    private static RegistrationOutcome registered(RegistrationSagaData data, SagaOutcome.Completed done) {
        CreatedUser user = done.results().get(RegistrationSaga.CREATE_USER);
        Optional<ReferralBonus> bonus = done.results().find(RegistrationSaga.BONUS);
        Optional<RegistrationStore.Bonus> state = bonus.map(ReferralBonus::bonus);
        Referral referral = !data.referralGiven() ? Referral.NONE
                : data.referrerId() == null || state.isEmpty() ? Referral.UNKNOWN_CODE
                : switch (state.get()) {
                    case REFERRER_NOT_ACTIVE -> Referral.UNKNOWN_CODE;
                    case PAID -> Referral.CREDITED;
                    case ALREADY_PAID_FOR_THIS_MAILBOX -> Referral.ALREADY_CREDITED;
                };
        Optional<String> notice = switch (referral) {
            case UNKNOWN_CODE -> Optional.of("The referral code " + data.referralShown()
                    + " belongs to no active user, so no referral bonus was given.");
            case ALREADY_CREDITED -> Optional.of("This email address has already earned a referral bonus once; it is not paid again.");
            case NONE, CREDITED -> Optional.empty();
        };
        Optional<Long> referrerId = bonus.flatMap(ReferralBonus::referrer);
        return new RegistrationOutcome.Registered(user.userId(), user.referralCode(), referral, referrerId, notice);
    }

    /** How to look a typed code up: by canonical text and identity when it is one of ours, else as typed (legacy). */
    private record CodeQuery(String exact, Optional<String> identity, String shown) {
        static CodeQuery of(ParsedCode parsed, String typed) {
            if (parsed instanceof ParsedCode.Valid v) {
                return new CodeQuery(v.code().text(), Optional.of(v.code().identity()), v.code().text());
            }
            String upper = typed.strip().toUpperCase(Locale.ROOT);
            return new CodeQuery(upper, Optional.empty(), upper);
        }
    }
}
