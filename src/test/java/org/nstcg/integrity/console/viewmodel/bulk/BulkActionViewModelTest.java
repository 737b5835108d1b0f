package org.nstcg.integrity.console.viewmodel.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.service.SynchronousTaskRunner;
import org.nstcg.integrity.console.viewmodel.bulk.BulkActionViewModel.Step;
import org.nstcg.integrity.engine.support.BulkPreview;
import org.nstcg.integrity.engine.support.BulkResult;
import org.nstcg.integrity.engine.support.BulkResult.Outcome;
import org.nstcg.integrity.engine.support.ProgressListener;

/**
 * The bulk dialog's state over a fake engine, without a stage: progress ("1 of 3") while it runs, Cancel stops before
 * the next item and the summary says what ran, and the screen behind is told to read again.
 */
class BulkActionViewModelTest {

    private final List<String> seenWhileRunning = new ArrayList<>();
    private int refreshed;
    private BulkActionViewModel<String> vm;

    /** Three items; the run reports progress before each, and the user presses Cancel while the first one runs. */
    private final BulkActionViewModel.Source<String> source = new BulkActionViewModel.Source<>() {
        @Override
        public BulkPreview<String> preview() {
            return new BulkPreview<>("retry", List.of(item("a", true), item("b", true), item("c", true), item("d", false)), false);
        }

        @Override
        public BulkResult<String> run(List<String> keys, String reason, ProgressListener progress, BooleanSupplier cancelled) {
            List<BulkResult.Item<String>> items = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                if (cancelled.getAsBoolean()) {
                    items.add(new BulkResult.Item<>(keys.get(i), keys.get(i), Outcome.NOT_RUN, "not run: cancelled"));
                    continue;
                }
                progress.progress("Retrying saga " + (i + 1) + " of " + keys.size() + "…", i + 1, keys.size());
                seenWhileRunning.add(vm.stepProperty().get() + " " + vm.progressTextProperty().get() + " " + vm.progressMessageProperty().get());
                if (i == 0) {
                    vm.cancel();
                    seenWhileRunning.add(vm.progressMessageProperty().get());
                }
                items.add(new BulkResult.Item<>(keys.get(i), keys.get(i), Outcome.DONE, "retried: it completed"));
            }
            return new BulkResult<>(UUID.randomUUID(), "retry", items, true);
        }
    };

    private static BulkPreview.Item<String> item(String key, boolean applicable) {
        return new BulkPreview.Item<>(key, "saga " + key, applicable ? "retry: resumes at step Write (1 of 2)" : "left alone: it is resolved", applicable);
    }

    @Test
    void showsProgressWhileRunningAndACancelStopsBeforeTheNextItem() {
        vm = new BulkActionViewModel<>(source, new SynchronousTaskRunner(), new BulkActionViewModel.Texts("Retry all matching sagas",
                "saga", "sagas", "retried", "Retry", "what was fixed"), () -> refreshed++);
        vm.load();
        assertThat(vm.countProperty().get()).isEqualTo("3 sagas will be retried. 1 saga is left alone, as the table says.");
        assertThat(vm.runTextProperty().get()).isEqualTo("Retry 3 sagas");
        assertThat(vm.rows()).extracting(BulkActionViewModel.Row::outcome).containsExactly("", "", "", "Left alone");

        vm.reasonProperty().set("mended");
        vm.run();

        assertThat(seenWhileRunning).containsExactly("RUNNING 1 of 3 Retrying saga 1 of 3…", "Stopping after the current saga…");
        assertThat(vm.stepProperty().get()).isEqualTo(Step.FINISHED);
        assertThat(vm.summaryProperty().get()).isEqualTo("Cancelled: 1 of 3 sagas retried, 2 not run. The table says why for each;"
                + " every saga done has its own audit entry.");
        assertThat(vm.progressTextProperty().get()).isEqualTo("1 of 3");
        assertThat(vm.rows()).extracting(BulkActionViewModel.Row::outcome).containsExactly("Done", "Not run", "Not run");
        assertThat(refreshed).as("the screen reads its panes again").isEqualTo(1);
    }
}
