package org.nstcg.integrity.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.console.viewmodel.accounts.AccountsViewModel;
import org.nstcg.integrity.console.viewmodel.audit.AuditSource;
import org.nstcg.integrity.console.viewmodel.audit.AuditViewModel;
import org.nstcg.integrity.console.viewmodel.cache.CacheSource;
import org.nstcg.integrity.console.viewmodel.cache.CacheViewModel;
import org.nstcg.integrity.console.viewmodel.duplicates.DuplicatesSource;
import org.nstcg.integrity.console.viewmodel.duplicates.DuplicatesViewModel;
import org.nstcg.integrity.console.viewmodel.overview.OverviewViewModel;
import org.nstcg.integrity.console.viewmodel.repairs.RepairsSource;
import org.nstcg.integrity.console.viewmodel.repairs.RepairsViewModel;
import org.nstcg.integrity.console.viewmodel.sagas.SagasViewModel;
import org.nstcg.integrity.console.viewmodel.shell.Feature;
import org.nstcg.integrity.console.viewmodel.shell.PageViewModel;
import org.nstcg.integrity.console.viewmodel.users.MergeActions;
import org.nstcg.integrity.console.viewmodel.users.UsersSource;
import org.nstcg.integrity.console.viewmodel.users.UsersViewModel;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Account;
import org.nstcg.integrity.engine.account.AccountResult;
import org.nstcg.integrity.engine.account.AccountService;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.engine.audit.AuditEntry;
import org.nstcg.integrity.engine.audit.AuditPage;
import org.nstcg.integrity.engine.audit.AuditQuery;
import org.nstcg.integrity.engine.lookup.AuditReader;
import org.nstcg.integrity.engine.audit.AuditVerification;
import org.nstcg.integrity.engine.cache.CacheInspector;
import org.nstcg.integrity.engine.cache.CacheRebuilder;
import org.nstcg.integrity.engine.cache.CacheStats;
import org.nstcg.integrity.engine.cache.DivergenceReport;
import org.nstcg.integrity.engine.dedup.DuplicateCandidate;
import org.nstcg.integrity.engine.dedup.MergeOutcome;
import org.nstcg.integrity.engine.dedup.MergePair;
import org.nstcg.integrity.engine.dedup.UnmergeOutcome;
import org.nstcg.integrity.engine.integrity.CheckRun;
import org.nstcg.integrity.engine.integrity.Finding;
import org.nstcg.integrity.engine.integrity.OverviewReader;
import org.nstcg.integrity.engine.integrity.RunSummary;
import org.nstcg.integrity.engine.lookup.DuplicateAlerts;
import org.nstcg.integrity.engine.lookup.UserDetails;
import org.nstcg.integrity.engine.lookup.UserMatch;
import org.nstcg.integrity.engine.repair.Repair;
import org.nstcg.integrity.engine.repair.RepairPlan;
import org.nstcg.integrity.engine.support.BulkPreview;
import org.nstcg.integrity.engine.support.BulkResult;
import org.nstcg.integrity.engine.saga.SagaService;
import org.nstcg.integrity.engine.store.CacheRows.DivergenceSample;
import org.nstcg.integrity.engine.support.Alert;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.ProgressListener;

/**
 * Makes each screen's view-model for a signed-in user over a running engine. This is the one place where a
 * screen's engine calls are named; each passes the signed-in user as the {@link Actor}, and the engine's service
 * checks the permission it needs, so the engine refuses what the role may not do even if a screen offered it, and
 * audits every action under the signed-in user's name. Screens the role may not see get no view-model at all.
 */
final class ScreenWiring {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final IntegrityEngine engine;
    private final Session session;
    /** The signed-in user as the engine's services see it: they check its permission and audit its actions. */
    private final Actor actor;
    private final FxTaskRunner runner;
    private final Clock clock;
    private final Consumer<Feature> navigate;

    /**
     * @param navigate shows another screen (click-throughs); it ignores screens the user may not see
     */
    ScreenWiring(IntegrityEngine engine, Session session, FxTaskRunner runner, Clock clock, Consumer<Feature> navigate) {
        this.engine = engine;
        this.session = session;
        this.actor = Actor.of(session);
        this.runner = runner;
        this.clock = clock;
        this.navigate = navigate;
    }

    /**
     * Whether an alert concerns this user: duplicate alerts go to whoever handles duplicates, everything else
     * (sagas, cache, checks) to whoever runs checks and repairs.
     */
    static boolean concerns(Session session, Alert alert) {
        if (session.may(Permission.RUN_CHECKS)) {
            return true;
        }
        boolean duplicates = alert.source() != null && alert.source().contains("duplicate");
        return duplicates && session.may(Permission.VIEW_DUPLICATES);
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
        OverviewReader reader = engine.overview();
        return new OverviewViewModel(() -> reader.read(actor), (from, to, bucket) -> reader.trends(actor, from, to, bucket),
                feature -> session.may(feature.permission()), navigate, runner, clock, engine.config().consoleRefresh());
    }

