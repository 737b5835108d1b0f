package org.nstcg.integrity.engine.integrity;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.nstcg.integrity.engine.cache.DivergenceReport;
import org.nstcg.integrity.engine.store.CacheRows.DivergenceSample;
import org.nstcg.integrity.engine.store.Tx;
import org.nstcg.integrity.engine.support.EngineException;

/**
 * {@code cache-consistency}: one round of the cache's {@link org.nstcg.integrity.engine.cache.DivergenceSampler}
 * ({@code sampleNow()}), one finding per key pattern with any cached entry older than its row (an invalidation was
 * lost). The round is the sampler's own: it is stored in the divergence history, and it raises the sampler's
 * {@code cache.divergence} alert above {@code cache.divergence-alert} (5%) — the PRD's cache inconsistency alert.
 * When Redis is down nothing can be compared: the check ends in {@code error} (it cannot vouch for the cache).
 * A cache entry holds no more than a key, so the affected ids are not known: the figures are in the details.
 */
final class CacheConsistencyCheck implements IntegrityCheck {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Supplier<DivergenceReport> sampleNow;

    CacheConsistencyCheck(Supplier<DivergenceReport> sampleNow) {
        this.sampleNow = sampleNow;
    }

    @Override
    public String name() {
        return BuiltInChecks.CACHE_CONSISTENCY;
    }

    @Override
    public Severity severity() {
        return Severity.WARNING;
    }

    @Override
    public String description() {
        return "No sampled cache entry is older than its PostgreSQL row (a lost invalidation).";
    }

    @Override
    public CheckFindings run(Tx tx, int limit) {
        DivergenceReport report = sampleNow.get();
        if (report.state() == DivergenceReport.State.REDIS_DOWN) {
            throw new EngineException("Redis did not answer, so the cache could not be compared with PostgreSQL");
        }
        List<Finding> findings = new ArrayList<>();
        for (DivergenceSample s : report.patterns()) {
            if (s.divergent() == 0) {
                continue;
            }
            ObjectNode details = JSON.createObjectNode().put("pattern", s.pattern()).put("sampled", s.sampled())
                    .put("divergent", s.divergent()).put("divergencePercent", s.divergence() * 100);
            s.oldestStalenessMs().ifPresentOrElse(ms -> details.put("oldestStalenessMs", ms), () -> details.putNull("oldestStalenessMs"));
            findings.add(new Finding(name(), severity(), List.of(), String.format(Locale.ROOT,
                    "%d of %d sampled %s cache entries (%.1f%%) are older than their rows", s.divergent(), s.sampled(), s.pattern(),
                    s.divergence() * 100), details));
        }
        return new CheckFindings(findings.size(), findings.subList(0, Math.min(limit, findings.size())));
    }
}
