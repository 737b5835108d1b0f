package org.nstcg.integrity.console.viewmodel.bulk;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.console.viewmodel.DisplayFormats;
import org.nstcg.integrity.console.viewmodel.UserMessages;
import org.nstcg.integrity.engine.support.BulkPreview;
import org.nstcg.integrity.engine.support.BulkResult;
import org.nstcg.integrity.engine.support.BulkResult.Outcome;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.engine.support.Reasons;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bulk-action dialog (retry or resolve all matching sagas, merge the selected duplicates): the engine's preview as
 * a table with a count, one reason, Run; then progress with Cancel; then the summary, item by item.
 *
 * <p>Design notes: the preview and the run go through the {@link FxTaskRunner}, never on the FX thread. The run is
 * given the preview's keys, so it acts on what the user saw (the engine skips and reports what changed since). The
 * task runner forwards only progress messages; the figures (done, total) travel beside them in an atomic reference,
 * as in the cache rebuild. Cancel sets a flag the engine reads before each item, so what ran stays done and the
 * summary says so. When the run ends, {@code onFinished} lets the screen read its panes again.
 *
 * @param <K> what identifies an item
 */
public final class BulkActionViewModel<K> {

    private static final Logger log = LoggerFactory.getLogger(BulkActionViewModel.class);

    /** The engine calls of one bulk action, as the signed-in user; slow, so never called on the FX thread. */
    public interface Source<K> {

        BulkPreview<K> preview();

        BulkResult<K> run(List<K> keys, String reason, ProgressListener progress, BooleanSupplier cancelled);
    }

    /**
     * The words of one action.
     *
     * @param title      the dialog's title ("Retry all matching sagas")
     * @param one        an item ("saga"), and {@code many} items ("sagas")
     * @param done       what the action does, as a past participle ("retried")
     * @param run        the Run button's verb ("Retry")
     * @param reasonHint what the reason should say ("what was fixed, so that the retries can succeed")
     */
    public record Texts(String title, String one, String many, String done, String run, String reasonHint) {
    }

    /** Where the dialog is. */
    public enum Step { LOADING, PREVIEWED, RUNNING, FINISHED }

    /**
     * A row of the dialog's table.
     *
     * @param item    the item, as the engine labels it
     * @param detail  what will be done to it (preview) or what happened (summary)
     * @param outcome empty in the preview for an item that will be acted on, "Left alone" for one that will not; in the
     *                summary "Done", "Skipped", "Failed" or "Not run"
     */
    public record Row(String item, String detail, String outcome) {
    }

    private record Units(long done, long total) {
    }

    private final Source<K> source;
    private final FxTaskRunner runner;
    private final Texts texts;
    private final Runnable onFinished;

    private final ObjectProperty<Step> step = new SimpleObjectProperty<>(Step.LOADING);
    private final ObservableList<Row> rows = FXCollections.observableArrayList();
    private final StringProperty count = new SimpleStringProperty("");
    private final StringProperty reason = new SimpleStringProperty("");
    private final StringProperty reasonError = new SimpleStringProperty("");
    private final DoubleProperty progress = new SimpleDoubleProperty(0);
    private final StringProperty progressText = new SimpleStringProperty("");
    private final StringProperty progressMessage = new SimpleStringProperty("");
    private final StringProperty summary = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private final AtomicReference<Units> units = new AtomicReference<>();
    private final BooleanBinding runnable;
    private final javafx.beans.binding.StringBinding runText;
    private AtomicBoolean cancel = new AtomicBoolean();
    private List<K> keys = List.of();
    /** The preview's label of each item: the summary names items as the preview did. */
    private final java.util.Map<K, String> labels = new java.util.HashMap<>();

