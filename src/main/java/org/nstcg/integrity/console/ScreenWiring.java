package org.nstcg.integrity.console;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.nstcg.integrity.console.service.FxTaskRunner;
import org.nstcg.integrity.console.viewmodel.overview.OverviewViewModel;
import org.nstcg.integrity.console.viewmodel.shell.Feature;
import org.nstcg.integrity.console.viewmodel.shell.PageViewModel;
import org.nstcg.integrity.console.viewmodel.shell.PlaceholderViewModel;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.engine.integrity.OverviewReader;

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
        OverviewReader reader = new OverviewReader(engine.database().dataSource(), engine::figures, engine.alerts()::recent,
                engine.cacheDivergence().threshold(), clock);
        return new OverviewViewModel(() -> {
            session.authorize(Permission.VIEW_OVERVIEW);
            return reader.read();
        }, feature -> session.may(feature.permission()), navigate, runner, clock, engine.config().consoleRefresh());
    }

    private PageViewModel duplicates() {
        return new PlaceholderViewModel(Feature.DUPLICATES);
    }

    private PageViewModel sagas() {
        return new PlaceholderViewModel(Feature.SAGAS);
    }

    private PageViewModel cache() {
        return new PlaceholderViewModel(Feature.CACHE);
    }

    private PageViewModel users() {
        return new PlaceholderViewModel(Feature.USERS);
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
