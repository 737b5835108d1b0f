package org.nstcg.integrity.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.nstcg.integrity.engine.saga.SagaEvent;
import org.nstcg.integrity.engine.saga.SagaMetrics;
import org.nstcg.integrity.engine.saga.SagaRecord;
import org.nstcg.integrity.engine.support.DeepLink;
import org.nstcg.integrity.engine.support.Durations;

/** How the {@code sagas} commands print sagas, events and metrics: aligned text for people, JSON for scripts. */
final class SagaFormat {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final int ERROR_WIDTH = 60;

    private final Instant now;

    SagaFormat(Instant now) {
        this.now = now;
    }

    // ---- list ----

    void listText(PrintWriter out, List<SagaRecord> sagas) {
        if (sagas.isEmpty()) {
            out.println("No sagas match.");
            return;
        }
        String row = "%-36s  %-14s  %-28s  %-22s  %5s  %-20s  %10s  %s%n";
        line(out, row, "ID", "TYPE", "BUSINESS KEY", "STATUS", "STEP", "STARTED (UTC)", "DURATION", "LAST ERROR");
        for (SagaRecord s : sagas) {
            line(out, row, s.id(), clip(s.type(), 14), clip(s.businessKey(), 28), s.status(), s.currentStep() + "/" + s.stepCount(),
                    iso(s.createdAt()), Durations.human(s.duration(now)), clip(s.lastError().orElse(""), ERROR_WIDTH));
        }
    }

    ObjectNode listJson(List<SagaRecord> sagas) {
        ObjectNode root = JSON.createObjectNode();
        root.put("count", sagas.size());
        ArrayNode array = root.putArray("sagas");
        sagas.forEach(s -> header(array.addObject(), s));
        return root;
    }

    // ---- show ----

    void showText(PrintWriter out, SagaRecord s) {
        out.printf("Saga %s%n", s.id());
        String row = "%-12s %s%n";
        out.printf(row, "Link", DeepLink.saga(s.id()).text());
        out.printf(row, "Type", s.type());
        out.printf(row, "Key", s.businessKey());
        out.printf(row, "Status", s.status() + " (step " + s.currentStep() + "/" + s.stepCount() + ")");
        out.printf(row, "Owner", s.owner().orElse("-")
                + s.leaseExpiresAt().map(t -> ", lease until " + iso(t) + (t.isBefore(now) ? " (expired)" : "")).orElse(""));
        out.printf(row, "Started", iso(s.createdAt()));
        out.printf(row, "Updated", iso(s.updatedAt()));
        out.printf(row, "Finished", s.finishedAt().map(SagaFormat::iso).orElse("not yet") + " (" + Durations.human(s.duration(now))
                + (s.finishedAt().isPresent() ? "" : " so far") + ")");
        out.printf(row, "Last error", s.lastError().orElse("-"));
        out.println();
        String event = "%4s  %-27s  %-21s  %-26s  %s%n";
        line(out, event, "SEQ", "TIME (UTC)", "EVENT", "STEP", "DETAIL");
        for (SagaEvent e : s.events()) {
            line(out, event, e.seq(), e.at().toString(), e.type(), e.step().orElse(""), detail(e));
        }
    }

    ObjectNode showJson(SagaRecord s) {
        ObjectNode root = header(JSON.createObjectNode(), s);
        root.set("data", s.data());
        ArrayNode events = root.putArray("events");
        for (SagaEvent e : s.events()) {
            ObjectNode n = events.addObject();
            n.put("seq", e.seq());
            n.put("at", e.at().toString());
            n.put("type", e.type().name());
            e.step().ifPresent(v -> n.put("step", v));
            e.payload().ifPresent(v -> n.set("payload", v));
            e.error().ifPresent(v -> n.put("error", v));
            e.actor().ifPresent(v -> n.put("actor", v));
            e.reason().ifPresent(v -> n.put("reason", v));
        }
        return root;
    }

    private static String detail(SagaEvent e) {
        List<String> parts = new ArrayList<>();
        e.payload().filter(p -> !p.isNull()).ifPresent(p -> parts.add(p.toString()));
        e.error().ifPresent(v -> parts.add("error: " + v));
        e.actor().ifPresent(v -> parts.add("by " + v));
        e.reason().ifPresent(v -> parts.add("reason: " + v));
        return String.join("; ", parts);
    }

