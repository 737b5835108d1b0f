package org.nstcg.integrity.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.console.service.SynchronousTaskRunner;
import org.nstcg.integrity.console.viewmodel.overview.OverviewViewModel;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;

/**
 * Regression (issue 15 §3): the overview's divergence tile read "0 % · nothing cached to compare · sampled just now"
 * while Redis was down. With Redis unreachable the sampler's report, the cache screen's latest round and the overview's
 * figures all say "not measured" and since when the outage began; a round stored before says nothing about now.
 */
@IntegrityTest(engine = IntegrityTest.Engine.NONE, perTest = true)
class DivergenceNotMeasuredIT {

    private final Actor oscar = Actor.operator("oscar");

    @Test
    void withRedisUnreachableTheDivergenceIsNotMeasuredSinceTheOutageBegan(TestDatabase db) {
        // A round measured while Redis answered, stored for the overview's trend and latest round.
        try (IntegrityEngine up = IntegrityEngine.start(db.config(Map.of(ConfigKey.CACHE_SAMPLE_INTERVAL, "1h")), ProgressListener.NONE)) {
            assertThat(up.cacheDivergence().sampleNow().measured()).isTrue();
            assertThat(up.overview().read(oscar).divergence()).isPresent();
            assertThat(up.overview().read(oscar).divergenceUnmeasuredSince()).isEmpty();
            assertThat(up.cacheAdministration().latestRound(oscar).redisDownSince()).isEmpty();
        }

        Instant before = Instant.now();
        try (IntegrityEngine down = IntegrityEngine.start(db.config(Map.of(ConfigKey.REDIS_URL, "redis://127.0.0.1:" + TestServers.freePort(),
                ConfigKey.REDIS_TIMEOUT, "200ms", ConfigKey.CACHE_SAMPLE_INTERVAL, "1h")), ProgressListener.NONE)) {
            DivergenceReport first = down.cacheDivergence().sampleNow();
            assertThat(first.state()).isEqualTo(DivergenceReport.State.REDIS_DOWN);
            assertThat(first.measured()).isFalse();
            assertThat(first.patterns()).isEmpty();
            Instant since = first.redisDownSince().orElseThrow();
            assertThat(since).isBetween(before.minusSeconds(1), first.at());

            // The outage's start, not the latest round's: a second round says the same.
            DivergenceReport second = down.cacheDivergence().sampleNow();
            assertThat(second.redisDownSince()).contains(since);
            assertThat(down.cacheAdministration().latestRound(oscar).redisDownSince()).contains(since);

            assertThat(down.overview().read(oscar).divergence()).as("the round stored while Redis answered").isPresent();
            assertThat(down.overview().read(oscar).divergenceUnmeasuredSince()).contains(since);
            OverviewViewModel overview = new OverviewViewModel(() -> down.overview().read(oscar), f -> true, f -> { },
                    new SynchronousTaskRunner(), Clock.systemDefaultZone(), Duration.ofSeconds(5));
            overview.refresh();
            assertThat(overview.divergenceTile().valueProperty().get()).isEqualTo(OverviewViewModel.NOT_MEASURED);
            assertThat(overview.divergenceTile().detailProperty().get()).startsWith("Redis unreachable since ");
        }
    }
}
