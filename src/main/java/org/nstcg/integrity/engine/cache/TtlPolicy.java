package org.nstcg.integrity.engine.cache;

import java.time.Duration;
import java.util.List;
import org.nstcg.integrity.engine.config.EngineConfig.TtlRule;

/** Time to live by key pattern ({@code cache.ttl}); the first matching rule wins, {@code default} last. */
public final class TtlPolicy {

    private final List<TtlRule> rules;

    public TtlPolicy(List<TtlRule> rules) {
        if (rules.isEmpty() || !"default".equals(rules.get(rules.size() - 1).pattern())) {
            throw new IllegalArgumentException("the rules must end with a default rule");
        }
        this.rules = List.copyOf(rules);
    }

    public Duration ttl(String key) {
        for (TtlRule r : rules) {
            if (r.matches(key)) {
                return r.ttl();
            }
        }
        throw new IllegalStateException("unreachable: the default rule matches every key");
    }

    public List<TtlRule> rules() {
        return rules;
    }
}
