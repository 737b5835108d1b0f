package org.nstcg.integrity.engine.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes alerts to the log and keeps the recent ones in memory for the faces to show. */
public final class LoggingAlertSink implements AlertSink {

    private static final Logger log = LoggerFactory.getLogger("org.nstcg.integrity.alerts");
    private static final int KEEP = 200;

    private final CopyOnWriteArrayList<Alert> recent = new CopyOnWriteArrayList<>();

    @Override
    public void raise(Alert alert) {
        log.error("ALERT [{}] {} {}: {}", alert.severity(), alert.source(), alert.subject(), alert.message());
        recent.add(alert);
        while (recent.size() > KEEP) {
            recent.remove(0);
        }
    }

    /** The most recent alerts, oldest first. */
    public List<Alert> recent() {
        return List.copyOf(recent);
    }
}
