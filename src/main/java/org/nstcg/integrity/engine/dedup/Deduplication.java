package org.nstcg.integrity.engine.dedup;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import org.nstcg.integrity.engine.audit.AuditTrail;
import org.nstcg.integrity.engine.cache.CacheCoordinator;
import org.nstcg.integrity.engine.registration.KnownMailboxes;
import org.nstcg.integrity.engine.email.EmailNormalizer;
import org.nstcg.integrity.engine.referral.ReferralCodeGenerator;
import org.nstcg.integrity.engine.saga.SagaOrchestrator;
import org.nstcg.integrity.engine.store.DuplicateStore;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.store.MergeStore;

/** Legacy data and duplicates: the import of legacy users, duplicate detection, merge and unmerge. */
public final class Deduplication {

    private final LegacyImporter importer;
    private final DuplicateFinder finder;
    private final MergeService merges;

    public Deduplication(Jdbc jdbc, EmailNormalizer emails, ReferralCodeGenerator codes, SagaOrchestrator orchestrator,
                         AuditTrail audit, CacheCoordinator cache, KnownMailboxes known, ObjectMapper json, Clock clock) {
        this.importer = new LegacyImporter(jdbc, emails, codes, audit, cache, json, clock);
        this.finder = new DuplicateFinder(new DuplicateStore(jdbc));
        MergeStore store = new MergeStore();
        this.merges = new MergeService(jdbc, store, new MergeSaga(store, audit, cache, known, json), orchestrator, audit, cache,
                known, json);
    }

    public LegacyImporter importer() {
        return importer;
    }

    public DuplicateFinder duplicates() {
        return finder;
    }

    public MergeService merges() {
        return merges;
    }
}
