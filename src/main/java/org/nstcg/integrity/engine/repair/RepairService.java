package org.nstcg.integrity.engine.repair;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.audit.AuditTrail;
import org.nstcg.integrity.engine.cache.CacheCoordinator;
import org.nstcg.integrity.engine.cache.CacheRebuilder;
import org.nstcg.integrity.engine.cache.DivergenceSampler;
import org.nstcg.integrity.engine.saga.SagaService;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.store.LegacyImportStore;

/**
 * The repairs on offer, one per kind of integrity finding, each previewable and audited. A repair offers work only
 * for what its check ({@link #forCheck}) reports, and everything a repair can fix is a finding of its check:
 * {@code RepairsMatchTheirChecksIT} crafts each kind of damage and holds them to it.
 */
public final class RepairService {

    private final Map<String, Repair> repairs = new LinkedHashMap<>();

    /**
     * @param legacy    the legacy import's rows, whose rows held for a taken referral code the referral-codes repair imports
     * @param stuckAfter how long past its lease an unfinished saga is stuck (as the stuck-sagas check judges it)
     * @param issueCode issues a new referral code for (user id, first name)
     */
    public RepairService(Jdbc jdbc, LegacyImportStore legacy, ObjectMapper json, AuditTrail audit, CacheCoordinator cache,
                         SagaService sagas, CacheRebuilder rebuilder, DivergenceSampler sampler, Clock clock, Duration stuckAfter,
                         BiFunction<Long, String, String> issueCode) {
        add(new ReferralCodeRepair(jdbc, legacy, json, audit, cache, issueCode));
        add(new PointsRepair(jdbc, json, audit, cache));
        add(new MissingProfileRepair(jdbc, json, audit, cache));
        add(new ReferralCountRepair(jdbc, json, audit, cache));
        add(new StuckSagaRepair(sagas, audit, json, clock, stuckAfter));
        add(new CacheRepair(rebuilder, sampler, cache.rows(), audit, json));
    }

    /**
     * Adds the duplicate-emails repair, which merges through the merge saga of another package.
     *
     * @param preview (survivor, duplicate, actor) → what a merge would do, as a sentence
     * @param merge   (survivor, duplicate, actor, reason) → what the merge did, as a sentence
     */
    public void addDuplicateEmails(Jdbc jdbc, ObjectMapper json, AuditTrail audit, CacheCoordinator cache,
                                   PreviewFunction preview, MergeFunction merge) {
        add(new DuplicateEmailRepair(jdbc, json, audit, cache, new DuplicateEmailRepair.Merger() {
            @Override
            public String preview(long survivor, long duplicate, Actor actor) {
                return preview.preview(survivor, duplicate, actor);
            }

            @Override
            public String merge(long survivor, long duplicate, Actor actor, String reason) {
                return merge.merge(survivor, duplicate, actor, reason);
            }
        }));
    }

    /** What merging one user into another would do, as a sentence; writes nothing. */
    @FunctionalInterface
    public interface PreviewFunction {
        String preview(long survivor, long duplicate, Actor actor);
    }

    /** Merges one user into another; returns a sentence saying what happened. */
    @FunctionalInterface
    public interface MergeFunction {
        String merge(long survivor, long duplicate, Actor actor, String reason);
    }

    /** Adds a repair (another package's, such as merging duplicate emails). */
    public void add(Repair repair) {
        repairs.put(repair.kind(), repair);
    }

    public List<Repair> all() {
        return new ArrayList<>(repairs.values());
    }

    public Optional<Repair> find(String kind) {
        return Optional.ofNullable(repairs.get(kind));
    }

    /** Which repair answers which check's findings (checks named in {@code BuiltInChecks}). */
    private static final Map<String, String> FOR_CHECK = Map.of(
            "referral-code-uniqueness", "referral-codes",
            "email-uniqueness", "duplicate-emails",
            "cache-consistency", "cache",
            "orphans", "missing-profile",
            "points-ledger", "points",
            "referral-count", "referral-count",
            "stuck-sagas", "sagas");

    /** The repair for a check's findings, if one is on offer (outbox-backlog has none: publishing is not ours). */
    public Optional<Repair> forCheck(String checkName) {
        return Optional.ofNullable(FOR_CHECK.get(checkName)).flatMap(this::find);
    }

    /** The kinds, for messages. */
    public String kinds() {
        return String.join(", ", repairs.keySet());
    }
}
