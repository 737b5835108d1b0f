package org.nstcg.integrity.console.viewmodel.sagas;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nstcg.integrity.engine.saga.SagaEvent;
import org.nstcg.integrity.engine.saga.SagaOutcome;
import org.nstcg.integrity.engine.saga.SagaRecord;

/** Turns saga records into the sentences and strings the sagas screen shows. */
final class SagaTexts {

    private static final DateTimeFormatter STARTED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter EVENT = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT);
    private static final int LONGEST_DETAIL = 400;

    private SagaTexts() {
    }

    static SagaRow row(SagaRecord r, Instant now, ZoneId zone) {
        return new SagaRow(r.id().toString(), r.type(), r.businessKey(), StatusFilter.title(r.status()), SagaTone.of(r.status()),
                r.currentStep() + "/" + r.stepCount(), STARTED.format(r.createdAt().atZone(zone)), duration(r, now),
                r.lastError().map(SagaTexts::oneLine).orElse(""));
    }

    static String started(Instant at, ZoneId zone) {
        return STARTED.format(at.atZone(zone));
    }

    /** "120 ms", "2.4 s", "3 min 5 s"; "running 5 s" while under way, "waiting 5 min" while it needs attention. */
    static String duration(SagaRecord r, Instant now) {
        String d = span(r.duration(now));
        if (r.status().finished()) {
            return d;
        }
        return r.status() == org.nstcg.integrity.engine.saga.SagaStatus.FAILED_NEEDS_ATTENTION ? "waiting " + d : "running " + d;
    }

    static String span(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        if (ms < 3_600_000) {
            return ms / 60_000 + " min " + ms % 60_000 / 1000 + " s";
        }
        long hours = ms / 3_600_000;
        return hours < 48 ? hours + " h " + ms % 3_600_000 / 60_000 + " min" : hours / 24 + " days";
    }

    static List<TimelineItem> timeline(SagaRecord r, ZoneId zone) {
        List<TimelineItem> items = new ArrayList<>();
        for (SagaEvent e : r.events()) {
            String step = e.step().orElse("?");
            String payload = e.payload().map(SagaTexts::compact).orElse("");
            String error = e.error().map(SagaTexts::oneLine).orElse("");
            String title;
            SagaTone tone;
            String detail = "";
            switch (e.type()) {
                case STARTED -> {
                    title = "Started";
                    tone = SagaTone.ACTIVE;
                }
                case STEP_COMPLETED -> {
                    title = "Step " + step + " completed";
                    tone = SagaTone.SUCCESS;
                    detail = payload;
                }
                case STEP_FAILED -> {
                    title = "Step " + step + " failed";
                    tone = SagaTone.DANGER;
                }
                case COMPENSATION_STARTED -> {
                    title = e.step().map(s -> "Rollback started after " + s).orElse("Rollback started");
                    tone = SagaTone.ACTIVE;
                }
                case STEP_COMPENSATED -> {
                    title = "Step " + step + " undone";
                    tone = SagaTone.NEUTRAL;
                }
                case COMPENSATION_FAILED -> {
                    title = "Undo of " + step + " failed";
                    tone = SagaTone.DANGER;
                }
                case COMPLETED -> {
                    title = "Completed";
                    tone = SagaTone.SUCCESS;
                }
                case COMPENSATED -> {
                    title = "Rolled back";
                    tone = SagaTone.NEUTRAL;
                }
                case MANUAL_ACTION -> {
                    String who = e.actor().orElse("an operator");
                    title = e.manualAction().map(action -> switch (action) {
                        case RETRY -> "Retried by " + who;
                        case RESOLVE -> "Resolved by hand by " + who;
                    }).orElse("Manual action by " + who);
                    tone = SagaTone.MANUAL;
                    detail = e.reason().map(reason -> "Reason: " + reason).orElse("");
                }
                default -> throw new IllegalStateException("unknown saga event " + e.type());
            }
            items.add(new TimelineItem(tone, title, EVENT.format(e.at().atZone(zone)),
                    "+" + span(Duration.between(r.createdAt(), e.at())), detail, error,
                    e.payload().filter(p -> !p.isContainerNode() || !p.isEmpty()).map(SagaTexts::pretty).orElse("")));
        }
        return items;
    }

    /** What a retry did, as a sentence. */
    static String retried(SagaOutcome outcome) {
        String id = outcome.sagaId().toString();
        return outcome.match(
                done -> "Saga " + id + " was retried and completed.",
                undone -> "Saga " + id + " was retried and is now rolled back: every step it had done was undone.",
                n -> "Saga " + id + " was retried but failed again at " + n.step() + " (" + oneLine(n.message())
                        + "). It still needs attention: fix the cause and retry, or resolve it by hand.",
                taken -> "Saga " + id + " was taken over by another instance, which will finish it.");
    }

    static String compact(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode() || (node.isContainerNode() && node.isEmpty())) {
            return "";
        }
        return shorten(node.toString());
    }

    static String pretty(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "";
        }
        return node.toPrettyString();
    }

    private static String oneLine(String text) {
        return shorten(text.strip().replaceAll("\\s*\\R\\s*", " "));
    }

    private static String shorten(String text) {
        return text.length() <= LONGEST_DETAIL ? text : text.substring(0, LONGEST_DETAIL - 1) + "…";
    }
}
