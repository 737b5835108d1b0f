package org.nstcg.integrity.engine.cache;

import java.util.Collection;

/** Deletes stale keys from Redis; when Redis is down there is nothing to delete from (and nothing to serve). */
public final class RedisCacheInvalidator implements CacheInvalidator {

    private final RedisConnection redis;

    public RedisCacheInvalidator(RedisConnection redis) {
        this.redis = redis;
    }

    @Override
    public void afterCommit(Collection<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        String[] full = keys.stream().map(redis::key).toArray(String[]::new);
        redis.tryCall(r -> r.del(full));
    }
}
