package org.nstcg.integrity.engine.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.support.IntegrityTest;

/**
 * Times the whole suite on a large platform in a throwaway schema. Off by default; run it with
 * {@code -Dintegrity.bench.users=1000000}. Writes the seconds per check to {@code target/integrity-suite-timing.txt}.
 */
@EnabledIfSystemProperty(named = "integrity.bench.users", matches = "\\d+")
@IntegrityTest(settings = {"checks.interval=off", "cache.sample-interval=1h", "db.pool.size=4"})
class SuiteTimingIT {

    @Test
    void theSuiteOnALargeConsistentPlatformFindsNothingAndIsTimedPerCheck(IntegrityEngine engine) throws Exception {
        long users = Long.parseLong(System.getProperty("integrity.bench.users"));
        long t0 = System.nanoTime();
        SuiteTiming.createUsers(engine.database().jdbc(), users);
        double setup = (System.nanoTime() - t0) / 1e9;
        // Fill the cache a little so cache-consistency compares something.
        for (long id = 1; id <= Math.min(users, 500); id++) {
            engine.cache().user(id);
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%,d users created in %.1f s", users, setup));
        for (int round = 1; round <= 2; round++) {
            long s0 = System.nanoTime();
            List<SuiteTiming.Timing> timings = SuiteTiming.time(engine.checks(), Actor.operator("bench"));
            double total = (System.nanoTime() - s0) / 1e9;
            lines.add("run " + round + (round == 1 ? " (cold-ish)" : " (warm)") + String.format(Locale.ROOT, ": whole run incl. storing %.2f s", total));
            for (SuiteTiming.Timing t : timings) {
                lines.add(String.format(Locale.ROOT, "  %-26s %-7s %,8d findings %8.3f s", t.check(), t.status(), t.findings(), t.seconds()));
                assertThat(t.findings()).as(t.check()).isZero();
                assertThat(t.status()).as(t.check()).isEqualTo("passed");
            }
        }
        Files.write(Path.of("target", "integrity-suite-timing.txt"), lines);
        lines.forEach(System.out::println);
    }
}
