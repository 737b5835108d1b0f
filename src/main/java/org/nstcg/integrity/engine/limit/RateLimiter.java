package org.nstcg.integrity.engine.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.serialization.Mapper;
import io.github.bucket4j.redis.jedis.Bucket4jJedis;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.nstcg.integrity.engine.config.RateLimit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nstcg.integrity.engine.cache.RedisConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts requests against {@link RateLimit}s, shared by every instance through Redis, and by this instance alone
 * while Redis is down.
 *
 * <p>Design notes: Bucket4j's compare-and-swap buckets on the engine's own Redis client and key prefix
 * ({@code <prefix>ratelimit:<scope>:<subject>}), expiring once a bucket is full again. Its refill is intervally:
 * the allowance returns whole at the end of a window that starts with the subject's first request, so "30/1m" means
 * the 31st request within that minute is refused. Time is the engine's injected {@link Clock}. A Redis failure (the
 * connection's breaker open, or a call failing) counts the request in a per-instance bucket of the same figures
 * instead: the limit still applies, per instance. That is said once at WARN, and once at INFO when Redis counts again;
 * a request is never let through uncounted.
 */
public final class RateLimiter {

    private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);
    private static final int LOCAL_SUBJECTS = 100_000;

    private final RedisConnection redis;
    private final TimeMeter time;
    private final ProxyManager<String> shared;
    private final Cache<String, Bucket> local;
    private final AtomicBoolean countingLocally = new AtomicBoolean();

    public RateLimiter(RedisConnection redis, Clock clock) {
        this.redis = redis;
        this.time = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return clock.millis() * 1_000_000L;
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
        this.shared = Bucket4jJedis.casBasedBuilder(redis.client())
                .keyMapper(new Mapper<String>() {
                    @Override
                    public byte[] toBytes(String key) {
                        return redis.key(key).getBytes(StandardCharsets.UTF_8);
                    }

                    @Override
                    public String toString(String key) {
                        return redis.key(key);
                    }
                })
                .clientClock(time)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .build();
        this.local = Caffeine.newBuilder().maximumSize(LOCAL_SUBJECTS).expireAfterAccess(Duration.ofDays(1)).build();
    }

    /**
     * Counts one request of {@code subject} against {@code limit}.
     *
     * @param scope   what is limited, e.g. "ip" or "mailbox" (a subject's buckets for different scopes are apart)
     * @param subject who, e.g. "203.0.113.9" or a normalised mailbox
     */
    public RateDecision acquire(String scope, String subject, RateLimit limit) {
        String key = "ratelimit:" + scope + ":" + limit + ":" + subject;
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(l -> l.capacity(limit.permits()).refillIntervally(limit.permits(), limit.window()))
                .build();
        Optional<ConsumptionProbe> counted = Optional.empty();
        try {
            counted = redis.tryCall(client -> shared.getProxy(key, () -> configuration).tryConsumeAndReturnRemaining(1));
        } catch (RuntimeException e) {
            // Bucket4j wraps some failures of the call in its own exceptions: Redis did not count it either way.
            log.debug("Counting {} in Redis failed: {}", scope, e.toString());
        }
        ConsumptionProbe probe;
        if (counted.isPresent()) {
            if (countingLocally.compareAndSet(true, false)) {
                log.info("Rate limits are counted in Redis again, shared by every instance");
            }
            probe = counted.get();
        } else {
            if (countingLocally.compareAndSet(false, true)) {
                log.warn("Redis cannot count rate limits: each instance now counts them alone (the same figures, per instance)"
                        + " until Redis answers again");
            }
            probe = local.get(key, k -> Bucket.builder().withCustomTimePrecision(time).addLimit(l -> l.capacity(limit.permits())
                    .refillIntervally(limit.permits(), limit.window())).build()).tryConsumeAndReturnRemaining(1);
        }
        return probe.isConsumed() ? RateDecision.ALLOWED : new RateDecision.Limited(Duration.ofNanos(probe.getNanosToWaitForRefill()));
    }
}
