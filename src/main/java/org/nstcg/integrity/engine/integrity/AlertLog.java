package org.nstcg.integrity.engine.integrity;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.nstcg.integrity.engine.store.ConnectionFailures;
import org.nstcg.integrity.engine.support.Alert;
import org.nstcg.integrity.engine.support.AlertSink;
import org.nstcg.integrity.engine.support.EngineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every alert in PostgreSQL ({@code alert_log}, V12), so that a console sees the alerts of every engine
 * instance, not just those of its own process, and the overview counts them all.
 *
 * <p>Design notes: {@link #raise} must not block or fail the engine's work (the {@link AlertSink} contract), so
 * rows are written by one background thread from a bounded queue; when PostgreSQL is down or the queue is full the
 * alert still reaches the log file and the webhook through the hub's other sinks, and this sink drops it with a
 * warning. Rows older than {@link #KEPT} are removed now and then by the writer itself.
 */
public final class AlertLog implements AlertSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AlertLog.class);
    /** How long alerts are kept. */
    public static final Duration KEPT = Duration.ofDays(30);
    private static final int QUEUE = 1_000;
    private static final int PRUNE_EVERY = 500;

    /** An alert as stored: its id orders alerts across instances. */
    public record StoredAlert(long id, Alert alert, String instanceId) {
    }

    private final DataSource dataSource;
    private final String instanceId;
    private final Clock clock;
    private final ExecutorService writer;
    private int written;

    public AlertLog(DataSource dataSource, String instanceId, Clock clock) {
        this.dataSource = dataSource;
        this.instanceId = instanceId;
        this.clock = clock;
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "alert-log-writer");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void raise(Alert alert) {
        try {
            writer.execute(() -> write(alert));
        } catch (RejectedExecutionException e) {
            log.warn("Alert not stored in PostgreSQL (writer busy or stopped): {} {}", alert.source(), alert.subject());
        }
    }

    private void write(Alert alert) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_log (raised_at, severity, source, subject, message,"
                    + " instance_id) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setTimestamp(1, Timestamp.from(alert.at()));
                ps.setString(2, alert.severity());
                ps.setString(3, alert.source());
                ps.setString(4, alert.subject());
                ps.setString(5, alert.message());
                ps.setString(6, instanceId);
                ps.executeUpdate();
            }
            if (++written % PRUNE_EVERY == 1) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM alert_log WHERE raised_at < ?")) {
                    ps.setTimestamp(1, Timestamp.from(clock.instant().minus(KEPT)));
                    ps.executeUpdate();
                }
            }
        } catch (SQLException e) {
            log.warn("Alert not stored in PostgreSQL ({}): {} {}", ConnectionFailures.reason(e), alert.source(), alert.subject());
        }
    }

    /** Alerts of every instance stored after {@code afterId}, oldest first, at most {@code limit}. */
    public List<StoredAlert> after(long afterId, int limit) {
        return read("SELECT id, raised_at, severity, source, subject, message, instance_id FROM alert_log WHERE id > ?"
                + " ORDER BY id LIMIT ?", afterId, limit);
    }

    /** Alerts of every instance raised at or after {@code from}, newest first, at most {@code limit}. */
    public List<Alert> since(Instant from, int limit) {
        return read("SELECT id, raised_at, severity, source, subject, message, instance_id FROM alert_log WHERE raised_at >= ?"
                + " ORDER BY raised_at DESC, id DESC LIMIT ?", Timestamp.from(from), limit).stream().map(StoredAlert::alert).toList();
    }

    /** The id of the newest stored alert, 0 when there is none: where a console starts listening. */
    public long latestId() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(id), 0) FROM alert_log");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new EngineException("Cannot read the alert log from PostgreSQL (" + ConnectionFailures.reason(e) + ").", e);
        }
    }

    /** This engine instance's id, as stored with its alerts. */
    public String instanceId() {
        return instanceId;
    }

    private List<StoredAlert> read(String sql, Object first, int limit) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, first);
            ps.setInt(2, limit);
            List<StoredAlert> alerts = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    alerts.add(new StoredAlert(rs.getLong(1), new Alert(rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getTimestamp(2).toInstant()), rs.getString(7)));
                }
            }
            return alerts;
        } catch (SQLException e) {
            throw new EngineException("Cannot read the alert log from PostgreSQL (" + ConnectionFailures.reason(e) + ").", e);
        }
    }

    /** Writes what is queued (briefly), then stops. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(2, TimeUnit.SECONDS)) {
                writer.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            writer.shutdownNow();
        }
    }
}
