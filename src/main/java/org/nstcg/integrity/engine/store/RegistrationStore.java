package org.nstcg.integrity.engine.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.util.PSQLException;

/**
 * The SQL of registration, one method per saga step and one per compensation. Rows a saga creates carry its id,
 * and compensations remove only rows that carry it.
 *
 * <p>Design notes: uniqueness of the mailbox is decided by the partial unique index
 * {@code users_email_normalized_active_uk}, with no look-up before the write: when two instances race, or the
 * mailbox is simply taken, the INSERT fails and {@link #insertUser} answers "taken" at the store boundary.
 * The referral bonus is keyed by the referred mailbox ({@code referral-bonus:<email>}), so a mailbox that
 * registers again (after an archive or merge) never pays its referrer twice.
 */
public final class RegistrationStore {

    public static final String EMAIL_UNIQUE_INDEX = "users_email_normalized_active_uk";

    private final DataSource dataSource;
    private final ReferralSequence sequence = new ReferralSequence();

    public RegistrationStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Finds the owner of a referral code, by its exact text or by its identity (body and check symbol, so a wrong
     * or missing prefix still finds it), following merges to the surviving active user.
     *
     * @param exact    the code as canonically written, or the typed text for codes that are not ours (legacy)
     * @param identity body + check symbol, when the code parsed as ours
     */
    public Optional<ReferrerRef> findReferrer(String exact, Optional<String> identity) throws SQLException {
        String sql = "SELECT r.code, u.id, u.status, u.merged_into, u.email_normalized, u.first_name FROM referral_codes r"
                + " JOIN users u ON u.id = r.user_id WHERE r.code = ?"
                + (identity.isPresent() ? " OR (right(r.code, 9) = ? AND r.code ~ '^([A-Z]{4}-)?[0-9A-HJKMNP-TV-Z]{9}$')" : "")
                + " LIMIT 1";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, exact);
            if (identity.isPresent()) {
                ps.setString(2, identity.get());
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String code = rs.getString(1);
                return followMerges(c, rs.getLong(2), rs.getString(3), (Long) rs.getObject(4), rs.getString(5), rs.getString(6), code);
            }
        }
    }

    private static Optional<ReferrerRef> followMerges(Connection c, long id, String status, Long mergedInto, String email,
                                                      String firstName, String code) throws SQLException {
        boolean viaMerge = false;
        for (int hops = 0; hops < 16; hops++) {
            if ("active".equals(status)) {
                return Optional.of(new ReferrerRef(id, email, firstName, code, viaMerge));
            }
            if (!"merged".equals(status) || mergedInto == null) {
                return Optional.empty(); // archived: the code no longer earns bonuses
            }
            viaMerge = true;
            try (PreparedStatement ps = c.prepareStatement("SELECT id, status, merged_into, email_normalized, first_name FROM users WHERE id = ?")) {
                ps.setLong(1, mergedInto);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    id = rs.getLong(1);
                    status = rs.getString(2);
                    mergedInto = (Long) rs.getObject(3);
                    email = rs.getString(4);
                    firstName = rs.getString(5);
                }
            }
        }
        return Optional.empty();
    }

    /** Compensation of CreateUser: removes the user and its referral code, only if this saga created them. */
    public void deleteUserCreatedBy(Connection c, long userId, UUID sagaId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM referral_codes r USING users u WHERE r.user_id = u.id"
                + " AND u.id = ? AND u.created_by_saga = ?::uuid")) {
            ps.setLong(1, userId);
            ps.setString(2, sagaId.toString());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM users WHERE id = ? AND created_by_saga = ?::uuid")) {
            ps.setLong(1, userId);
            ps.setString(2, sagaId.toString());
            ps.executeUpdate();
        }
    }

    /** Compensation of CreateGamificationProfile: removes the saga's ledger entries of the user, then the profile. */
    public void deleteProfileCreatedBy(Connection c, long userId, UUID sagaId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM points_ledger WHERE user_id = ? AND saga_id = ?::uuid")) {
            ps.setLong(1, userId);
            ps.setString(2, sagaId.toString());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM gamification_profiles WHERE user_id = ? AND created_by_saga = ?::uuid")) {
            ps.setLong(1, userId);
            ps.setString(2, sagaId.toString());
            ps.executeUpdate();
        }
    }

    /** What crediting a referrer did. */
    public enum Bonus { PAID, ALREADY_PAID_FOR_THIS_MAILBOX, REFERRER_NOT_ACTIVE }

    /**
     * Compensation of the bonus: removes this saga's bonus entry (if any; the database takes its points back from the
     * referrer) and the counted referral.
     */
    public void undoCredit(Connection c, long referrerId, UUID sagaId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM points_ledger WHERE user_id = ? AND saga_id = ?::uuid"
                + " AND reason = 'referral_bonus'")) {
            ps.setLong(1, referrerId);
            ps.setString(2, sagaId.toString());
            ps.executeUpdate();
        }
        ProfileCredits.fold(c, referrerId); // the referral counted may sit in a stripe (V17)
        try (PreparedStatement ps = c.prepareStatement("UPDATE gamification_profiles SET referral_count = referral_count - 1 WHERE user_id = ?")) {
            ps.setLong(1, referrerId);
            ps.executeUpdate();
        }
    }

    /** Compensation of the outbox event (only while unpublished events can still be withdrawn). */
    public void deleteRegisteredEvent(Connection c, UUID sagaId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM outbox_events WHERE saga_id = ?::uuid AND published_at IS NULL")) {
            ps.setString(1, sagaId.toString());
            ps.executeUpdate();
        }
    }

    /** A fresh referral code sequence value (block-fetched). */
    public long nextReferralSequenceValue(Connection c) {
        return sequence.next(c);
    }

    /** A fresh referral code sequence value, on a connection of its own when a new block is needed. */
    public long nextReferralSequenceValue() {
        return sequence.next(dataSource);
    }

    /**
     * Step CreateUser as one statement; result {@code {userId, referralCode}}. A taken mailbox fails it with a
     * unique violation of {@link #EMAIL_UNIQUE_INDEX}. The new user is the CTE {@code u} (id, referral_code), which
     * the next two steps of the registration transaction read.
     */
    public StepStatement createUserStatement(NewRegistration r, String code, UUID sagaId) {
        return new StepStatement(
                "u AS (INSERT INTO users (email, email_normalized, referral_code, first_name, last_name, referred_by, created_by_saga)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?::uuid) RETURNING id, referral_code)",
                "SELECT jsonb_build_object('userId', id, 'referralCode', referral_code) FROM u",
                (ps, i) -> {
                    ps.setString(i++, r.email());
                    ps.setString(i++, r.emailNormalized());
                    ps.setString(i++, code);
                    ps.setString(i++, r.firstName());
                    ps.setString(i++, r.lastName().orElse(null));
                    setOptionalLong(ps, i++, r.referrerId());
                    ps.setString(i++, sagaId.toString());
                    return i;
                });
    }

    /**
     * Step CreateGamificationProfile: the profile of the user of CTE {@code u} ({@link #createUserStatement}, in the
     * same statement) and its signup ledger entry. The profile starts at 0 points: the ledger entry brings them (V14).
     */
    public StepStatement createProfileStatement(int signupPoints, UUID sagaId) {
        return new StepStatement(
                "p AS (INSERT INTO gamification_profiles (user_id, points, referral_count, created_by_saga) SELECT id, 0, 0, ?::uuid FROM u),"
                        + " l AS (INSERT INTO points_ledger (user_id, delta, reason, idempotency_key, saga_id)"
                        + " SELECT id, ?, 'signup', 'signup:' || id, ?::uuid FROM u)",
                "SELECT jsonb_build_object('points', ?::int)",
                (ps, i) -> {
                    ps.setString(i++, sagaId.toString());
                    ps.setInt(i++, signupPoints);
                    ps.setString(i++, sagaId.toString());
                    ps.setInt(i++, signupPoints);
                    return i;
                });
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
     * referrer.
     */
    public StepStatement bonusAndEventStatement(Optional<Long> referrerId, String referredMailbox, int bonus, UUID sagaId) {
        StepStatement.Binder eventBinder = (ps, i) -> {
            ps.setString(i++, sagaId.toString());
            return i;
        };
        if (referrerId.isEmpty()) {
            return new StepStatement(EVENT_WITHOUT_REFERRER, "SELECT '{}'::jsonb", eventBinder);
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
                (ps, i) -> {
                    ps.setLong(i++, referrerId.get());
                    ps.setInt(i++, bonus);
                    ps.setString(i++, "referral-bonus:" + referredMailbox);
                    ps.setString(i++, sagaId.toString());
                    return eventBinder.bind(ps, i);
                });
    }

    private static void setOptionalLong(PreparedStatement ps, int index, Optional<Long> value) throws SQLException {
        if (value.isPresent()) {
            ps.setLong(index, value.get());
        } else {
            ps.setNull(index, Types.BIGINT);
        }
    }

    /** True when {@code e} is a unique violation of the named constraint or index. */
    public static boolean isUniqueViolation(Throwable e, String constraint) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PSQLException p && "23505".equals(p.getSQLState()) && p.getServerErrorMessage() != null
                    && constraint.equals(p.getServerErrorMessage().getConstraint())) {
                return true;
            }
        }
        return false;
    }
}
