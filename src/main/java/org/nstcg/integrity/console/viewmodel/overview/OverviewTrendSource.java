package org.nstcg.integrity.console.viewmodel.overview;

import java.time.Duration;
import java.time.Instant;
import org.nstcg.integrity.engine.integrity.OverviewTrends;

/** Where the overview reads its trends over a chosen span; the console passes the engine's {@code OverviewReader}. */
@FunctionalInterface
public interface OverviewTrendSource {

    /** The trends over [from, to) in buckets of {@code bucket}; slow, never called on the FX thread. */
    OverviewTrends trends(Instant from, Instant to, Duration bucket);
}
