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
import org.nstcg.integrity.engine.store.AuditChainLock;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache actions an operator takes (rebuild, invalidate): each checks that its {@link Actor} may manage the cache
 * and writes its audit entry, whichever face asked.
 *
 * <p>Design notes: the actions happen in Redis and cannot share a database transaction with their entries, so the order
 * is what keeps them audited. Every field of the entry is checked against the audit columns before anything is done
 * (a pattern longer than {@code audit_log.target_id} is refused, not discovered after the keys are gone). An
 * invalidation deletes keys: it runs inside a transaction that first takes the audit chain's lock
 * ({@link AuditChainLock}), then invalidates, then appends its entry (which can no longer wait for anyone) and commits;
 * when the trail cannot be written — the lock is held past {@code db.lock-timeout}, PostgreSQL is down — no key is
 * touched. A rebuild only writes what PostgreSQL holds and may take minutes, too long to hold the chain's lock: it
 * checks that the lock can be taken before it starts, appends its entry afterwards (a rebuild cancelled half-way is
 * recorded as such, with its figures), and if that append still fails, says so instead of reporting success.
 */
public final class CacheAdministration {

    private static final Logger log = LoggerFactory.getLogger(CacheAdministration.class);

    /** Longest pattern the audit trail can name as the target ({@code audit_log.target_id} is VARCHAR(100)). */
    public static final int MAX_AUDITED_PATTERN = 100;

    private final CacheCoordinator coordinator;
    private final CacheRebuilder rebuilder;
    private final AuditTrail audit;
    private final DivergenceSampler sampler;
    private final Jdbc jdbc;

    public CacheAdministration(CacheCoordinator coordinator, CacheRebuilder rebuilder, DivergenceSampler sampler, AuditTrail audit,
                               Jdbc jdbc) {
        this.coordinator = coordinator;
        this.sampler = sampler;
        this.rebuilder = rebuilder;
        this.audit = audit;
        this.jdbc = jdbc;
    }

    /**
     * Rebuilds the keys matching {@code pattern} ({@link CacheRebuilder#rebuild}), audited as {@code cache.rebuild}.
     *
     * @throws org.nstcg.integrity.engine.account.AccessDeniedException when the actor may not manage the cache (nothing is done)
     * @throws IllegalArgumentException when the pattern is not one of the cache's, or too long to audit (nothing is done)
     * @throws EngineException when the audit trail cannot be written (before the rebuild: nothing is done)
     */
    public CacheRebuilder.Result rebuild(Actor actor, String pattern, ProgressListener progress, BooleanSupplier cancelled) {
        String who = actor.authorize(Permission.MANAGE_CACHE);
        CacheRebuilder.checkPattern(pattern);
        AuditEvent event = auditable(who, "cache.rebuild", pattern);
        jdbc.transact("check that the audit trail can record the cache rebuild of " + pattern, AuditChainLock::await);
        CacheRebuilder.Result r = rebuilder.rebuild(pattern, progress, cancelled);
        try {
            audit.record(event.states(null, figures(r)).details(r.cancelled() ? "cancelled" : "finished"));
        } catch (EngineException e) {
            log.error("The cache rebuild of {} by {} {} ({} entries written) but could not be audited: {}", pattern, who,
                    r.cancelled() ? "was cancelled" : "finished", r.written(), e.getMessage());
            throw new EngineException("The cache rebuild of " + pattern + (r.cancelled() ? " was cancelled" : " finished") + " ("
                    + r.written() + " entries written) but its audit entry could not be written: " + e.getMessage(), e);
        }
        return r;
    }

    /**
     * Removes the cached entries matching {@code pattern} on every instance; empty when Redis is unreachable (the
     * invalidation is then recorded and replayed when Redis answers). Audited as {@code cache.invalidate}, in the
     * transaction that holds the audit chain's lock while the keys are removed.
     *
     * @throws IllegalArgumentException when the pattern is not one of the cache's, or too long to audit (nothing is done)
     * @throws org.nstcg.integrity.engine.account.AccessDeniedException when the actor may not manage the cache
     * @throws EngineException when the audit trail cannot be written (nothing is done)
     */
    public Optional<Long> invalidate(Actor actor, String pattern) {
        String who = actor.authorize(Permission.MANAGE_CACHE);
        CacheKeys.checkPattern(pattern);
        AuditEvent event = auditable(who, "cache.invalidate", pattern);
        return jdbc.inTransaction("invalidate the cache pattern " + pattern + " with its audit entry", tx -> {
            AuditChainLock.await(tx); // before any key: the entry below then cannot wait, so it cannot fail to be written for a lock
            Optional<Long> removed = coordinator.invalidatePattern(pattern);
            audit.record(tx, event.details(removed.map(n -> n + " entries removed").orElse("Redis unreachable: recorded for replay")));
            return removed;
        });
    }

    /**
     * Checks {@code pattern} by every rule {@link #invalidate} applies before it does anything (well formed, cached
     * keys only, short enough to audit), so a face can refuse it before asking for a confirmation.
     *
     * @throws IllegalArgumentException with a sentence saying why it would be refused
     */
    public static void checkInvalidationPattern(String pattern) {
        CacheKeys.checkPattern(pattern);
        checkAuditable(pattern);
        CacheCoordinator.checkInvalidatable(pattern);
    }

    /** The entry an action on {@code pattern} will append, every field checked now, before the action. */
    private static AuditEvent auditable(String who, String action, String pattern) {
        checkAuditable(pattern);
        return AuditEvent.of(who, action).target("cache", pattern);
    }

    private static void checkAuditable(String pattern) {
        if (pattern != null && pattern.length() > MAX_AUDITED_PATTERN) {
            throw new IllegalArgumentException("a key pattern the audit trail can record is 1 to " + MAX_AUDITED_PATTERN
                    + " characters; this one has " + pattern.length());
        }
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

    /**
     * The latest sampling round of this instance, or "not measured" ({@code REDIS_DOWN}, since when) while Redis does
     * not answer, if {@code actor} may see the cache.
     */
    public DivergenceReport latestRound(Actor actor) {
        actor.authorize(Permission.VIEW_CACHE);
        return sampler.latest();
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
