package org.nstcg.integrity.engine.registration;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
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
import org.nstcg.integrity.engine.store.ConnectionFailures;
import org.nstcg.integrity.engine.store.NewRegistration;
import org.nstcg.integrity.engine.store.ReferrerRef;
import org.nstcg.integrity.engine.store.RegistrationStore;
import org.nstcg.integrity.engine.store.RegistrationWrite;
import org.nstcg.integrity.engine.support.EngineException;

/**
 * Registers a user: validate → normalise → (Redis, one round trip) known-email fast path and in-flight
 * reservation → one PostgreSQL transaction (user, profile, ledger, referrer bonus, outbox event) → cache
 * invalidation after commit → (Redis, one round trip) remember the mailbox and release the reservation.
 *
 * <p>Design notes: correctness rests on PostgreSQL alone (the partial unique index on the normalised email among
 * active users). Redis only spares the database work: a mailbox known to be registered is answered without a
 * query, and a concurrent duplicate is answered {@code InProgress} while the first is written. With Redis down
 * every request goes to PostgreSQL and the outcome is the same. Bad input is refused before anything is written.
 */
public final class RegistrationService {

    public static final int SIGNUP_POINTS = 10;
    public static final int REFERRAL_BONUS = 25;

    private final RegistrationStore store;
    private final EmailNormalizer emails;
    private final ReferralCodeGenerator codes;
    private final ReferralCodeParser codeParser = new ReferralCodeParser();
    private final EmailReservations reservations;
    private final CacheInvalidator cache;
    private final String databaseEndpoint;

    public RegistrationService(RegistrationStore store, EmailNormalizer emails, ReferralCodeGenerator codes,
                               RedisConnection redis, CacheInvalidator cache, String databaseEndpoint) {
        this.store = store;
        this.emails = emails;
        this.codes = codes;
        this.reservations = new EmailReservations(redis);
        this.cache = cache;
        this.databaseEndpoint = databaseEndpoint;
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
            ParsedCode parsed = codeParser.parse(request.referralCode());
            if (parsed instanceof ParsedCode.Mistyped) {
                return new RegistrationOutcome.Invalid("referralCode",
                        "looks mistyped: its last character does not match the others. Check it, or leave it empty");
            }
            code = Optional.of(CodeQuery.of(parsed, request.referralCode()));
        }

        String token = EmailReservations.newToken();
        EmailReservations.Reservation reservation = reservations.checkAndReserve(mailbox, token);
        if (reservation == EmailReservations.Reservation.KNOWN_REGISTERED) {
            return new RegistrationOutcome.AlreadyRegistered(mailbox);
        }
        if (reservation == EmailReservations.Reservation.HELD_ELSEWHERE) {
            return new RegistrationOutcome.InProgress(mailbox);
        }
        RegistrationOutcome outcome = null;
        try {
            outcome = write(typedEmail, mailbox, first.value(), last.name(), code);
            return outcome;
        } catch (SQLException e) {
            throw new EngineException("PostgreSQL at " + databaseEndpoint + " could not complete the registration ("
                    + ConnectionFailures.reason(e) + "). Nothing was registered; try again when the database is back.", e);
        } finally {
            boolean registered = outcome instanceof RegistrationOutcome.Registered || outcome instanceof RegistrationOutcome.AlreadyRegistered;
            if (reservation == EmailReservations.Reservation.ACQUIRED) {
                reservations.finish(mailbox, token, registered);
            }
        }
    }

    private RegistrationOutcome write(String typedEmail, String mailbox, String firstName, Optional<String> lastName,
                                      Optional<CodeQuery> code) throws SQLException {
        Optional<ReferrerRef> referrer = Optional.empty();
        if (code.isPresent()) {
            referrer = store.findReferrer(code.get().exact(), code.get().identity());
            if (referrer.isPresent() && referrer.get().emailNormalized().equals(mailbox)) {
                return new RegistrationOutcome.Invalid("referralCode", "belongs to this same email address: nobody can refer themselves");
            }
        }
        RegistrationWrite result = writeOnce(typedEmail, mailbox, firstName, lastName, referrer);
        if (result instanceof RegistrationWrite.ReferrerGone) {
            referrer = Optional.empty(); // merged or archived meanwhile: register without the bonus
            result = writeOnce(typedEmail, mailbox, firstName, lastName, referrer);
        }
        if (result instanceof RegistrationWrite.Written w) {
            List<String> stale = new ArrayList<>(List.of("count:users", "leaderboard:referrers"));
            referrer.ifPresent(r -> stale.add("user:" + r.userId()));
            cache.afterCommit(stale);
            Referral referral = code.isEmpty() ? Referral.NONE
                    : referrer.isEmpty() ? Referral.UNKNOWN_CODE
                    : w.bonusPaid() ? Referral.CREDITED : Referral.ALREADY_CREDITED;
            Optional<String> notice = switch (referral) {
                case UNKNOWN_CODE -> Optional.of("The referral code " + code.get().shown()
                        + " belongs to no active user, so no referral bonus was given.");
                case ALREADY_CREDITED -> Optional.of("This email address has already earned a referral bonus once; it is not paid again.");
                default -> Optional.empty();
            };
            return new RegistrationOutcome.Registered(w.userId(), w.referralCode(), referral,
                    referrer.map(ReferrerRef::userId), notice);
        }
        return new RegistrationOutcome.AlreadyRegistered(mailbox);
    }

    private RegistrationWrite writeOnce(String typedEmail, String mailbox, String firstName, Optional<String> lastName,
                                        Optional<ReferrerRef> referrer) throws SQLException {
        NewRegistration registration = new NewRegistration(typedEmail, mailbox, firstName, lastName,
                referrer.map(ReferrerRef::userId), SIGNUP_POINTS, REFERRAL_BONUS);
        return store.write(registration, sequence -> codes.next(sequence, firstName).text());
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
