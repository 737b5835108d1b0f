package org.nstcg.integrity.engine.email;

import java.util.Optional;
import java.util.Set;

/**
 * How one mailbox provider spells the same mailbox in several ways.
 *
 * @param domains         ASCII, lower-case domains the rule applies to
 * @param canonicalDomain the domain every spelling is written with, if the provider has aliases (gmail.com)
 * @param removeDots      whether dots in the local part are ignored by the provider
 * @param tagSeparator    the sub-address separator ({@code +}, or {@code -} for Yahoo), if any
 */
public record ProviderRule(Set<String> domains, Optional<String> canonicalDomain, boolean removeDots, Optional<Character> tagSeparator) {

    public ProviderRule {
        domains = Set.copyOf(domains);
    }
}