    private ObjectNode header(ObjectNode n, SagaRecord s) {
        n.put("id", s.id().toString());
        n.put("link", DeepLink.saga(s.id()).text());
        n.put("type", s.type());
        n.put("businessKey", s.businessKey());
        n.put("status", s.status().name());
        n.put("currentStep", s.currentStep());
        n.put("stepCount", s.stepCount());
        putOptional(n, "owner", s.owner());
        putOptional(n, "leaseExpiresAt", s.leaseExpiresAt().map(Instant::toString));
        n.put("createdAt", s.createdAt().toString());
        n.put("updatedAt", s.updatedAt().toString());
        putOptional(n, "finishedAt", s.finishedAt().map(Instant::toString));
        n.put("durationMillis", s.duration(now).toMillis());
        putOptional(n, "lastError", s.lastError());
        return n;
    }

    // ---- metrics ----

    void metricsText(PrintWriter out, SagaMetrics m) {
        out.printf(Locale.ROOT, "Rollback rate (share of finished sagas that were compensated; alert above %.0f%% of at least %d)%n",
                SagaMetrics.ROLLBACK_ALERT_THRESHOLD * 100, SagaMetrics.MIN_SAMPLE);
        String rate = "  %-7s %9s %12s %7s  %s%n";
        line(out, rate, "window", "finished", "compensated", "rate", "");
        for (SagaMetrics.RollbackRate r : m.rollbackRates()) {
            line(out, rate, window(r.window()), r.finished(), r.compensated(), String.format(Locale.ROOT, "%.1f%%", r.rate() * 100),
                    r.alarming() ? "<< ABOVE 1%" : "");
        }
        out.println("Duration of sagas completed in the last 24 h (ms)");
        if (m.durations().isEmpty()) {
            out.println("  none");
        } else {
            String row = "  %-16s %7s %9s %9s %9s%n";
            out.printf(row, "type", "count", "p50", "p95", "p99");
            for (Map.Entry<String, SagaMetrics.Durations> e : m.durations().entrySet()) {
                SagaMetrics.Durations d = e.getValue();
                out.printf(Locale.ROOT, "  %-16s %7d %9.1f %9.1f %9.1f%n", e.getKey(), d.count(), d.p50Millis(), d.p95Millis(), d.p99Millis());
            }
        }
        out.printf("Needs attention: %d%s%n", m.needsAttention(), m.needsAttention() > 0 ? " (sagas list --status FAILED_NEEDS_ATTENTION)" : "");
        out.printf("Stuck (owner's lease expired, not yet recovered): %d%n", m.stuck());
    }

    ObjectNode metricsJson(SagaMetrics m) {
        ObjectNode root = JSON.createObjectNode();
        root.put("alertThreshold", SagaMetrics.ROLLBACK_ALERT_THRESHOLD);
        root.put("minSample", SagaMetrics.MIN_SAMPLE);
        ArrayNode rates = root.putArray("rollbackRates");
        for (SagaMetrics.RollbackRate r : m.rollbackRates()) {
            ObjectNode n = rates.addObject();
            n.put("window", window(r.window()));
            n.put("windowSeconds", r.window().toSeconds());
            n.put("finished", r.finished());
            n.put("compensated", r.compensated());
            n.put("rate", r.rate());
            n.put("alarming", r.alarming());
        }
        ObjectNode durations = root.putObject("durations");
        m.durations().forEach((type, d) -> {
            ObjectNode n = durations.putObject(type);
            n.put("count", d.count());
            n.put("p50Millis", d.p50Millis());
            n.put("p95Millis", d.p95Millis());
            n.put("p99Millis", d.p99Millis());
        });
        root.put("needsAttention", m.needsAttention());
        root.put("stuck", m.stuck());
        return root;
    }

    // ---- helpers ----

    /** Prints one formatted row without trailing blanks (empty last columns). */
    private static void line(PrintWriter out, String format, Object... args) {
        out.println(String.format(Locale.ROOT, format, args).stripTrailing());
    }

    static String window(Duration d) {
        return d.toHours() >= 1 && d.toMinutesPart() == 0 ? d.toHours() + "h" : d.toMinutes() + "m";
    }

    static String iso(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    static String clip(String s, int width) {
        String oneLine = s.replace('\n', ' ');
        return oneLine.length() <= width ? oneLine : oneLine.substring(0, width - 1) + "…";
    }

    private static void putOptional(ObjectNode n, String field, Optional<String> value) {
        value.ifPresentOrElse(v -> n.put(field, v), () -> n.putNull(field));
    }
}
