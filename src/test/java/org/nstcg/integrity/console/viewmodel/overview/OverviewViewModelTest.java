package org.nstcg.integrity.console.viewmodel.overview;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.service.SynchronousTaskRunner;
import org.nstcg.integrity.console.viewmodel.UserMessages;
import org.nstcg.integrity.engine.store.PlatformFigures;
import org.nstcg.integrity.engine.support.EngineException;

class OverviewViewModelTest {

    private static final Instant NOW = Instant.parse("2026-05-02T12:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final SynchronousTaskRunner runner = new SynchronousTaskRunner();
    private final Deque<Supplier<PlatformFigures>> answers = new ArrayDeque<>();
    private final OverviewViewModel overview = new OverviewViewModel(() -> answers.remove().get(), runner, clock, Duration.ofSeconds(5));

    @Test
    void figuresAreShownAsDisplayStrings() {
        answers.add(() -> new PlatformFigures(12_480, 12_477, 12_500, Optional.of(NOW.minusSeconds(180)), NOW));

        overview.refresh();

        assertThat(overview.usersProperty().get()).isEqualTo("12,480");
        assertThat(overview.activeUsersProperty().get()).isEqualTo("12,477");
        assertThat(overview.inactiveUsersProperty().get()).isEqualTo("3 merged or archived");
        assertThat(overview.referralCodesProperty().get()).isEqualTo("12,500");
        assertThat(overview.lastUpdateProperty().get()).isEqualTo("3 min ago");
        assertThat(overview.lastUpdateExactProperty().get()).isEqualTo("2026-05-02 11:57:00 Z");
        assertThat(overview.updatedAtProperty().get()).isEqualTo("Updated 12:00:00");
        assertThat(overview.errorProperty().get()).isEmpty();
    }

    @Test
    void anEmptyPlatformSaysSo() {
        answers.add(() -> new PlatformFigures(0, 0, 0, Optional.empty(), NOW));

        overview.refresh();

        assertThat(overview.usersProperty().get()).isEqualTo("0");
        assertThat(overview.lastUpdateProperty().get()).isEqualTo(OverviewViewModel.NO_USERS);
        assertThat(overview.lastUpdateExactProperty().get()).isEmpty();
        assertThat(overview.lastUpdateDetailProperty().get()).isEqualTo("Shows the newest change once someone signs up");
        assertThat(overview.inactiveUsersProperty().get()).isEqualTo("None merged or archived");
    }

    @Test
    void beforeTheFirstReadTheTilesShowNoNumbers() {
        assertThat(overview.usersProperty().get()).isEqualTo(OverviewViewModel.NOT_LOADED);
        assertThat(overview.updatedAtProperty().get()).isEqualTo("Loading…");
        assertThat(overview.refreshHintProperty().get()).isEqualTo("Figures refresh every 5 s; press F5 to refresh now.");
    }

    @Test
    void aFailedRefreshKeepsTheLastFiguresAndSaysWhy() {
        answers.add(() -> new PlatformFigures(5, 4, 6, Optional.of(NOW.minusSeconds(7200)), NOW));
        answers.add(() -> {
            throw new EngineException("Cannot read figures from PostgreSQL at 127.0.0.1:5432: Connection refused.");
        });

        overview.refresh();
        overview.refresh();

        assertThat(overview.usersProperty().get()).isEqualTo("5");
        assertThat(overview.lastUpdateProperty().get()).isEqualTo("2 h ago");
        assertThat(overview.updatedAtProperty().get()).isEqualTo("Updated 12:00:00");
        assertThat(overview.errorProperty().get())
                .isEqualTo("Refresh failed at 12:00:00; the figures shown were read at 12:00:00.");
        assertThat(overview.errorDetailProperty().get())
                .isEqualTo("Cannot read figures from PostgreSQL at 127.0.0.1:5432: Connection refused.");
    }

    @Test
    void theNextSuccessfulRefreshClearsTheError() {
        answers.add(() -> {
            throw new EngineException("Cannot read figures.");
        });
        answers.add(() -> new PlatformFigures(1, 1, 1, Optional.of(NOW), NOW));

        overview.refresh();
        assertThat(overview.errorProperty().get()).isEqualTo("The figures could not be read at 12:00:00.");
        assertThat(overview.errorDetailProperty().get()).isEqualTo("Cannot read figures.");
        overview.refresh();

        assertThat(overview.errorProperty().get()).isEmpty();
        assertThat(overview.errorDetailProperty().get()).isEmpty();
        assertThat(overview.usersProperty().get()).isEqualTo("1");
    }

    @Test
    void anUnexpectedFailureShowsAGenericSentenceNotTheException() {
        answers.add(() -> {
            throw new IllegalStateException("NullPointer deep inside");
        });

        overview.refresh();

        assertThat(overview.errorDetailProperty().get()).isEqualTo(UserMessages.UNEXPECTED);
        assertThat(overview.errorProperty().get()).doesNotContain("NullPointer");
    }

    @Test
    void activeOverviewRefreshesOnTheTimerUntilDeactivated() {
        answers.add(() -> new PlatformFigures(1, 1, 1, Optional.of(NOW), NOW));
        answers.add(() -> new PlatformFigures(2, 2, 2, Optional.of(NOW), NOW));

        overview.activate();
        assertThat(overview.usersProperty().get()).isEqualTo("1");
        runner.tick();
        assertThat(overview.usersProperty().get()).isEqualTo("2");

        overview.deactivate();
        assertThat(runner.activeTimers()).isZero();
    }
}
