package org.nstcg.integrity.engine.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.support.Alert;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;

/**
 * The saga engine on a test saga whose steps write rows of a test table: failing compensations end in
 * FAILED_NEEDS_ATTENTION with an alert and are finished by an operator's retry; sagas abandoned by a crashed
 * instance are finished by recovery, each by exactly one of two instances recovering at once.
 */
@IntegrityTest
class SagaRecoveryIT {

    /** The test saga's data. */
    record Widget(String name) {
    }

    private static TestDatabase db;
    private static IntegrityEngine engine;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicBoolean COMPENSATION_BROKEN = new AtomicBoolean();
    private static final AtomicBoolean CRASH_AT_C = new AtomicBoolean();

    @BeforeAll
    static void start(TestDatabase slice, IntegrityEngine started) throws Exception {
        db = slice;
        engine = started;
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE widget_parts (saga_id UUID NOT NULL, step TEXT NOT NULL, PRIMARY KEY (saga_id, step))");
            st.execute("CREATE TABLE widget_undo_log (saga_id UUID NOT NULL, step TEXT NOT NULL, at TIMESTAMPTZ DEFAULT now())");
        }
    }

    /** What a widget step records: the part it inserted. */
    record Part(String part) {
    }

    /** The key of widget step {@code name}. */
    private static StepKey<Part> part(String name) {
        return StepKey.of(name, Part.class);
    }

    private static SagaStep.LocalAction<Widget, Part> insertPart(String step) {
        return (ctx, w, tx) -> {
            if (step.equals("C") && CRASH_AT_C.get()) {
                throw new FaultInjection.SimulatedCrash();
            }
            tx.queryTimeout(ctx.remaining());
            tx.update("INSERT INTO widget_parts (saga_id, step) VALUES (?, ?)", ctx.sagaId(), step);
            return new Part(step);
        };
    }

    private static SagaStep.LocalCompensation<Widget, Part> removePart(String step) {
        return (ctx, w, result, tx) -> {
            if (COMPENSATION_BROKEN.get() && step.equals("A")) {
                throw new IllegalStateException("the widget store refuses to remove part A");
            }
            // Removes the part its step recorded: the compensation's typed result, read back from the log after a crash.
            tx.update("DELETE FROM widget_parts WHERE saga_id = ? AND step = ?", ctx.sagaId(), result.part());
            tx.update("INSERT INTO widget_undo_log (saga_id, step) VALUES (?, ?)", ctx.sagaId(), result.part());
        };
    }

    /** A → B → C (fails when told) → D, all local, no pivot. */
    private static final SagaDefinition<Widget> WIDGET = SagaDefinition.builder("widget", Widget.class)
            .local(part("A"), insertPart("A"), removePart("A"))
            .local(part("B"), insertPart("B"), removePart("B"))
            .local(part("C"), (ctx, w, tx) -> {
                if (w.name().startsWith("fail")) {
                    throw new IllegalStateException("C cannot make " + w.name());
                }
                return insertPart("C").run(ctx, w, tx);
            }, removePart("C"))
            .local(part("D"), insertPart("D"), removePart("D"))
            .build();

    private static final List<Alert> ALERTS = java.util.Collections.synchronizedList(new ArrayList<>());

    private static SagaService service(String owner) {
        SagaStore store = new SagaStore(engine.database().jdbc(), JSON);
        SagaRegistry registry = new SagaRegistry();
        registry.register(WIDGET);
        SagaSettings settings = SagaSettings.defaults().withLease(Duration.ofSeconds(30)).withBackoff(Duration.ofMillis(1), Duration.ofMillis(5));
        SagaOrchestrator o = new SagaOrchestrator(store, registry, owner, settings, Clock.systemUTC(), d -> { }, ALERTS::add);
        return new SagaService(store, o, ALERTS::add, Clock.systemUTC());
    }

    private static long count(String sql, UUID saga) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, saga);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void anErrorThrownAfterALocalStepDidItsWorkRollsThatWorkBack() throws Exception {
        SagaDefinition<Widget> erring = SagaDefinition.builder("widget-error", Widget.class)
                .local(part("A"), insertPart("A"), removePart("A"))
                .local(part("B"), (ctx, w, tx) -> {
                    insertPart("B").run(ctx, w, tx);
                    throw new AssertionError("an Error after the step wrote its row");
                }, removePart("B"))
                .build();
        SagaService sagas = service("owner-error");
        UUID[] id = new UUID[1];
        assertThatThrownBy(() -> sagas.orchestrator().run(erring, "w-error", new Widget("error")))
                .isInstanceOf(AssertionError.class);
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM sagas WHERE business_key = 'w-error'")) {
            assertThat(rs.next()).isTrue();
            id[0] = (UUID) rs.getObject(1);
        }
        assertThat(count("SELECT count(*) FROM widget_parts WHERE saga_id = ? AND step = 'A'", id[0])).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM widget_parts WHERE saga_id = ? AND step = 'B'", id[0]))
                .as("B's work must not be committed without its event").isZero();
        assertThat(count("SELECT count(*) FROM saga_events WHERE saga_id = ? AND step_name = 'B'", id[0])).isZero();
    }

    @Test
    void aFailingCompensationNeedsAttentionRaisesAnAlertAndRetryFinishesItOnceFixed() throws Exception {
        SagaService sagas = service("ops-a");
        COMPENSATION_BROKEN.set(true);
        SagaOutcome outcome;
        try {
            outcome = sagas.orchestrator().run(WIDGET, "w-attention", new Widget("fail-attention"));
        } finally {
            COMPENSATION_BROKEN.set(false);
        }

        assertThat(outcome).isInstanceOf(SagaOutcome.NeedsAttention.class);
        UUID id = outcome.sagaId();
        SagaRecord stuck = sagas.show(TestActors.OPERATOR, id).orElseThrow();
        assertThat(stuck.status()).isEqualTo(SagaStatus.FAILED_NEEDS_ATTENTION);
        assertThat(stuck.events()).filteredOn(e -> e.type() == SagaEvent.Type.COMPENSATION_FAILED).hasSize(1);
        assertThat(count("SELECT count(*) FROM widget_parts WHERE saga_id = ?", id)).as("B undone, A still there").isEqualTo(1);
        assertThat(ALERTS).anySatisfy(a -> {
            assertThat(a.subject()).isEqualTo(id.toString());
            assertThat(a.message()).contains("sagas retry " + id);
        });
        assertThatThrownBy(() -> sagas.retry(id, Actor.operator("ops"), " ")).isInstanceOf(EngineException.class).hasMessageContaining("reason");

        SagaOutcome retried = sagas.retry(id, Actor.operator("alice"), "widget store fixed");

        assertThat(retried).isInstanceOf(SagaOutcome.Compensated.class);
        SagaRecord done = sagas.show(TestActors.OPERATOR, id).orElseThrow();
        assertThat(done.status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(count("SELECT count(*) FROM widget_parts WHERE saga_id = ?", id)).isZero();
        assertThat(done.events()).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(SagaEvent.Type.MANUAL_ACTION);
            assertThat(e.actor()).contains("alice");
            assertThat(e.reason()).contains("widget store fixed");
        });
        assertThatThrownBy(() -> sagas.retry(id, Actor.operator("alice"), "again")).isInstanceOf(EngineException.class)
                .hasMessageContaining("COMPENSATED");
    }

    @Test
    void resolveMarksASagaThatNeedsAttentionAsHandled() throws Exception {
        SagaService sagas = service("ops-b");
        COMPENSATION_BROKEN.set(true);
        SagaOutcome outcome;
        try {
            outcome = sagas.orchestrator().run(WIDGET, "w-resolve", new Widget("fail-resolve"));
        } finally {
            COMPENSATION_BROKEN.set(false);
        }

        sagas.resolve(outcome.sagaId(), Actor.operator("bob"), "removed part A by hand");

        SagaRecord r = sagas.show(TestActors.OPERATOR, outcome.sagaId()).orElseThrow();
        assertThat(r.status()).isEqualTo(SagaStatus.RESOLVED);
        assertThat(r.finishedAt()).isPresent();
        assertThat(r.events().get(r.events().size() - 1).reason()).contains("removed part A by hand");
    }

    @Test
    void aStaleOwnerCannotCommitAStepAfterRecoveryTookTheSagaOver() throws Exception {
        CountDownLatch insideB = new CountDownLatch(1);
        CountDownLatch releaseB = new CountDownLatch(1);
        SagaDefinition<Widget> slow = SagaDefinition.builder("widget-slow", Widget.class)
                .local(part("A"), insertPart("A"), removePart("A"))
                .local(part("B"), (ctx, w, tx) -> {
                    var result = insertPart("B").run(ctx, w, tx); // in B's transaction, not yet committed
                    insideB.countDown();
                    releaseB.await(30, TimeUnit.SECONDS);
                    return result;
                }, removePart("B"))
                .build();
        SagaService stale = service("stale-owner");
        SagaService rescuer = service("rescuer");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<SagaOutcome> staleRun = pool.submit(() -> stale.orchestrator().run(slow, "w-fenced", new Widget("fenced")));
        assertThat(insideB.await(30, TimeUnit.SECONDS)).isTrue();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE sagas SET lease_expires_at = now() - interval '1 second' WHERE business_key = 'w-fenced'");
        }
        // The rescuer's registry must know the slow definition to finish it.
        SagaStore store = new SagaStore(engine.database().jdbc(), JSON);
        SagaRegistry registry = new SagaRegistry();
        registry.register(slow);
        SagaOrchestrator o = new SagaOrchestrator(store, registry, "rescuer", SagaSettings.defaults(), Clock.systemUTC(), d -> { }, ALERTS::add);
        List<SagaOutcome> rescued = new SagaService(store, o, ALERTS::add, Clock.systemUTC()).recoverExpired();

        releaseB.countDown();
        SagaOutcome late = staleRun.get(30, TimeUnit.SECONDS);
        pool.shutdown();

        assertThat(rescued).hasSize(1).first().isInstanceOf(SagaOutcome.Compensated.class);
        assertThat(late).as("the stale owner learns it lost the saga").isInstanceOf(SagaOutcome.TakenOver.class);
        UUID id = late.sagaId();
        assertThat(count("SELECT count(*) FROM widget_parts WHERE saga_id = ?", id)).as("neither A (undone) nor B (fenced)").isZero();
        SagaRecord r = rescuer.show(TestActors.OPERATOR, id).orElseThrow();
        assertThat(r.status()).isEqualTo(SagaStatus.COMPENSATED);
        assertThat(r.events()).noneMatch(e -> e.type() == SagaEvent.Type.STEP_COMPLETED && e.step().equals(java.util.Optional.of("B")));
    }

    @Test
    void twoInstancesRecoveringTheSameExpiredSagasFinishEachExactlyOnce() throws Exception {
        SagaService crashing = service("doomed-instance");
        List<UUID> abandoned = new ArrayList<>();
        CRASH_AT_C.set(true);
        try {
            for (int i = 0; i < 30; i++) {
                try {
                    crashing.orchestrator().run(WIDGET, "w-crash-" + i, new Widget("crash-" + i));
                } catch (FaultInjection.SimulatedCrash expected) {
                    // the "process" died inside step C: A and B are committed, the saga is RUNNING
                }
            }
        } finally {
            CRASH_AT_C.set(false);
        }
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM sagas WHERE business_key LIKE 'w-crash-%' AND status = 'RUNNING'")) {
            while (rs.next()) {
                abandoned.add(UUID.fromString(rs.getString(1)));
            }
        }
        assertThat(abandoned).hasSize(30);
        SagaService one = service("recovery-one");
        SagaService two = service("recovery-two");
        assertThat(one.recoverExpired()).as("leases still live: nothing to take").isEmpty();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE sagas SET lease_expires_at = now() - interval '1 second' WHERE business_key LIKE 'w-crash-%'");
        }

        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        Future<List<SagaOutcome>> a = pool.submit(() -> {
            go.await();
            return one.recoverExpired();
        });
        Future<List<SagaOutcome>> b = pool.submit(() -> {
            go.await();
            return two.recoverExpired();
        });
        go.countDown();
        List<SagaOutcome> byOne = a.get(60, TimeUnit.SECONDS);
        List<SagaOutcome> byTwo = b.get(60, TimeUnit.SECONDS);
        pool.shutdown();

        assertThat(byOne.size() + byTwo.size()).isEqualTo(30);
        java.util.Set<UUID> both = new java.util.HashSet<>(byOne.stream().map(SagaOutcome::sagaId).toList());
        both.retainAll(byTwo.stream().map(SagaOutcome::sagaId).toList());
        assertThat(both).as("no saga finished by both instances").isEmpty();
        for (UUID id : abandoned) {
            SagaRecord r = one.show(TestActors.OPERATOR, id).orElseThrow();
            assertThat(r.status()).isEqualTo(SagaStatus.COMPENSATED);
            assertThat(count("SELECT count(*) FROM widget_parts WHERE saga_id = ?", id)).isZero();
            assertThat(count("SELECT count(*) FROM widget_undo_log WHERE saga_id = ?", id)).as("A and B undone once each").isEqualTo(2);
            assertThat(r.events()).filteredOn(e -> e.type() == SagaEvent.Type.COMPENSATED).hasSize(1);
        }
    }
}
