package org.nstcg.integrity.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.console.viewmodel.cache.CacheSource;
import org.nstcg.integrity.console.viewmodel.cache.CacheViewModel;
import org.nstcg.integrity.console.viewmodel.overview.OverviewViewModel;
import org.nstcg.integrity.console.viewmodel.repairs.RepairsSource;
import org.nstcg.integrity.console.viewmodel.repairs.RepairsViewModel;
import org.nstcg.integrity.console.viewmodel.shell.Feature;
import org.nstcg.integrity.console.viewmodel.shell.PageViewModel;
import org.nstcg.integrity.console.viewmodel.shell.PlaceholderViewModel;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.engine.audit.AuditEvent;
import org.nstcg.integrity.engine.cache.CacheInspector;
import org.nstcg.integrity.engine.cache.CacheRebuilder;
import org.nstcg.integrity.engine.cache.CacheStats;
import org.nstcg.integrity.engine.cache.DivergenceReport;
import org.nstcg.integrity.engine.store.CacheRows.DivergenceSample;
import org.nstcg.integrity.engine.integrity.CheckRun;
import org.nstcg.integrity.engine.integrity.Finding;
import org.nstcg.integrity.engine.integrity.RunSummary;
import org.nstcg.integrity.engine.repair.Repair;
import org.nstcg.integrity.engine.repair.RepairPlan;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.ProgressListener;

/**
 * Makes each screen's view-model for a signed-in user over a running engine. This is the one place where a
 * screen's engine calls are named; each goes through {@link Session#authorize} with the permission it needs, so
 * the engine refuses what the role may not do even if a screen offered it, and every action is audited under the
 * signed-in user's name. Screens the role may not see get no view-model at all.
 */
final class ScreenWiring {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final IntegrityEngine engine;
    private final Session session;
    private final FxTaskRunner runner;
    private final Clock clock;
    private final Consumer<Feature> navigate;

    /**
     * @param navigate shows another screen (click-throughs); it ignores screens the user may not see
     */
    ScreenWiring(IntegrityEngine engine, Session session, FxTaskRunner runner, Clock clock, Consumer<Feature> navigate) {
        this.engine = engine;
        this.session = session;
        this.runner = runner;
        this.clock = clock;
        this.navigate = navigate;
    }

    /** A factory per screen this user may see, in navigation order. */
    Map<Feature, Supplier<? extends PageViewModel>> pages() {
        Map<Feature, Supplier<? extends PageViewModel>> pages = new EnumMap<>(Feature.class);
        for (Feature feature : Feature.values()) {
            if (session.may(feature.permission())) {
                pages.put(feature, factory(feature));
            }
        }
        return pages;
    }

    private Supplier<? extends PageViewModel> factory(Feature feature) {
        return switch (feature) {
            case OVERVIEW -> this::overview;
            case DUPLICATES -> this::duplicates;
            case SAGAS -> this::sagas;
            case CACHE -> this::cache;
            case USERS -> this::users;
            case REPAIRS -> this::repairs;
            case AUDIT -> this::audit;
            case ACCOUNTS -> this::accounts;
        };
    }

    private PageViewModel overview() {
        return new OverviewViewModel(() -> {
            session.authorize(Permission.VIEW_OVERVIEW);
            return engine.figures();
        }, runner, clock, engine.config().consoleRefresh());
    }

    private PageViewModel duplicates() {
        return new PlaceholderViewModel(Feature.DUPLICATES);
    }

    private PageViewModel sagas() {
        return new PlaceholderViewModel(Feature.SAGAS);
    }

