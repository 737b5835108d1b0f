package org.nstcg.integrity.engine.support;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes alerts to the log (logger {@code org.nstcg.integrity.alerts}, level ERROR). */
public final class LoggingAlertSink implements AlertSink {

    private static final Logger log = LoggerFactory.getLogger("org.nstcg.integrity.alerts");

    @Override
    public void raise(Alert alert) {
        log.error("ALERT [{}] {} {}: {}", alert.severity(), alert.source(), alert.subject(), alert.message());
    }
}
