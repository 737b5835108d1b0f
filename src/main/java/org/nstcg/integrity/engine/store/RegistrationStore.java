package org.nstcg.integrity.engine.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Function;
import javax.sql.DataSource;
import org.postgresql.util.PSQLException;

/**
 * The SQL of registration. All rows of one registration (user, profile, ledger entries, referrer bonus, outbox
 * event) are written in one transaction: either every effect is visible or none is.
 *
 * <p>Design notes: uniqueness of the mailbox is decided by the partial unique index
 * {@code users_email_normalized_active_uk}, with no look-up before the write: when two instances race, or the
 * mailbox is simply taken, the INSERT fails and that violation becomes {@link RegistrationWrite.EmailTaken} here,
 * at the store boundary. Without a referrer, the rows are one data-modifying statement (atomic on its own, one
 * round trip); with one, the referrer's row is locked and its bonus written in the same transaction.
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

    /**
     * Writes a registration atomically: one statement without a referrer, one transaction with one.
     *
     * @param issueCode makes the new user's referral code from a supplier of fresh sequence values
     */
    public RegistrationWrite write(NewRegistration r, Function<LongSupplier, String> issueCode) throws SQLException {
        boolean referred = r.referrerId().isPresent();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(!referred);
            try {
                if (referred && !lockActiveReferrer(c, r.referrerId().get())) {
                    c.rollback();
                    return new RegistrationWrite.ReferrerGone();
                }
                String code = issueCode.apply(() -> sequence.next(c));
                long userId = insertUser(c, r, code);
                boolean bonusPaid = referred && creditReferrer(c, r);
                if (referred) {
                    c.commit();
                }
                return new RegistrationWrite.Written(userId, code, bonusPaid);
            } catch (SQLException | RuntimeException e) {
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
                if (isUniqueViolation(e, EMAIL_UNIQUE_INDEX)) {
                    return new RegistrationWrite.EmailTaken();
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /** User, profile, signup ledger entry and outbox event in one statement: all or none. */
    private static long insertUser(Connection c, NewRegistration r, String code) throws SQLException {
        String sql = "WITH u AS (INSERT INTO users (email, email_normalized, referral_code, first_name, last_name, referred_by)"
                + "   VALUES (?, ?, ?, ?, ?, ?) RETURNING id),"
                + " p AS (INSERT INTO gamification_profiles (user_id, points, referral_count) SELECT id, ?, 0 FROM u),"
                + " l AS (INSERT INTO points_ledger (user_id, delta, reason, idempotency_key) SELECT id, ?, 'signup', 'signup:' || id FROM u),"
                + " o AS (INSERT INTO outbox_events (aggregate_type, aggregate_id, event_type, payload, dedup_key)"
                + "   SELECT 'user', id::text, 'user.registered',"
                + "   jsonb_build_object('userId', id, 'referralCode', ?::text, 'referredBy', ?::bigint), 'user.registered:' || id FROM u)"
                + " SELECT id FROM u";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, r.email());
            ps.setString(2, r.emailNormalized());
            ps.setString(3, code);
            ps.setString(4, r.firstName());
            ps.setString(5, r.lastName().orElse(null));
            setOptionalLong(ps, 6, r.referrerId());
            ps.setInt(7, r.signupPoints());
            ps.setInt(8, r.signupPoints());
            ps.setString(9, code);
            setOptionalLong(ps, 10, r.referrerId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** @return whether the bonus was paid (false: this mailbox earned one before) */
    private static boolean creditReferrer(Connection c, NewRegistration r) throws SQLException {
        long referrer = r.referrerId().orElseThrow();
        boolean paid = insertLedger(c, referrer, r.referralBonus(), "referral_bonus", "referral-bonus:" + r.emailNormalized());
        try (PreparedStatement ps = c.prepareStatement("UPDATE gamification_profiles SET points = points + ?,"
                + " referral_count = referral_count + 1 WHERE user_id = ?")) {
            ps.setInt(1, paid ? r.referralBonus() : 0);
            ps.setLong(2, referrer);
            ps.executeUpdate();
        }
        return paid;
    }

    private static void setOptionalLong(PreparedStatement ps, int index, Optional<Long> value) throws SQLException {
        if (value.isPresent()) {
            ps.setLong(index, value.get());
        } else {
            ps.setNull(index, Types.BIGINT);
        }
    }

    /** Locks the referrer's row so it cannot be merged or archived while its bonus is written. */
    private static boolean lockActiveReferrer(Connection c, long referrerId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM users WHERE id = ? AND status = 'active' FOR SHARE")) {
            ps.setLong(1, referrerId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** @return false when an entry with this idempotency key exists already (nothing inserted) */
    private static boolean insertLedger(Connection c, long userId, int delta, String reason, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO points_ledger (user_id, delta, reason, idempotency_key)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING")) {
            ps.setLong(1, userId);
            ps.setInt(2, delta);
            ps.setString(3, reason);
            ps.setString(4, key);
            return ps.executeUpdate() == 1;
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
