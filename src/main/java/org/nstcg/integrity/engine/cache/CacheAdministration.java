package org.nstcg.integrity.engine.cache;

import org.nstcg.integrity.engine.store.CacheRows.DivergenceSample;
import java.util.List;
import java.time.Instant;
import java.time.Duration;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.audit.AuditEvent;
import org.nstcg.integrity.engine.audit.AuditTrail;
import org.nstcg.integrity.engine.support.ProgressListener;

/**
 * The cache actions an operator takes (rebuild, invalidate): each checks that its {@link Actor} may manage the cache
 * and writes its audit entry, whichever face asked. The entry follows the action, which happens in Redis and cannot
 * share a database transaction with it; a rebuild cancelled half-way is recorded as such, with its figures.
 */
public final class CacheAdministration {

    private final CacheCoordinator coordinator;
    private final CacheRebuilder rebuilder;
    private final AuditTrail audit;
    private final DivergenceSampler sampler;

    public CacheAdministration(CacheCoordinator coordinator, CacheRebuilder rebuilder, DivergenceSampler sampler, AuditTrail audit) {
        this.coordinator = coordinator;
        this.sampler = sampler;
        this.rebuilder = rebuilder;
        this.audit = audit;
    }

    /**
     * Rebuilds the keys matching {@code pattern} ({@link CacheRebuilder#rebuild}), audited as {@code cache.rebuild}.
     *
     * @throws org.nstcg.integrity.engine.account.AccessDeniedException when the actor may not manage the cache (nothing is done)
     */
    public CacheRebuilder.Result rebuild(Actor actor, String pattern, ProgressListener progress, BooleanSupplier cancelled) {
        String who = actor.authorize(Permission.MANAGE_CACHE);
        CacheRebuilder.Result r = rebuilder.rebuild(pattern, progress, cancelled);
        audit.record(AuditEvent.of(who, "cache.rebuild").target("cache", pattern).states(null, figures(r))
                .details(r.cancelled() ? "cancelled" : "finished"));
        return r;
    }

    /**
     * Removes the cached entries matching {@code pattern} on every instance; empty when Redis is unreachable (the
     * invalidation is then recorded and replayed when Redis answers). Audited as {@code cache.invalidate}.
     *
     * @throws IllegalArgumentException when the pattern is not one of the cache's
     * @throws org.nstcg.integrity.engine.account.AccessDeniedException when the actor may not manage the cache
     */
    public Optional<Long> invalidate(Actor actor, String pattern) {
        String who = actor.authorize(Permission.MANAGE_CACHE);
        Optional<Long> removed = coordinator.invalidatePattern(pattern);
        audit.record(AuditEvent.of(who, "cache.invalidate").target("cache", pattern)
                .details(removed.map(n -> n + " entries removed").orElse("Redis unreachable: recorded for replay")));
        return removed;
    }

    /** The coordinator's counters (hits, misses, fills, invalidations), if {@code actor} may see the cache. */
    public CacheStats stats(Actor actor) {
        actor.authorize(Permission.VIEW_CACHE);
        return coordinator.stats();
    }

    /**
     * What Redis holds per key pattern, and its memory and keyspace figures, if {@code actor} may see the cache.
     *
     * @throws org.nstcg.integrity.engine.support.ServerUnavailableException when Redis does not answer
     * @throws org.nstcg.integrity.engine.support.EngineException when PostgreSQL cannot count the missed invalidations
     */
    public CacheInspector.Overview contents(Actor actor) {
        actor.authorize(Permission.VIEW_CACHE);
        return new CacheInspector(coordinator).overview();
    }

    /** Stored divergence samples of every instance since {@code since}, in buckets, if {@code actor} may see the cache. */
    public List<DivergenceSample> divergence(Actor actor, Instant since, Duration bucket) {
        actor.authorize(Permission.VIEW_CACHE);
        return sampler.history(since, bucket);
    }

    /** The latest sampling round of this instance, if {@code actor} may see the cache. */
    public DivergenceReport latestRound(Actor actor) {
        actor.authorize(Permission.VIEW_CACHE);
        return sampler.current();
    }

    /** The worst divergence per pattern over {@code lookBack}, if {@code actor} may see the cache. */
    public List<DivergenceSampler.Peak> peaks(Actor actor, Duration lookBack) {
        actor.authorize(Permission.VIEW_CACHE);
        return sampler.peaks(lookBack);
    }

    /** A rebuild's figures, as the audit entry and the CLI's {@code --json} give them. */
    public static ObjectNode figures(CacheRebuilder.Result r) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("pattern", r.pattern());
        root.put("cancelled", r.cancelled());
        root.put("total", r.total());
        root.put("done", r.done());
        root.put("written", r.written());
        root.put("refused", r.refused());
        root.put("durationMillis", r.duration().toMillis());
        root.put("perSecond", Math.round(r.perSecond()));
        return root;
    }
}
