package org.nstcg.integrity.console.viewmodel.users;

import java.util.Optional;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.console.viewmodel.UserMessages;
import org.nstcg.integrity.engine.dedup.MergeOutcome;
import org.nstcg.integrity.engine.dedup.UnmergeOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merging two users, step by step: choose which user stays and which is merged into it, preview every change
 * (nothing written), give a reason, confirm, and undo (unmerge) right after if it was a mistake. Used by the Users
 * screen (the other user typed by id) and the Duplicates screen (both users from the pair).
 */
public final class MergeWizardViewModel {

    /** Where the wizard is. */
    public enum Step {
        /** Choosing the two users. */
        CHOOSE,
        /** The changes are listed; a reason can be given. */
        PREVIEWED,
        /** Asking "merge user D into user S?" before doing it. */
        CONFIRM,
        /** Merged; undo is offered. */
        DONE
    }

    private static final Logger log = LoggerFactory.getLogger(MergeWizardViewModel.class);

    private final MergeActions actions;
    private final FxTaskRunner runner;
    private Runnable onChange = () -> { };

    private final StringProperty survivorText = new SimpleStringProperty("");
    private final StringProperty duplicateText = new SimpleStringProperty("");
    private final StringProperty reason = new SimpleStringProperty("");
    private final ObjectProperty<Step> step = new SimpleObjectProperty<>(Step.CHOOSE);
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper undoAvailable = new ReadOnlyBooleanWrapper();
    private final ObservableList<String> changes = FXCollections.observableArrayList();
    private final StringProperty confirmation = new SimpleStringProperty("");
    private final StringProperty message = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private long survivor;
    private long duplicate;
    private long mergedDuplicate;
    private long mergedSurvivor;
    private long mergeId;

    /** A merge this wizard made that stands (not undone): who was merged into whom. */
    public record StandingMerge(long survivorId, long mergedId) {
    }

    public MergeWizardViewModel(MergeActions actions, FxTaskRunner runner) {
        this.actions = actions;
        this.runner = runner;
        // Changing either user invalidates a preview made for the old pair.
        survivorText.addListener((obs, old, now) -> backToChoose());
        duplicateText.addListener((obs, old, now) -> backToChoose());
    }

    /** Called after a merge or an undo changed users, so the screen can read them again. */
    public void setOnChange(Runnable onChange) {
        this.onChange = onChange;
    }

    /** The merge this wizard just made, while it can still be undone here; empty before a merge and after its undo. */
    public Optional<StandingMerge> standingMerge() {
        return undoAvailable.get() ? Optional.of(new StandingMerge(mergedSurvivor, mergedDuplicate)) : Optional.empty();
    }

    /** Whether the signed-in user may merge at all. */
    public boolean allowed() {
        return actions.allowed();
    }

    /** Starts over with these users (either may be null: typed by the support user). */
    public void start(Long survivorId, Long duplicateId) {
        survivorText.set(survivorId == null ? "" : Long.toString(survivorId));
        duplicateText.set(duplicateId == null ? "" : Long.toString(duplicateId));
        reason.set("");
        message.set("");
        error.set("");
        undoAvailable.set(false);
        backToChoose();
    }

    /** The other user stays instead. */
    public void swap() {
        String s = survivorText.get();
        survivorText.set(duplicateText.get());
        duplicateText.set(s);
    }

    /** Lists what merging would change, or says why it cannot be done. Writes nothing. */
    public void preview() {
        error.set("");
        message.set("");
        Long s = id(survivorText.get(), "the user to keep");
        Long d = s == null ? null : id(duplicateText.get(), "the user to merge into it");
        if (s == null || d == null) {
            return;
        }
        if (s.equals(d)) {
            error.set("Choose two different users: a user cannot be merged into itself.");
            return;
        }
        busy.set(true);
        runner.run(progress -> actions.preview(s, d), outcome -> {
            busy.set(false);
            if (outcome instanceof MergeOutcome.Previewed p) {
                survivor = s;
                duplicate = d;
                changes.setAll(p.plan().changes());
                step.set(Step.PREVIEWED);
            } else {
                error.set(describe(outcome, s, d));
            }
        }, failure -> {
            busy.set(false);
            error.set(UserMessages.describe(failure, "previewing a merge", log));
        });
    }

