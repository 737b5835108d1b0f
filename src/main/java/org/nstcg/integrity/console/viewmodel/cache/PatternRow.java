package org.nstcg.integrity.console.viewmodel.cache;

/**
 * One key pattern in the cache figures table, as display strings.
 *
 * @param entries    cached entries in Redis now ("—" when Redis could not be read)
 * @param tombstones recent invalidations still remembered
 * @param ttl        the pattern's time to live
 * @param divergence the latest sampling round: "0.4% (2 of 500)", or "not sampled"
 * @param staleness  the oldest divergent entry's staleness in that round, or empty
 */
public record PatternRow(String pattern, String entries, String tombstones, String ttl, String divergence, String staleness) {
}
