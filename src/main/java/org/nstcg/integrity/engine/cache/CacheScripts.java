package org.nstcg.integrity.engine.cache;

/**
 * The Lua scripts of the coordinated cache. Each runs atomically in Redis and reads the time from Redis itself,
 * so every instance compares instants of one clock.
 *
 * <p>An entry is a hash: {@code d} the JSON value, {@code v} the version of its rows ({@code -1}: not versioned),
 * {@code m} the value's seal ({@link CacheSeal}, checked by the engine, not here: the secret never reaches Redis),
 * {@code inv} the Redis time of the key's last invalidation (a tombstone that outlives the value for
 * {@link CacheCoordinator#TOMBSTONE_TTL}). The epoch key holds the time of the last pattern invalidation.
 *
 * <p>Redis is untrusted input (decision record 0009): a key of another type under a cache key is deleted before it
 * is read ({@code HMGET} on a string would fail the call, and the engine would take Redis for down), a version
 * without a value (which no engine writes) is dropped, and {@link #DROP} removes a value the engine rejected.
 *
 * <p>A Redis that restarted (or evicted the epoch) has lost its tombstones: a read that started before could
 * otherwise fill a value a missed write made stale. So a fill that finds no epoch creates it with the current
 * time and is refused, like every fill whose read started before that instant.
 */
final class CacheScripts {

    private CacheScripts() {
    }