    /** Asks for confirmation; a reason is required, it goes into the audit trail. */
    public void requestMerge() {
        if (step.get() != Step.PREVIEWED) {
            return;
        }
        if (reason.get() == null || reason.get().isBlank()) {
            error.set("Give a reason for the merge: it is recorded in the audit trail.");
            return;
        }
        error.set("");
        confirmation.set("Merge user " + duplicate + " into user " + survivor + "? User " + duplicate
                + " stops being active; its points, referrals and codes move to user " + survivor + ". You can undo it afterwards.");
        step.set(Step.CONFIRM);
    }

    /** Back from the confirmation to the preview. */
    public void cancelConfirm() {
        if (step.get() == Step.CONFIRM) {
            step.set(Step.PREVIEWED);
        }
    }

    /** Merges, as previewed and confirmed. */
    public void confirmMerge() {
        if (step.get() != Step.CONFIRM) {
            return;
        }
        long s = survivor;
        long d = duplicate;
        String why = reason.get().strip();
        busy.set(true);
        runner.run(progress -> actions.merge(s, d, why), outcome -> {
            busy.set(false);
            if (outcome instanceof MergeOutcome.Merged m) {
                mergedDuplicate = d;
                mergedSurvivor = s;
                mergeId = m.mergeId();
                changes.setAll(m.plan().changes());
                message.set("Merged user " + d + " into user " + s + " (merge " + m.mergeId() + ").");
                undoAvailable.set(true);
                step.set(Step.DONE);
                onChange.run();
            } else {
                step.set(Step.PREVIEWED);
                error.set(describe(outcome, s, d));
            }
        }, failure -> {
            busy.set(false);
            step.set(Step.PREVIEWED);
            error.set(UserMessages.describe(failure, "merging users", log));
        });
    }

    /** Undoes the merge just made (unmerge). */
    public void undo() {
        if (!undoAvailable.get()) {
            return;
        }
        long d = mergedDuplicate;
        busy.set(true);
        runner.run(progress -> actions.unmerge(d, "undo of merge " + mergeId + " right after it was made"), outcome -> {
            busy.set(false);
            if (outcome instanceof UnmergeOutcome.Unmerged u) {
                undoAvailable.set(false);
                message.set(UsersViewModel.unmerged(u));
                onChange.run();
            } else {
                error.set("The merge could not be undone: " + ((UnmergeOutcome.Refused) outcome).reason() + ".");
            }
        }, failure -> {
            busy.set(false);
            error.set(UserMessages.describe(failure, "undoing a merge", log));
        });
    }

    private void backToChoose() {
        if (!busy.get()) {
            changes.clear();
            step.set(Step.CHOOSE);
        }
    }

    private Long id(String text, String what) {
        String t = text == null ? "" : text.strip().replaceFirst("^#", "");
        try {
            long id = Long.parseLong(t);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        error.set("Type the id of " + what + ": the number a user's details show as \"User 42\" (search for them on the Users screen).");
        return null;
    }

    static String describe(MergeOutcome outcome, long s, long d) {
        if (outcome instanceof MergeOutcome.Refused r) {
            return "User " + d + " cannot be merged into user " + s + ": " + r.reason() + ".";
        }
        if (outcome instanceof MergeOutcome.RolledBack r) {
            return "The merge failed and was undone, nothing changed: " + r.message() + ". Try again; if it fails again, an operator can look at saga "
                    + r.sagaId() + ".";
        }
        if (outcome instanceof MergeOutcome.Unfinished u) {
            return "The merge did not finish: " + u.message() + ". An operator can finish it on the Sagas screen.";
        }
        return "Unexpected answer: " + outcome.getClass().getSimpleName();
    }

    public StringProperty survivorTextProperty() {
        return survivorText;
    }

    public StringProperty duplicateTextProperty() {
        return duplicateText;
    }

    /** Why the merge is made; required, recorded in the audit trail. */
    public StringProperty reasonProperty() {
        return reason;
    }

    public ReadOnlyObjectProperty<Step> stepProperty() {
        return step;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty undoAvailableProperty() {
        return undoAvailable.getReadOnlyProperty();
    }

    /** The changes previewed (or made), one sentence each. */
    public ObservableList<String> changes() {
        return changes;
    }

    /** The question asked before merging. */
    public ReadOnlyStringProperty confirmationProperty() {
        return confirmation;
    }

    /** What was done: "Merged user 7 into user 3 (merge 12)." */
    public ReadOnlyStringProperty messageProperty() {
        return message;
    }

    /** Why the last step could not be done, as a sentence; empty when it could. */
    public ReadOnlyStringProperty errorProperty() {
        return error;
    }

    /** True in the given step; for the view's visibility bindings. */
    public BooleanBinding isStep(Step s) {
        return Bindings.equal(step, s);
    }
}
