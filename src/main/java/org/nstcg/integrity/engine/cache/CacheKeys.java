package org.nstcg.integrity.engine.cache;

import java.util.List;

/**
 * The logical keys of the cache (without the engine's Redis prefix). The key patterns are what TTLs, the
 * divergence sampler, rebuilds and {@code cache stats} are organised by.
 */
public final class CacheKeys {

    /** The platform's public sign-up counter (active users). */
    public static final String USER_COUNT = "count:users";
    /** Top referrers by points. */
    public static final String LEADERBOARD = "leaderboard:referrers";
    public static final String USER_PATTERN = "user:*";
    public static final String REFERRAL_PATTERN = "referral:*";
    public static final String COUNT_PATTERN = "count:*";
    public static final String LEADERBOARD_PATTERN = "leaderboard:*";
    /** The patterns the engine caches, in the order reports list them. */
    public static final List<String> PATTERNS = List.of(USER_PATTERN, REFERRAL_PATTERN, COUNT_PATTERN, LEADERBOARD_PATTERN);

    private CacheKeys() {
    }

    public static String user(long id) {
        return "user:" + id;
    }

    public static String referral(String code) {
        return "referral:" + code;
    }

    /** The pattern a key belongs to ({@code user:42} → {@code user:*}). */
    public static String patternOf(String key) {
        int colon = key.indexOf(':');
        return colon < 0 ? key : key.substring(0, colon + 1) + "*";
    }

    /**
     * Checks a pattern typed by an operator: a key, or a prefix ending in {@code *}; only the final {@code *} is a
     * wildcard.
     *
     * @throws IllegalArgumentException with a sentence saying what is allowed
     */
    public static String checkPattern(String pattern) {
        if (pattern == null || pattern.isBlank() || pattern.length() > 200) {
            throw new IllegalArgumentException("a key pattern is 1 to 200 characters, such as user:* or user:42");
        }
        String body = pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) : pattern;
        if (body.chars().anyMatch(c -> c <= ' ' || c == '*' || c == '?' || c == '[' || c == ']' || c == '\\' || c > 126)) {
            throw new IllegalArgumentException("'" + pattern + "' is not a key pattern: use printable ASCII without spaces,"
                    + " ? [ ] or \\, with * only at the end, such as user:* or count:users");
        }
        return pattern;
    }

    /** Whether {@code key} matches {@code pattern} (a key, or a prefix ending in {@code *}). */
    public static boolean matches(String pattern, String key) {
        return pattern.endsWith("*") ? key.startsWith(pattern.substring(0, pattern.length() - 1)) : key.equals(pattern);
    }
}
