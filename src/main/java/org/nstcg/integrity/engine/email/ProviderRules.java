package org.nstcg.integrity.engine.email;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Provider rules as data, read from {@code email-providers.txt}; looked up by ASCII domain. */
public final class ProviderRules {

    private final Map<String, ProviderRule> byDomain;

    private ProviderRules(List<ProviderRule> rules) {
        Map<String, ProviderRule> map = new HashMap<>();
        for (ProviderRule rule : rules) {
            for (String domain : rule.domains()) {
                if (map.put(domain, rule) != null) {
                    throw new IllegalArgumentException("domain " + domain + " has two provider rules");
                }
            }
        }
        this.byDomain = Map.copyOf(map);
    }

    public static ProviderRules of(List<ProviderRule> rules) {
        return new ProviderRules(rules);
    }

    /** The rules shipped with the engine. */
    public static ProviderRules builtIn() {
        try (InputStream in = ProviderRules.class.getResourceAsStream("email-providers.txt")) {
            if (in == null) {
                throw new IllegalStateException("email-providers.txt is missing from the class path");
            }
            return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ProviderRules parse(List<String> lines) {
        List<ProviderRule> rules = new java.util.ArrayList<>();
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\|");
            if (f.length != 4) {
                throw new IllegalArgumentException("email-providers.txt line " + n + ": expected 4 fields separated by |");
            }
            Set<String> domains = Arrays.stream(f[0].strip().split("\\s+"))
                    .map(d -> d.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
            String canonical = f[1].strip();
            String dots = f[2].strip();
            String tag = f[3].strip();
            if (!dots.equals("yes") && !dots.equals("no") || !(tag.equals("none") || tag.equals("+") || tag.equals("-"))) {
                throw new IllegalArgumentException("email-providers.txt line " + n
                        + ": remove dots is yes or no, tag separator is +, - or none");
            }
            rules.add(new ProviderRule(domains,
                    canonical.equals("keep") ? Optional.empty() : Optional.of(canonical.toLowerCase(Locale.ROOT)),
                    dots.equals("yes"),
                    tag.equals("none") ? Optional.empty() : Optional.of(tag.charAt(0))));
        }
        return new ProviderRules(rules);
    }

    public Optional<ProviderRule> forDomain(String asciiDomain) {
        return Optional.ofNullable(byDomain.get(asciiDomain));
    }
}
