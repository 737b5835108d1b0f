package org.nstcg.integrity.engine.cache;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.cache.CacheCoordinator.Lookup;
import org.nstcg.integrity.engine.store.CacheRows;

/**
 * Typed reads of what the platform caches: {@code user:<id>}, {@code count:users}, {@code leaderboard:referrers}
 * and {@code referral:<code>}. Every read goes through the {@link CacheCoordinator}, so it is answered from the
 * near cache, Redis or PostgreSQL, and never fails because of Redis.
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
        Lookup l = cache.get(CacheKeys.user(id), () -> rows.user(id));
        return l.json().map(j -> new Read<>(parse(j, CachedUser.class), l.source()));
    }

    public Read<Long> userCount() {
        Lookup l = cache.get(CacheKeys.USER_COUNT, () -> Optional.of(rows.userCount()));
        return new Read<>(Long.parseLong(l.json().orElse("0")), l.source());
    }

    public Read<List<LeaderboardEntry>> leaderboard() {
        Lookup l = cache.get(CacheKeys.LEADERBOARD, () -> Optional.of(rows.leaderboard()));
        try {
            return new Read<>(json.readValue(l.json().orElse("[]"), new TypeReference<List<LeaderboardEntry>>() { }), l.source());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the cached leaderboard is not valid JSON", e);
        }
    }

    public Optional<Read<CachedReferral>> referral(String code) {
        Lookup l = cache.get(CacheKeys.referral(code), () -> rows.referral(code));
        return l.json().map(j -> new Read<>(parse(j, CachedReferral.class), l.source()));
    }

    private <T> T parse(String text, Class<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a cached " + type.getSimpleName() + " is not valid JSON", e);
        }
    }
}