    /** @param onFinished called on the FX thread when a run ended (the screen refreshes its panes) */
    public BulkActionViewModel(Source<K> source, FxTaskRunner runner, Texts texts, Runnable onFinished) {
        this.source = source;
        this.runner = runner;
        this.texts = texts;
        this.onFinished = onFinished;
        this.runnable = Bindings.createBooleanBinding(() -> step.get() == Step.PREVIEWED && !rowsToActOn().isEmpty(), step, rows);
        this.runText = Bindings.createStringBinding(() -> texts.run() + " " + DisplayFormats.count(step.get() == Step.LOADING ? 0
                : rowsToActOn().size(), texts.one(), texts.many()), step, rows);
        reason.addListener((obs, old, now) -> reasonError.set(""));
    }

    /** Reads the preview (again). */
    public void load() {
        step.set(Step.LOADING);
        rows.clear();
        keys = List.of();
        error.set("");
        count.set("Working out which " + texts.many() + " this would touch…");
        runner.run(p -> source.preview(), this::previewed, failure -> {
            count.set("");
            error.set(UserMessages.describe(failure, "preparing the preview", log));
            step.set(Step.PREVIEWED);
        });
    }

    private void previewed(BulkPreview<K> preview) {
        keys = preview.keys();
        labels.clear();
        preview.items().forEach(i -> labels.put(i.key(), i.label()));
        rows.setAll(preview.items().stream().map(i -> new Row(i.label(), i.plan(), i.applicable() ? "" : "Left alone")).toList());
        int acting = keys.size();
        int alone = preview.items().size() - acting;
        StringBuilder text = new StringBuilder();
        if (acting == 0) {
            text.append(preview.items().isEmpty() ? "Nothing to do: no " + texts.one() + " matches."
                    : "Nothing to do: none of these " + texts.many() + " can be " + texts.done() + ".");
        } else {
            text.append(DisplayFormats.count(acting, texts.one(), texts.many())).append(" will be ").append(texts.done()).append('.');
        }
        if (alone > 0 && acting > 0) {
            text.append(' ').append(DisplayFormats.count(alone, texts.one(), texts.many())).append(alone == 1 ? " is" : " are")
                    .append(" left alone, as the table says.");
        }
        if (preview.truncated()) {
            text.append(" Only the newest ").append(BulkPreview.MAX_ITEMS).append(" are taken; narrow the filter for the rest.");
        }
        count.set(text.toString());
        step.set(Step.PREVIEWED);
    }

    private List<Row> rowsToActOn() {
        return keys.isEmpty() ? List.of() : rows.filtered(r -> r.outcome().isEmpty());
    }

    /** Runs the action on the previewed items with the reason given; says what is missing instead when the reason is not. */
    public void run() {
        if (!runnable.get()) {
            return;
        }
        String why = reason.get() == null ? "" : reason.get().strip();
        if (why.isEmpty()) {
            reasonError.set("Give a reason first: say " + texts.reasonHint() + ". It is kept with each " + texts.one()
                    + " in the audit trail.");
            return;
        }
        Optional<String> problem = Reasons.problem(why);
        if (problem.isPresent()) {
            String p = problem.get();
            reasonError.set(Character.toUpperCase(p.charAt(0)) + p.substring(1) + ".");
            return;
        }
        List<K> taken = keys;
        AtomicBoolean cancelled = new AtomicBoolean();
        cancel = cancelled;
        units.set(new Units(0, taken.size()));
        progress.set(0);
        progressText.set("0 of " + taken.size());
        progressMessage.set("Starting…");
        error.set("");
        step.set(Step.RUNNING);
        runner.run(p -> source.run(taken, why, (message, done, total) -> {
            if (done >= 0 && total >= 0) {
                units.set(new Units(done, total));
            }
            p.progress(message, done, total);
        }, cancelled::get), this::showProgress, this::finished, failure -> {
            error.set(UserMessages.describe(failure, "running the " + texts.run().toLowerCase(java.util.Locale.ROOT), log));
            step.set(Step.FINISHED);
            onFinished.run();
        });
    }

