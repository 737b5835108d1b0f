package org.nstcg.integrity.engine.account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.store.Row;
import org.nstcg.integrity.engine.store.Tx;

/**
 * The SQL of console accounts ({@code console_accounts}, V9 and V19), each statement in the caller's {@link Tx}: the
 * transactions, the audit entries and the rules are {@link AccountService}'s.
 */
final class AccountStore {

    private static final long ADMIN_LOCK = 0x1C0_4CC7L;
    private static final String COLUMNS = "id, username, display_name, role, disabled, locked_until, failed_attempts, "
            + "created_at, created_by, last_sign_in_at";

    /**
     * An account with its password hash, which never leaves the engine, and its session epoch.
     *
     * @param sessionEpoch         raised by {@link #endSessions}; a session signed in at an older one has ended
     * @param sessionsEndedBecause why it was last raised ({@code password_reset}, {@code role_changed}…), if ever
     */
    record StoredAccount(Account account, String hash, long sessionEpoch, Optional<String> sessionsEndedBecause) {
    }

    boolean hasAccounts(Tx tx) {
        return tx.single("SELECT EXISTS (SELECT 1 FROM console_accounts)", r -> r.getBoolean(1));
    }

    /** Takes the transaction-scoped lock that changes which could leave no active administrator take first. */
    void lockAdministrators(Tx tx) {
        tx.single("SELECT pg_advisory_xact_lock(?)", r -> true, ADMIN_LOCK);
    }

    int activeAdministrators(Tx tx) {
        return tx.single("SELECT count(*) FROM console_accounts WHERE role = 'ADMINISTRATOR' AND NOT disabled", r -> r.getInt(1));
    }

    Account insert(Tx tx, String username, String displayName, Role role, String hash, String createdBy, Instant now) {
        return tx.single("INSERT INTO console_accounts (username, display_name, role, "
                + "password_hash, created_by, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING " + COLUMNS,
                AccountStore::account, username, displayName, role.name(), hash, createdBy, now, now);
    }

    Optional<StoredAccount> find(Tx tx, String username) {
        return tx.first("SELECT " + COLUMNS + ", password_hash, session_epoch, sessions_ended_because FROM console_accounts "
                + "WHERE username = ?", r -> new StoredAccount(account(r), r.getString("password_hash"),
                r.getLong("session_epoch"), Optional.ofNullable(r.getString("sessions_ended_because"))), username);
    }

    List<Account> list(Tx tx) {
        return tx.list("SELECT " + COLUMNS + " FROM console_accounts ORDER BY username", AccountStore::account);
    }

    /** A successful sign-in: the failure count and any lock cleared. */
    void signedIn(Tx tx, long id, Instant now) {
        tx.update("UPDATE console_accounts SET failed_attempts = 0, locked_until = NULL, last_sign_in_at = ? WHERE id = ?", now, id);
    }

    /** Counts a failed sign-in (starting again at 1 when a lock has expired); returns the failures in a row. */
    int countFailure(Tx tx, long id, Instant now) {
        return tx.single("""
                UPDATE console_accounts
                   SET failed_attempts = CASE WHEN locked_until IS NOT NULL AND locked_until <= ? THEN 1
                                              ELSE failed_attempts + 1 END,
                       locked_until = CASE WHEN locked_until IS NOT NULL AND locked_until <= ? THEN NULL
                                           ELSE locked_until END
                 WHERE id = ?
             RETURNING failed_attempts""", r -> r.getInt(1), now, now, id);
    }

    void lockUntil(Tx tx, long id, Instant until) {
        tx.update("UPDATE console_accounts SET locked_until = ? WHERE id = ?", until, id);
    }

    void setRole(Tx tx, long id, Role role) {
        tx.update("UPDATE console_accounts SET role = ? WHERE id = ?", role.name(), id);
    }

    void setDisabled(Tx tx, long id, boolean disabled) {
        tx.update("UPDATE console_accounts SET disabled = ? WHERE id = ?", disabled, id);
    }

    /** A password set by an administrator: any lock lifted. */
    void resetPassword(Tx tx, long id, String hash) {
        tx.update("UPDATE console_accounts SET password_hash = ?, password_changed_at = now(), failed_attempts = 0, "
                + "locked_until = NULL WHERE id = ?", hash, id);
    }

    /** A password changed by its owner. */
    void changePassword(Tx tx, long id, String hash) {
        tx.update("UPDATE console_accounts SET password_hash = ?, password_changed_at = now() WHERE id = ?", hash, id);
    }

    /**
     * Ends the account's open sessions at their next action (V19): raises its session epoch and says why; returns the
     * new epoch.
     */
    long endSessions(Tx tx, long id, String because) {
        return tx.single("UPDATE console_accounts SET session_epoch = session_epoch + 1, sessions_ended_because = ? "
                + "WHERE id = ? RETURNING session_epoch", r -> r.getLong(1), because, id);
    }

    void unlock(Tx tx, long id) {
        tx.update("UPDATE console_accounts SET failed_attempts = 0, locked_until = NULL WHERE id = ?", id);
    }

    private static Account account(Row r) {
        return new Account(r.getLong("id"), r.getString("username"), r.getString("display_name"),
                Role.valueOf(r.getString("role")), r.getBoolean("disabled"),
                Optional.ofNullable(r.getInstant("locked_until")), r.getInt("failed_attempts"),
                r.getInstant("created_at"), r.getString("created_by"),
                Optional.ofNullable(r.getInstant("last_sign_in_at")));
    }
}
