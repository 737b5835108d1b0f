package org.nstcg.integrity.engine.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.integrity.AlertLog.StoredAlert;
import org.nstcg.integrity.engine.support.Alert;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.ManualScheduler;
import org.nstcg.integrity.support.TestDatabase;

/**
 * Alerts raised on one engine instance are stored in PostgreSQL and seen by another. The alert log writes on the
 * engine's scheduler: each engine has a {@link ManualScheduler}, and the test runs the write it queued instead of
 * waiting for it.
 */
@IntegrityTest(engine = IntegrityTest.Engine.NONE, perTest = true)
class AlertLogIT {

    private TestDatabase db;
    private IntegrityEngine a;
    private IntegrityEngine b;
    private ManualScheduler aScheduler;
    private ManualScheduler bScheduler;

    @BeforeEach
    void start(TestDatabase slice) {
        db = slice;
        aScheduler = new ManualScheduler();
        bScheduler = new ManualScheduler();
        a = start(aScheduler);
        b = start(bScheduler);
    }

    private IntegrityEngine start(ManualScheduler scheduler) {
        return IntegrityEngine.start(db.config(), Clock.systemUTC(), ProgressListener.NONE, IntegrityEngine.Mode.SERVICE, scheduler);
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
    }

    @Test
    void anAlertRaisedOnOneInstanceIsReadByAnotherWithItsOrigin() throws Exception {
        long before = b.alertLog().latestId();
        Instant at = Instant.now();
        a.alerts().raise(new Alert("critical", "integrity.duplicate-referral-codes", "users", "2 codes shared", at));
        aScheduler.runDue(); // a's alert log writes what was queued

        List<StoredAlert> seen = b.alertLog().after(before, 10);

        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).instanceId()).isEqualTo(a.instanceId()).isNotEqualTo(b.instanceId());
        assertThat(seen.get(0).alert().message()).isEqualTo("2 codes shared");
        assertThat(seen.get(0).alert().severity()).isEqualTo("critical");
        assertThat(b.alertLog().latestId()).isEqualTo(seen.get(0).id());
        assertThat(b.alertLog().since(at.minus(Duration.ofMinutes(1)), 10)).extracting(Alert::subject).containsExactly("users");
        assertThat(b.alertLog().since(at.plus(Duration.ofMinutes(1)), 10)).isEmpty();
    }

    @Test
    void alertsFromBothInstancesAreOrderedByTheirStoredIds() throws Exception {
        long before = a.alertLog().latestId();
        a.alerts().raise(new Alert("warning", "saga.rollback-rate", "sagas", "first", Instant.now()));
        aScheduler.runDue();
        b.alerts().raise(new Alert("warning", "cache.divergence", "user:*", "second", Instant.now()));
        bScheduler.runDue();

        List<StoredAlert> seen = a.alertLog().after(before, 10);

        assertThat(seen).extracting(s -> s.alert().message()).containsExactly("first", "second");
        assertThat(seen).extracting(StoredAlert::instanceId).containsExactly(a.instanceId(), b.instanceId());
    }
}