    private void showProgress(String message) {
        if (step.get() != Step.RUNNING) {
            return;
        }
        Units u = units.get();
        if (u != null) {
            progress.set(u.total() == 0 ? 1 : Math.min(1, (double) u.done() / u.total()));
            progressText.set(u.done() + " of " + u.total());
        }
        progressMessage.set(cancel.get() ? "Stopping after the current " + texts.one() + "…" : message);
    }

    private void finished(BulkResult<K> result) {
        rows.setAll(result.items().stream().map(i -> new Row(labels.getOrDefault(i.key(), i.label()), i.why(), word(i.outcome()))).toList());
        int total = result.items().size();
        int done = result.count(Outcome.DONE);
        StringBuilder text = new StringBuilder(result.cancelled() ? "Cancelled: " : "Finished: ")
                .append(done).append(" of ").append(DisplayFormats.count(total, texts.one(), texts.many())).append(' ')
                .append(texts.done());
        List<String> rest = new java.util.ArrayList<>();
        if (result.count(Outcome.SKIPPED) > 0) {
            rest.add(result.count(Outcome.SKIPPED) + " skipped");
        }
        if (result.count(Outcome.FAILED) > 0) {
            rest.add(result.count(Outcome.FAILED) + " failed");
        }
        if (result.count(Outcome.NOT_RUN) > 0) {
            rest.add(result.count(Outcome.NOT_RUN) + " not run");
        }
        if (!rest.isEmpty()) {
            text.append(", ").append(String.join(", ", rest));
        }
        text.append(". The table says why for each; every ").append(texts.one()).append(" done has its own audit entry.");
        summary.set(text.toString());
        progress.set(total == 0 ? 1 : (double) (total - result.count(Outcome.NOT_RUN)) / total);
        progressText.set((total - result.count(Outcome.NOT_RUN)) + " of " + total);
        progressMessage.set("");
        step.set(Step.FINISHED);
        onFinished.run();
    }

    private static String word(Outcome outcome) {
        return switch (outcome) {
            case DONE -> "Done";
            case SKIPPED -> "Skipped";
            case FAILED -> "Failed";
            case NOT_RUN -> "Not run";
        };
    }

    /** Asks the run to stop before its next item. */
    public void cancel() {
        if (step.get() == Step.RUNNING) {
            cancel.set(true);
            progressMessage.set("Stopping after the current " + texts.one() + "…");
        }
    }

    public String title() {
        return texts.title();
    }

    /** What the empty reason field asks for: "Say what was fixed, so that the retries can succeed". */
    public String reasonPrompt() {
        return "Say " + texts.reasonHint();
    }

    /** The Run button's text: "Retry 12 sagas". */
    public javafx.beans.binding.StringBinding runTextProperty() {
        return runText;
    }

    public ReadOnlyObjectProperty<Step> stepProperty() {
        return step;
    }

    public ObservableList<Row> rows() {
        return rows;
    }

    /** "12 sagas will be retried." */
    public ReadOnlyStringProperty countProperty() {
        return count;
    }

    public StringProperty reasonProperty() {
        return reason;
    }

    /** What is wrong with the reason; empty when nothing is (or nothing was tried). */
    public ReadOnlyStringProperty reasonErrorProperty() {
        return reasonError;
    }

    /** Whether Run is offered: the preview lists something to act on and nothing runs yet. */
    public BooleanBinding runnableProperty() {
        return runnable;
    }

    public ReadOnlyDoubleProperty progressProperty() {
        return progress;
    }

    /** "7 of 12". */
    public ReadOnlyStringProperty progressTextProperty() {
        return progressText;
    }

    /** What the engine is doing now ("Retrying saga 8 of 12…"). */
    public ReadOnlyStringProperty progressMessageProperty() {
        return progressMessage;
    }

    /** "Finished: 10 of 12 sagas retried, 1 skipped, 1 failed. …" */
    public ReadOnlyStringProperty summaryProperty() {
        return summary;
    }

    /** Why the preview or the run failed as a whole. */
    public ReadOnlyStringProperty errorProperty() {
        return error;
    }
}
