package org.nstcg.integrity.engine.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.support.IntegrityTest;

/** Issue 15 §5: the overview's trends over a chosen span come from the stored history, and say where it starts. */
@IntegrityTest
class OverviewTrendsIT {

    private final Actor oscar = Actor.operator("oscar");

    @Test
    void trendsCountTheStoredHistoryPerBucketAndHaveNoValueBeforeItStarts(IntegrityEngine engine) {
        for (int i = 0; i < 3; i++) {
            engine.registration().register(new RegistrationRequest("t" + UUID.randomUUID().toString().substring(0, 8) + "@trends.example.org",
                    "Tess", null, null));
        }
        // A registration counts once its saga reads COMPLETED, a record written in groups a few ms after register()
        // returns (CompletionWriter): without the flush the three were still RUNNING in one CI run.
        engine.sagas().orchestrator().flushCompletions();
        engine.cacheDivergence().sampleNow();
        Instant to = Instant.now().plus(1, ChronoUnit.MINUTES);
        Instant from = to.minus(Duration.ofHours(2));

        OverviewTrends t = engine.overview().trends(oscar, from, to, Duration.ofMinutes(10));

        assertThat(t.registrations().values()).hasSize(12);
        List<Double> registrations = t.registrations().values();
        assertThat(registrations.stream().filter(v -> !v.isNaN()).mapToDouble(Double::doubleValue).sum()).isEqualTo(3.0);
        assertThat(registrations.get(0)).as("before the platform's first record: no value, not 0").isNaN();
        assertThat(t.registrations().since()).isPresent();
        assertThat(registrations.get(11)).isEqualTo(3.0);
        assertThat(t.divergence().values().get(11)).as("the round just sampled").isNotNaN();
        assertThat(t.divergence().values().subList(0, 11)).as("no sample, no value").allMatch(v -> v.isNaN());
        assertThat(t.alerts().values().get(11)).isNotNaN();
        assertThat(t.rollbackRate().values().get(11)).isEqualTo(0.0);
    }

    @Test
    void aSpanOfTooManyBucketsIsRefused(IntegrityEngine engine) {
        Instant to = Instant.now();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.overview().trends(oscar, to.minus(Duration.ofDays(7)), to,
                Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 2000 buckets");
    }
}
