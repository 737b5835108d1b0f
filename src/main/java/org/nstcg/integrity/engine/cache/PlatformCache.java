package org.nstcg.integrity.engine.cache;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.cache.CacheCoordinator.Lookup;
import org.nstcg.integrity.engine.store.CacheRows;

/**
 * Typed reads of what the platform caches: {@code user:<id>}, {@code count:users}, {@code leaderboard:referrers}
 * and {@code referral:<code>}. Every read goes through the {@link CacheCoordinator}, so it is answered from the
 * near cache, Redis or PostgreSQL, and never fails because of Redis: a cached value that does not parse is dropped and
 * read from PostgreSQL.
 */
public final class PlatformCache {

    /** A user with their points, as cached under {@code user:<id>}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CachedUser(long id, String email, String firstName, String lastName, String referralCode, String status,
                             Long mergedInto, long points, long referralCount, String createdAt) {
    }

    /** One row of {@code leaderboard:referrers}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record LeaderboardEntry(long userId, String firstName, String referralCode, long points, long referralCount) {
    }

    /** Who a referral code belongs to, as cached under {@code referral:<code>}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record CachedReferral(String code, String kind, long userId, String status, Long mergedInto) {
    }

    /** A typed value and where it came from. */
    public record Read<T>(T value, CacheCoordinator.Source source) {
    }

    private final CacheCoordinator cache;
    private final CacheRows rows;
    private final ObjectMapper json;

    public PlatformCache(CacheCoordinator cache, ObjectMapper json) {
        this.cache = cache;
        this.rows = cache.rows();
        this.json = json;
    }

    public CacheCoordinator coordinator() {
        return cache;
    }

    public Optional<Read<CachedUser>> user(long id) {
        return read(CacheKeys.user(id), () -> rows.user(id), j -> json.readValue(j, CachedUser.class));
    }

    public Read<Long> userCount() {
        return read(CacheKeys.USER_COUNT, () -> Optional.of(rows.userCount()), Long::valueOf).orElseThrow();
    }

    public Read<List<LeaderboardEntry>> leaderboard() {
        return read(CacheKeys.LEADERBOARD, () -> Optional.of(rows.leaderboard()), j -> {
            List<LeaderboardEntry> entries = json.readValue(j, new TypeReference<List<LeaderboardEntry>>() { });
            return entries == null || entries.contains(null) ? null : entries;
        }).orElseThrow();
    }

    public Optional<Read<CachedReferral>> referral(String code) {
        return read(CacheKeys.referral(code), () -> rows.referral(code), j -> json.readValue(j, CachedReferral.class));
    }

    /** Turns a cached JSON value into its type; null or an exception when it is not one. */
    @FunctionalInterface
    private interface Parser<T> {
        T parse(String json) throws Exception;
    }

    /**
     * Reads a key and parses its value. A value from Redis (or the near cache) that does not parse is dropped and the
     * key read from PostgreSQL ({@link CacheCoordinator#discard}): Redis content never makes a read fail. A value
     * from PostgreSQL that does not parse is a bug, and fails.
     */
    private <T> Optional<Read<T>> read(String key, CacheCoordinator.Loader loader, Parser<T> parser) {
        Lookup l = cache.get(key, loader);
        if (l.json().isEmpty()) {
            return Optional.empty();
        }
        Optional<T> value = parse(l.json().get(), parser);
        if (value.isPresent()) {
            return Optional.of(new Read<>(value.get(), l.source()));
        }
        if (l.source() != CacheCoordinator.Source.DATABASE) {
            Lookup fresh = cache.discard(key, l.json().get(), loader, "its value could not be read as JSON of the expected shape");
            if (fresh.json().isEmpty()) {
                return Optional.empty();
            }
            value = parse(fresh.json().get(), parser);
            if (value.isPresent()) {
                return Optional.of(new Read<>(value.get(), fresh.source()));
            }
        }
        throw new IllegalStateException("PostgreSQL's value of " + CacheKeys.patternOf(key) + " could not be read as JSON of the expected shape");
    }

    private static <T> Optional<T> parse(String text, Parser<T> parser) {
        try {
            return Optional.ofNullable(parser.parse(text));
        } catch (Exception e) {
            // Jackson's message quotes the value, which may hold personal data: nothing of it is kept.
            return Optional.empty();
        }
    }
}
