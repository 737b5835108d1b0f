package org.nstcg.integrity.engine.integrity;

import java.time.Instant;
import java.util.List;
import org.nstcg.integrity.engine.integrity.AlertLog.StoredAlert;
import org.nstcg.integrity.engine.store.Row;
import org.nstcg.integrity.engine.store.Tx;
import org.nstcg.integrity.engine.support.Alert;

/**
 * The SQL of alerts, each statement in the caller's {@link Tx}: the stored alerts of every instance ({@code alert_log},
 * V12), which {@link AlertLog} writes and reads, and the refusal figure that {@link CheckAlerts} compares with its
 * threshold. The queue, the pruning schedule and the thresholds are theirs.
 */
final class AlertStore {

    private static final String COLUMNS = "SELECT id, raised_at, severity, source, subject, message, instance_id FROM alert_log";

    void insert(Tx tx, Alert alert, String instanceId) {
        tx.update("INSERT INTO alert_log (raised_at, severity, source, subject, message, instance_id) VALUES (?, ?, ?, ?, ?, ?)",
                alert.at(), alert.severity(), alert.source(), alert.subject(), alert.message(), instanceId);
    }

    /** Removes the alerts raised before {@code before}. */
    void prune(Tx tx, Instant before) {
        tx.update("DELETE FROM alert_log WHERE raised_at < ?", before);
    }

    /** Alerts stored after {@code afterId}, oldest first, at most {@code limit}. */
    List<StoredAlert> after(Tx tx, long afterId, int limit) {
        return tx.list(COLUMNS + " WHERE id > ? ORDER BY id LIMIT ?", AlertStore::stored, afterId, limit);
    }

    /** Alerts raised at or after {@code from}, newest first, at most {@code limit}. */
    List<StoredAlert> since(Tx tx, Instant from, int limit) {
        return tx.list(COLUMNS + " WHERE raised_at >= ? ORDER BY raised_at DESC, id DESC LIMIT ?", AlertStore::stored, from, limit);
    }

    /** The id of the newest stored alert, 0 when there is none. */
    long latestId(Tx tx) {
        return tx.singleLong("SELECT coalesce(max(id), 0) FROM alert_log");
    }

    /**
     * Sign-ups refused for {@code reason} in the minutes that began in the last hour of the database's clock: every
     * instance's refusals, whichever path refused them ({@code signup_refusals}, written by the registration's
     * {@code RefusalCounter}).
     */
    long refusalsLastHour(Tx tx, String reason) {
        return tx.singleLong("SELECT coalesce(sum(refusals), 0)"
                + " FROM signup_refusals WHERE minute > now() - interval '1 hour' AND reason = ?", reason);
    }

    private static StoredAlert stored(Row rs) {
        return new StoredAlert(rs.getLong(1), new Alert(rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getInstant(2)), rs.getString(7));
    }
}
