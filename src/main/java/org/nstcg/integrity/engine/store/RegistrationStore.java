package org.nstcg.integrity.engine.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The SQL of registration, one method per saga step and one per compensation. Rows a saga creates carry its id,
 * and compensations remove only rows that carry it.
 *
 * <p>Design notes: uniqueness of the mailbox is decided by the partial unique index
 * {@code users_email_normalized_active_uk}, with no look-up before the write: when two instances race, or the
 * mailbox is simply taken, the INSERT of {@link #createUserStatement} fails with a unique violation of
 * {@link #EMAIL_UNIQUE_INDEX}, which the saga reads as "taken" ({@link StoreException#violated}).
 * The referral bonus is keyed by the referred mailbox ({@code referral-bonus:<email>}), so a mailbox that
 * registers again (after an archive or merge) never pays its referrer twice.
 */
public final class RegistrationStore {

    public static final String EMAIL_UNIQUE_INDEX = "users_email_normalized_active_uk";

    private final Jdbc jdbc;
    private final ReferralSequence sequence = new ReferralSequence();

    public RegistrationStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Finds the owner of a referral code, by its exact text or by its identity (body and check symbol, so a wrong
     * or missing prefix still finds it), following merges to the surviving active user.
     *
     * @param exact    the code as canonically written, or the typed text for codes that are not ours (legacy)
     * @param identity body + check symbol, when the code parsed as ours
     */
    public Optional<ReferrerRef> referrer(String exact, Optional<String> identity) {
        String sql = "SELECT r.code, u.id, u.status, u.merged_into, u.email_normalized, u.first_name FROM referral_codes r"
                + " JOIN users u ON u.id = r.user_id WHERE r.code = ?"
                + (identity.isPresent() ? " OR (right(r.code, 9) = ? AND r.code ~ '^([A-Z]{4}-)?[0-9A-HJKMNP-TV-Z]{9}$')" : "")
                + " LIMIT 1";
        Object[] args = identity.isPresent() ? new Object[] {exact, identity.get()} : new Object[] {exact};
        return jdbc.read("look the referral code up", tx -> tx.first(sql,
                        r -> new UserRow(r.getLong(2), r.getString(3), r.getLongOrNull(4), r.getString(5), r.getString(6), r.getString(1)), args)
                .flatMap(found -> followMerges(tx, found)));
    }

    /**
     * What PostgreSQL says of a mailbox that a Redis hint would refuse.
     *
     * @param registered  an active user has it
     * @param registering a saga of {@code sagaType} for it is running or compensating
     */
    public record MailboxState(boolean registered, boolean registering) {
    }

    /**
     * Confirms (or contradicts) a Redis hint about a mailbox, one indexed look-up each in {@code users} and
     * {@code sagas}: the registration path asks before it refuses a sign-up on Redis's word.
     */
    public MailboxState mailboxState(String mailbox, String sagaType) {
        String sql = "SELECT EXISTS (SELECT 1 FROM users WHERE email_normalized = ? AND status = 'active'),"
                + " EXISTS (SELECT 1 FROM sagas WHERE business_key = ? AND saga_type = ? AND status IN ('RUNNING', 'COMPENSATING'))";
        return jdbc.read("confirm a registration hint", tx -> tx.single(sql, r -> new MailboxState(r.getBoolean(1), r.getBoolean(2)),
                mailbox, mailbox, sagaType));
    }

    /** A user row as the referrer look-up reads it; {@code code} is the referral code that found it. */
    private record UserRow(long id, String status, Long mergedInto, String email, String firstName, String code) {
    }

    private static Optional<ReferrerRef> followMerges(Tx tx, UserRow found) {
        UserRow current = found;
        boolean viaMerge = false;
        for (int hops = 0; hops < 16; hops++) {
            if ("active".equals(current.status())) {
                return Optional.of(new ReferrerRef(current.id(), current.email(), current.firstName(), found.code(), viaMerge));
            }
            if (!"merged".equals(current.status()) || current.mergedInto() == null) {
                return Optional.empty(); // archived: the code no longer earns bonuses
            }
            viaMerge = true;
            Optional<UserRow> next = tx.first("SELECT id, status, merged_into, email_normalized, first_name FROM users WHERE id = ?",
                    r -> new UserRow(r.getLong(1), r.getString(2), r.getLongOrNull(3), r.getString(4), r.getString(5), null),
                    current.mergedInto());
            if (next.isEmpty()) {
                return Optional.empty();
            }
            current = next.get();
        }
        return Optional.empty();
    }

    /**
     * Compensation of CreateUser: removes the user and its referral code, only if this saga created them. The code
     * goes through {@code compensate_referral_codes} (V20), which the runtime role may call only for a saga being
     * compensated: it may not delete codes itself.
     */
    public void deleteUserCreatedBy(Tx tx, long userId, UUID sagaId) {
        tx.singleLong("SELECT compensate_referral_codes(?, ?::uuid)", userId, sagaId.toString());
        tx.update("DELETE FROM users WHERE id = ? AND created_by_saga = ?::uuid", userId, sagaId.toString());
    }

    /**
     * Compensation of CreateGamificationProfile: removes the saga's ledger entries of the user
     * ({@code compensate_ledger_entries}, V20: the runtime role may not delete ledger entries itself), then the profile.
     */
    public void deleteProfileCreatedBy(Tx tx, long userId, UUID sagaId) {
        tx.singleLong("SELECT compensate_ledger_entries(?, ?::uuid)", userId, sagaId.toString());
        tx.update("DELETE FROM gamification_profiles WHERE user_id = ? AND created_by_saga = ?::uuid", userId, sagaId.toString());
    }

    /** What crediting a referrer did. */
    public enum Bonus { PAID, ALREADY_PAID_FOR_THIS_MAILBOX, REFERRER_NOT_ACTIVE }

    /** The result of {@link #createUserStatement}, as its jsonb reads: the new user and its referral code. */
    public record CreatedUser(long userId, String referralCode) {
    }

    /** The result of {@link #createProfileStatement}, as its jsonb reads: the points the signup brought. */
    public record SignupPoints(int points) {
    }

    /**
     * The result of {@link #bonusAndEventStatement}, as its jsonb reads: without a referrer both are null ({@code {}});
     * with one, {@code bonus} says what crediting it did and {@code referrerId} is set unless it is not active.
     */
    public record ReferralBonus(Bonus bonus, Long referrerId) {

        /** The referrer that was credited or recorded, if any. */
        public Optional<Long> referrer() {
            return Optional.ofNullable(referrerId);
        }
    }

    /**
     * Compensation of the bonus: removes this saga's bonus entry (if any; the database takes its points back from the
     * referrer) and the counted referral.
     */
    public void undoCredit(Tx tx, long referrerId, UUID sagaId) {
        tx.singleLong("SELECT compensate_ledger_entries(?, ?::uuid, 'referral_bonus')", referrerId, sagaId.toString());
        ProfileCredits.fold(tx, referrerId); // the referral counted may sit in a stripe (V17)
        tx.update("UPDATE gamification_profiles SET referral_count = referral_count - 1 WHERE user_id = ?", referrerId);
    }

    /** Compensation of the outbox event (only while unpublished events can still be withdrawn). */
    /**
     * Writes a "registration repeated" outbox event for the active user of {@code emailNormalized}, for the platform's
     * mailer to tell its owner that someone tried to sign the address up again; returns whether there was such a user.
     */
    public boolean recordRepeatedRegistration(String emailNormalized) {
        return jdbc.inTransaction("record a repeated registration", tx -> tx.update(
                "INSERT INTO outbox_events (aggregate_type, aggregate_id, event_type, payload)"
                        + " SELECT 'user', id::text, 'user.registration_repeated', jsonb_build_object('userId', id, 'attemptedAt', now())"
                        + " FROM users WHERE email_normalized = ? AND status = 'active'", emailNormalized) > 0);
    }

    public void deleteRegisteredEvent(Tx tx, UUID sagaId) {
        tx.update("DELETE FROM outbox_events WHERE saga_id = ?::uuid AND published_at IS NULL", sagaId.toString());
    }

    /** A fresh referral code sequence value (block-fetched), drawn on {@code tx} when a new block is needed. */
    public long nextReferralSequenceValue(Tx tx) {
        return sequence.next(tx);
    }

    /** A fresh referral code sequence value, on a connection of its own when a new block is needed. */
    public long nextReferralSequenceValue() {
        return sequence.next(jdbc);
    }

    /**
     * Step CreateUser as one statement; result {@code {userId, referralCode}} ({@link CreatedUser}). A taken mailbox fails it with a
     * unique violation of {@link #EMAIL_UNIQUE_INDEX}. The new user is the CTE {@code u} (id, referral_code), which
     * the next two steps of the registration transaction read.
     */
    public StepStatement createUserStatement(NewRegistration r, String code, UUID sagaId) {
        return new StepStatement(
                "u AS (INSERT INTO users (email, email_normalized, referral_code, first_name, last_name, referred_by, created_by_saga)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?::uuid) RETURNING id, referral_code)",
                "SELECT jsonb_build_object('userId', id, 'referralCode', referral_code) FROM u",
                params(r.email(), r.emailNormalized(), code, r.firstName(),
                        r.lastName().isPresent() ? r.lastName().get() : Tx.nullOf(Tx.SqlType.TEXT),
                        r.referrerId().isPresent() ? r.referrerId().get() : Tx.nullOf(Tx.SqlType.BIGINT), sagaId.toString()));
    }

    /**
     * Step CreateGamificationProfile: the profile of the user of CTE {@code u} ({@link #createUserStatement}, in the
     * same statement) and its signup ledger entry; result {@code {points}} ({@link SignupPoints}). The profile starts at 0 points: the ledger entry brings them (V14).
     */
    public StepStatement createProfileStatement(int signupPoints, UUID sagaId) {
        return new StepStatement(
                "p AS (INSERT INTO gamification_profiles (user_id, points, referral_count, created_by_saga) SELECT id, 0, 0, ?::uuid FROM u),"
                        + " l AS (INSERT INTO points_ledger (user_id, delta, reason, idempotency_key, saga_id)"
                        + " SELECT id, ?, 'signup', 'signup:' || id, ?::uuid FROM u)",
                "SELECT jsonb_build_object('points', ?::int)",
                params(sagaId.toString(), signupPoints, sagaId.toString(), signupPoints));
    }

    private static final String EVENT = "o AS (INSERT INTO outbox_events (aggregate_type, aggregate_id, event_type, payload, dedup_key, saga_id)"
            + " SELECT 'user', id::text, 'user.registered', jsonb_build_object('userId', id, 'referralCode', referral_code,"
            + " 'referredBy', %s), 'user.registered:' || id, ?::uuid FROM u)";
    /** The "user registered" outbox event CTE, made once (formatting it per registration showed in profiles). */
    private static final String EVENT_WITHOUT_REFERRER = String.format(EVENT, "NULL::bigint");
    private static final String EVENT_WITH_REFERRER = String.format(EVENT, "(SELECT id FROM ref)");

    /**
     * Step ProcessReferralBonus, for the user of CTE {@code u} ({@link #createUserStatement}, in the same statement):
     * with a referrer, locks its row (it cannot be merged or archived meanwhile), pays the bonus once per referred
     * mailbox ever (a ledger entry, which the database adds to the referrer's points), counts the referral; in any case writes the "user registered" outbox event. Result
     * {@code {bonus: PAID|ALREADY_PAID_FOR_THIS_MAILBOX|REFERRER_NOT_ACTIVE, referrerId}}, or {@code {}} without a
     * referrer ({@link ReferralBonus}).
     */
    public StepStatement bonusAndEventStatement(Optional<Long> referrerId, String referredMailbox, int bonus, UUID sagaId) {
        if (referrerId.isEmpty()) {
            return new StepStatement(EVENT_WITHOUT_REFERRER, "SELECT '{}'::jsonb", params(sagaId.toString()));
        }
        return new StepStatement(
                "ref AS (SELECT id FROM users WHERE id = ? AND status = 'active' FOR SHARE),"
                        + " b AS (INSERT INTO points_ledger (user_id, delta, reason, idempotency_key, saga_id)"
                        + " SELECT id, ?, 'referral_bonus', ?, ?::uuid FROM ref ON CONFLICT (idempotency_key) DO NOTHING RETURNING delta),"
                        // The referral counted on the referrer's row if it is free, else on this session's stripe (V17):
                        // a code shared widely does not queue every sign-up on one row.
                        + " gpfree AS (SELECT user_id FROM gamification_profiles WHERE user_id IN (SELECT id FROM ref)"
                        + " FOR NO KEY UPDATE SKIP LOCKED),"
                        + " gp AS (UPDATE gamification_profiles SET referral_count = referral_count + 1 WHERE user_id IN (SELECT user_id FROM gpfree)"
                        + " RETURNING user_id),"
                        + " gps AS (INSERT INTO profile_credit_stripes AS s (user_id, stripe, referral_count) SELECT id, credit_stripe(), 1 FROM ref"
                        + " WHERE id NOT IN (SELECT user_id FROM gpfree) AND EXISTS (SELECT 1 FROM gamification_profiles g WHERE g.user_id = ref.id)"
                        + " ON CONFLICT (user_id, stripe) DO UPDATE SET referral_count = s.referral_count + 1 RETURNING s.user_id), "
                        + EVENT_WITH_REFERRER,
                "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM ref) THEN jsonb_build_object('bonus', 'REFERRER_NOT_ACTIVE')"
                        + " ELSE jsonb_build_object('bonus', CASE WHEN EXISTS (SELECT 1 FROM b) THEN 'PAID'"
                        + " ELSE 'ALREADY_PAID_FOR_THIS_MAILBOX' END, 'referrerId', (SELECT id FROM ref)) END",
                params(referrerId.get(), bonus, "referral-bonus:" + referredMailbox, sagaId.toString(),
                        sagaId.toString() /* the outbox event's */));
    }

    /** A step statement's parameters, in order. */
    private static List<Object> params(Object... values) {
        return java.util.Arrays.asList(values);
    }
}
