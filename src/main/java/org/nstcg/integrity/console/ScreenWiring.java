package org.nstcg.integrity.console;

import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.console.viewmodel.duplicates.DuplicatesSource;
import org.nstcg.integrity.console.viewmodel.duplicates.DuplicatesViewModel;
import org.nstcg.integrity.console.viewmodel.overview.OverviewViewModel;
import org.nstcg.integrity.console.viewmodel.shell.Feature;
import org.nstcg.integrity.console.viewmodel.shell.PageViewModel;
import org.nstcg.integrity.console.viewmodel.shell.PlaceholderViewModel;
import org.nstcg.integrity.console.viewmodel.users.MergeActions;
import org.nstcg.integrity.console.viewmodel.users.UsersSource;
import org.nstcg.integrity.console.viewmodel.users.UsersViewModel;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.engine.dedup.DuplicateCandidate;
import org.nstcg.integrity.engine.dedup.MergeOutcome;
import org.nstcg.integrity.engine.dedup.UnmergeOutcome;
import org.nstcg.integrity.engine.lookup.DuplicateAlerts;
import org.nstcg.integrity.engine.lookup.UserDetails;
import org.nstcg.integrity.engine.lookup.UserMatch;

/**
 * Makes each screen's view-model for a signed-in user over a running engine. This is the one place where a
 * screen's engine calls are named; each goes through {@link Session#authorize} with the permission it needs, so
 * the engine refuses what the role may not do even if a screen offered it, and every action is audited under the
 * signed-in user's name. Screens the role may not see get no view-model at all.
 */
final class ScreenWiring {

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
        return new DuplicatesViewModel(new DuplicatesSource() {
            @Override
            public DuplicateAlerts.Report alerts() {
                session.authorize(Permission.VIEW_DUPLICATES);
                return DuplicateAlerts.latest(engine.checks(), DuplicatesViewModel.PAGE);
            }

            @Override
            public List<DuplicateCandidate> exact(int offset, int limit) {
                session.authorize(Permission.VIEW_DUPLICATES);
                return engine.dedup().duplicates().exact(offset, limit);
            }

            @Override
            public List<DuplicateCandidate> likely(int offset, int limit) {
                session.authorize(Permission.VIEW_DUPLICATES);
                return engine.dedup().duplicates().likely(offset, limit);
            }
        }, mergeActions(), runner, clock);
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
                session.authorize(Permission.MERGE_USERS);
                return engine.dedup().merges().preview(survivorId, duplicateId);
            }

            @Override
            public MergeOutcome merge(long survivorId, long duplicateId, String reason) {
                String actor = session.authorize(Permission.MERGE_USERS);
                return engine.dedup().merges().merge(survivorId, duplicateId, actor, reason);
            }

            @Override
            public UnmergeOutcome unmerge(long userId, String reason) {
                String actor = session.authorize(Permission.MERGE_USERS);
                return engine.dedup().merges().unmerge(userId, actor, reason);
            }
        };
    }

    private PageViewModel sagas() {
        return new PlaceholderViewModel(Feature.SAGAS);
    }

    private PageViewModel cache() {
        return new PlaceholderViewModel(Feature.CACHE);
    }

    private PageViewModel users() {
        return new UsersViewModel(new UsersSource() {
            @Override
            public List<UserMatch> search(String query, int limit) {
                session.authorize(Permission.LOOK_UP_USERS);
                return engine.users().search(query, limit);
            }

            @Override
            public Optional<UserDetails> details(long userId) {
                session.authorize(Permission.LOOK_UP_USERS);
                return engine.users().details(userId);
            }
        }, mergeActions(), runner, clock);
    }

    private PageViewModel repairs() {
        return new PlaceholderViewModel(Feature.REPAIRS);
    }

    private PageViewModel audit() {
        return new PlaceholderViewModel(Feature.AUDIT);
    }

    private PageViewModel accounts() {
        return new PlaceholderViewModel(Feature.ACCOUNTS);
    }
}