    private PageViewModel cache() {
        return new CacheViewModel(new CacheSource() {
            @Override
            public List<DivergenceSample> divergence(Instant since, Duration bucket) {
                session.authorize(Permission.VIEW_CACHE);
                return engine.cacheDivergence().history(since, bucket);
            }

            @Override
            public DivergenceReport latestRound() {
                session.authorize(Permission.VIEW_CACHE);
                return engine.cacheDivergence().current();
            }

            @Override
            public CacheStats stats() {
                session.authorize(Permission.VIEW_CACHE);
                return engine.cache().coordinator().stats();
            }

            @Override
            public CacheInspector.Overview contents() throws Exception {
                session.authorize(Permission.VIEW_CACHE);
                return new CacheInspector(engine.cache().coordinator()).overview();
            }

            @Override
            public CacheRebuilder.Result rebuild(String pattern, ProgressListener progress, BooleanSupplier cancelled) {
                String actor = session.authorize(Permission.MANAGE_CACHE);
                CacheRebuilder.Result r = engine.cacheRebuilder().rebuild(pattern, progress, cancelled);
                engine.audit().record(AuditEvent.of(actor, "cache.rebuild").target("cache", pattern)
                        .states(null, JSON.createObjectNode().put("pattern", r.pattern()).put("cancelled", r.cancelled())
                                .put("total", r.total()).put("done", r.done()).put("written", r.written()).put("refused", r.refused())
                                .put("durationMillis", r.duration().toMillis()))
                        .details(r.cancelled() ? "cancelled" : "finished"));
                return r;
            }

            @Override
            public Optional<Long> invalidate(String pattern) {
                String actor = session.authorize(Permission.MANAGE_CACHE);
                Optional<Long> removed = engine.cache().coordinator().invalidatePattern(pattern);
                engine.audit().record(AuditEvent.of(actor, "cache.invalidate").target("cache", pattern)
                        .details(removed.map(n -> n + " entries removed").orElse("Redis unreachable: recorded for replay")));
                return removed;
            }

            @Override
            public double alertThreshold() {
                return engine.cacheDivergence().threshold();
            }

            @Override
            public Duration sampleInterval() {
                return engine.config().cacheSampleInterval();
            }
        }, runner, clock, engine.config().consoleRefresh(), session.may(Permission.MANAGE_CACHE));
    }

    private PageViewModel users() {
        return new PlaceholderViewModel(Feature.USERS);
    }

    private PageViewModel repairs() {
        return new RepairsViewModel(new RepairsSource() {
            @Override
            public List<CheckInfo> checks() {
                return engine.checks().checks().stream()
                        .map(c -> new CheckInfo(c.name(), c.severity().label(), c.description())).toList();
            }

            @Override
            public Optional<RepairInfo> repairFor(String check) {
                return engine.repairs().forCheck(check).map(r -> new RepairInfo(r.kind(), r.description()));
            }

            @Override
            public List<RunSummary> history(int limit) {
                session.authorize(Permission.RUN_CHECKS);
                return engine.checks().history(Optional.empty(), limit);
            }

            @Override
            public List<Finding> findings(long runId, String check, int limit) {
                session.authorize(Permission.RUN_CHECKS);
                return engine.checks().findings(runId, Optional.of(check), limit);
            }

            @Override
            public CheckRun run(List<String> only, ProgressListener progress) {
                return engine.checks().run(session.authorize(Permission.RUN_CHECKS), only, progress);
            }

            @Override
            public RepairPlan preview(String kind) {
                session.authorize(Permission.APPLY_REPAIRS);
                return repair(kind).preview();
            }

            @Override
            public RepairPlan apply(String kind, String reason) {
                return repair(kind).apply(session.authorize(Permission.APPLY_REPAIRS), reason);
            }

            private Repair repair(String kind) {
                return engine.repairs().find(kind).orElseThrow(() -> new EngineException("There is no repair '" + kind
                        + "'; the repairs are " + engine.repairs().kinds() + "."));
            }
        }, runner, clock, engine.config().consoleRefresh(), session.may(Permission.APPLY_REPAIRS));
    }

    private PageViewModel audit() {
        return new PlaceholderViewModel(Feature.AUDIT);
    }

    private PageViewModel accounts() {
        return new PlaceholderViewModel(Feature.ACCOUNTS);
    }
}