    private PageViewModel duplicates() {
        return new DuplicatesViewModel(new DuplicatesSource() {
            @Override
            public boolean mayApplyRepairs() {
                return session.may(Permission.APPLY_REPAIRS);
            }

            @Override
            public DuplicateAlerts.Report alerts() {
                return DuplicateAlerts.latest(actor, engine.checks(), DuplicatesViewModel.PAGE);
            }

            @Override
            public List<DuplicateCandidate> exact(int offset, int limit) {
                return engine.dedup().duplicates().exact(actor, offset, limit);
            }

            @Override
            public List<DuplicateCandidate> likely(int offset, int limit) {
                return engine.dedup().duplicates().likely(actor, offset, limit);
            }

            @Override
            public BulkPreview<MergePair> mergePreview(List<MergePair> pairs) {
                return engine.dedup().merges().bulk().preview(actor, pairs);
            }

            @Override
            public BulkResult<MergePair> mergeRun(List<MergePair> pairs, String reason, ProgressListener progress, BooleanSupplier cancelled) {
                return engine.dedup().merges().bulk().run(actor, pairs, reason, progress, cancelled);
            }
        }, mergeActions(), runner, clock, engine.config().consoleRefresh());
    }

    /** Merge, preview and unmerge for the Users and Duplicates screens, each checked and audited as the signed-in user. */
    private MergeActions mergeActions() {
        return new MergeActions() {
            @Override
            public boolean allowed() {
                return session.may(Permission.MERGE_USERS);
            }

            @Override
            public MergeOutcome preview(long survivorId, long duplicateId) {
                return engine.dedup().merges().preview(actor, survivorId, duplicateId);
            }

            @Override
            public MergeOutcome merge(long survivorId, long duplicateId, String reason) {
                return engine.dedup().merges().merge(survivorId, duplicateId, actor, reason);
            }

            @Override
            public UnmergeOutcome unmerge(long userId, String reason) {
                return engine.dedup().merges().unmerge(userId, actor, reason);
            }
        };
    }

    private PageViewModel sagas() {
        SagaService sagas = engine.sagas();
        return new SagasViewModel(new EngineSagaSource(sagas, actor), runner, clock, engine.config().consoleRefresh(), session.may(Permission.ACT_ON_SAGAS));
    }

    private PageViewModel cache() {
        return new CacheViewModel(new CacheSource() {
            @Override
            public List<DivergenceSample> divergence(Instant since, Duration bucket) {
                return engine.cacheAdministration().divergence(actor, since, bucket);
            }

            @Override
            public DivergenceReport latestRound() {
                return engine.cacheAdministration().latestRound(actor);
            }

            @Override
            public CacheStats stats() {
                return engine.cacheAdministration().stats(actor);
            }

            @Override
            public CacheInspector.Overview contents() {
                return engine.cacheAdministration().contents(actor);
            }

            @Override
            public CacheRebuilder.Result rebuild(String pattern, ProgressListener progress, BooleanSupplier cancelled) {
                return engine.cacheAdministration().rebuild(actor, pattern, progress, cancelled);
            }

            @Override
            public Optional<Long> invalidate(String pattern) {
                return engine.cacheAdministration().invalidate(actor, pattern);
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
        return new UsersViewModel(new UsersSource() {
            @Override
            public List<UserMatch> search(String query, int limit) {
                return engine.users().search(actor, query, limit);
            }

            @Override
            public Optional<UserDetails> details(long userId) {
                return engine.users().details(actor, userId);
            }
        }, mergeActions(), runner, clock, engine.config().consoleRefresh());
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
                return engine.checks().history(actor, Optional.empty(), limit);
            }

            @Override
            public List<Finding> findings(long runId, String check, int limit) {
                return engine.checks().findings(actor, runId, Optional.of(check), limit);
            }

            @Override
            public CheckRun run(List<String> only, ProgressListener progress) {
                return engine.checks().run(actor, only, progress);
            }

            @Override
            public RepairPlan preview(String kind) {
                return repair(kind).preview(actor);
            }

            @Override
            public RepairPlan apply(String kind, String reason) {
                return repair(kind).apply(actor, reason);
            }

            private Repair repair(String kind) {
                return engine.repairs().find(kind).orElseThrow(() -> new EngineException("There is no repair '" + kind
                        + "'; the repairs are " + engine.repairs().kinds() + "."));
            }
        }, runner, clock, engine.config().consoleRefresh(), session.may(Permission.APPLY_REPAIRS));
    }

    private PageViewModel audit() {
        AuditReader trail = engine.audit();
        return new AuditViewModel(new AuditSource() {
            @Override
            public AuditPage page(AuditQuery query, Optional<AuditPage.Cursor> after, int size) {
                return trail.page(actor, query, after, size);
            }

            @Override
            public Optional<AuditEntry> entry(long id) {
                return trail.entry(actor, id);
            }

            @Override
            public AuditVerification verify() {
                return trail.verify(actor);
            }
        }, runner, clock, engine.config().consoleRefresh());
    }

    private PageViewModel accounts() {
        AccountService accounts = engine.accounts();
        return new AccountsViewModel(new AccountsViewModel.Accounts() {
            @Override
            public List<Account> list() {
                return accounts.list(actor);
            }

            @Override
            public AccountResult create(String username, String displayName, Role role, String password) {
                return accounts.create(actor, username, displayName, role, password);
            }

            @Override
            public AccountResult changeRole(String username, Role role) {
                return accounts.changeRole(actor, username, role);
            }

            @Override
            public AccountResult setDisabled(String username, boolean disabled) {
                return accounts.setDisabled(actor, username, disabled);
            }

            @Override
            public AccountResult resetPassword(String username, String password) {
                return accounts.resetPassword(actor, username, password);
            }

            @Override
            public AccountResult unlock(String username) {
                return accounts.unlock(actor, username);
            }
        }, runner, clock, session.username(), engine.config().consoleRefresh());
    }
}