    private static final String NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) ";
    /** {@code hashed(key)}: deletes the key unless it is a hash or absent, so that hash commands on it cannot fail. */
    private static final String HASHED = "local function hashed(k) local ty = redis.call('TYPE', k)['ok'] "
            + "if ty ~= 'hash' and ty ~= 'none' then redis.call('DEL', k) end end ";

    /** KEYS: epoch. The Redis time in milliseconds, the start of a read (creating the epoch like {@link #GET}). */
    static final LuaScript TIME = new LuaScript(NOW
            + "if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], now - 1) end "
            + "return now");

    /**
     * KEYS: entry, epoch. Returns {1, value, version, now, seal} on a hit, {0, '', '', now, ''} on a miss: the caller
     * checks the seal of a hit, and on a miss loads the row and passes {@code now} to {@link #FILL} as the instant its
     * read started. On a Redis without an epoch (new, restarted, or evicted) it creates one just before now, so reads
     * begun on the previous server cannot fill while this one can.
     */
    static final LuaScript GET = new LuaScript(NOW + HASHED
            + "if redis.call('EXISTS', KEYS[2]) == 0 then redis.call('SET', KEYS[2], now - 1) end "
            + "hashed(KEYS[1]) "
            + "local r = redis.call('HMGET', KEYS[1], 'd', 'v', 'm') "
            + "if r[1] then return {1, r[1], r[2] or '-1', now, r[3] or ''} end "
            + "if r[2] then redis.call('HDEL', KEYS[1], 'v', 'm') end "
            + "return {0, '', '', now, ''}");

    /**
     * KEYS: entry, epoch. ARGV: the rejected value, the key's ttl ms. Drops a value the engine rejected (a seal that
     * does not match, JSON that does not parse) if it is still there, keeping the tombstone; a tombstone from the
     * future or a TTL beyond the key's (no engine writes either) is brought back to now and to the key's TTL. Returns
     * now, the start of the read that replaces the value, like a miss of {@link #GET}.
     */
    static final LuaScript DROP = new LuaScript(NOW + HASHED
            + "if redis.call('EXISTS', KEYS[2]) == 0 then redis.call('SET', KEYS[2], now - 1) end "
            + "hashed(KEYS[1]) "
            + "if redis.call('EXISTS', KEYS[1]) == 1 then "
            + "  if redis.call('HGET', KEYS[1], 'd') == ARGV[1] then redis.call('HDEL', KEYS[1], 'd', 'v', 'm') end "
            + "  local inv = redis.call('HGET', KEYS[1], 'inv') "
            + "  if inv and not (tonumber(inv) and tonumber(inv) < now) then redis.call('HSET', KEYS[1], 'inv', now - 1) end "
            + "  local ttl = redis.call('PTTL', KEYS[1]) "
            + "  if ttl < 0 or ttl > tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end "
            + "end "
            + "return now");

    /**
     * KEYS: entry, epoch. ARGV: read start, version, value, ttl ms, max age ms, seal. Stores the value and its seal
     * unless an invalidation of the key (or of a pattern) happened since the read started, the entry holds a newer
     * version, or the read is older than the max age (a tombstone may have expired meanwhile). Returns 1 stored,
     * 0 refused.
     */
    static final LuaScript FILL = new LuaScript(NOW + HASHED
            + "local start = tonumber(ARGV[1]) "
            + "if now - start > tonumber(ARGV[5]) then return 0 end "
            + "local epoch = redis.call('GET', KEYS[2]) "
            + "if not epoch then redis.call('SET', KEYS[2], now) return 0 end "
            + "if tonumber(epoch) >= start then return 0 end "
            + "hashed(KEYS[1]) "
            + "local cur = redis.call('HMGET', KEYS[1], 'v', 'inv') "
            + "if cur[2] and tonumber(cur[2]) >= start then return 0 end "
            + "local v = tonumber(ARGV[2]) "
            + "if cur[1] and v >= 0 and tonumber(cur[1]) > v then return 0 end "
            + "redis.call('HSET', KEYS[1], 'd', ARGV[3], 'v', ARGV[2], 'm', ARGV[6]) "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[4]) "
            + "return 1");

    /**
     * KEYS: epoch, then n entries. ARGV: read start, max age ms, then for each entry version, value, ttl ms, seal.
     * {@link #FILL} for many keys at once (rebuilds); returns how many were stored.
     */
    static final LuaScript FILL_MANY = new LuaScript(NOW + HASHED
            + "local start = tonumber(ARGV[1]) "
            + "if now - start > tonumber(ARGV[2]) then return 0 end "
            + "local epoch = redis.call('GET', KEYS[1]) "
            + "if not epoch then redis.call('SET', KEYS[1], now) return 0 end "
            + "if tonumber(epoch) >= start then return 0 end "
            + "local stored = 0 "
            + "for i = 2, #KEYS do "
            + "  local a = 3 + (i - 2) * 4 "
            + "  hashed(KEYS[i]) "
            + "  local cur = redis.call('HMGET', KEYS[i], 'v', 'inv') "
            + "  local v = tonumber(ARGV[a]) "
            + "  if not (cur[2] and tonumber(cur[2]) >= start) and not (cur[1] and v >= 0 and tonumber(cur[1]) > v) then "
            + "    redis.call('HSET', KEYS[i], 'd', ARGV[a + 1], 'v', ARGV[a], 'm', ARGV[a + 3]) "
            + "    redis.call('PEXPIRE', KEYS[i], ARGV[a + 2]) "
            + "    stored = stored + 1 "
            + "  end "
            + "end "
            + "return stored");

    /**
     * KEYS: entries, then optionally a guard and a marker key. ARGV: channel, message, tombstone ttl ms, then with a
     * guard: its holder's token, the marker's ttl ms, set the marker (1/0). Drops each value, leaves a tombstone with
     * the time, publishes the message to every instance; with a guard, sets the marker when asked and deletes the guard
     * if it still holds the token (a reservation released in the same round trip). Returns the time.
     */
    static final LuaScript INVALIDATE = new LuaScript(NOW + HASHED
            + "local n = #KEYS "
            + "if ARGV[4] then n = n - 2 end "
            + "for i = 1, n do "
            + "  hashed(KEYS[i]) "
            + "  redis.call('HDEL', KEYS[i], 'd', 'v', 'm') "
            + "  redis.call('HSET', KEYS[i], 'inv', now) "
            + "  redis.call('PEXPIRE', KEYS[i], ARGV[3]) "
            + "end "
            + "if n > 0 then redis.call('PUBLISH', ARGV[1], ARGV[2]) end "
            + "if ARGV[4] then "
            + "  if ARGV[6] == '1' then redis.call('SET', KEYS[n + 2], '1', 'PX', ARGV[5]) end "
            + "  local gt = redis.call('TYPE', KEYS[n + 1])['ok'] "
            + "  if gt ~= 'none' and (gt ~= 'string' or redis.call('GET', KEYS[n + 1]) == ARGV[4]) then redis.call('DEL', KEYS[n + 1]) end "
            + "end "
            + "return now");

    /**
     * KEYS: epoch. ARGV: channel, message. Starts a pattern invalidation: from now on no read that started
     * earlier may fill any key; publishes the message. Returns the time.
     */
    static final LuaScript EPOCH = new LuaScript(NOW
            + "redis.call('SET', KEYS[1], now) "
            + "redis.call('PUBLISH', ARGV[1], ARGV[2]) "
            + "return now");
}
