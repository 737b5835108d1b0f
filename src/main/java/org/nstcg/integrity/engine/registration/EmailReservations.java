package org.nstcg.integrity.engine.registration;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.cache.CacheInvalidator;
import org.nstcg.integrity.engine.cache.LuaScript;
import org.nstcg.integrity.engine.cache.RedisConnection;
import redis.clients.jedis.params.SetParams;

/**
 * Cross-instance guards in Redis for registrations: an in-flight reservation per mailbox, and a short-lived
 * "known email" fast path.
 *
 * <p>Design notes: the reservation is {@code SET key token NX PX} so one instance at a time writes a given
 * mailbox; it expires by itself if its holder dies and is released by compare-and-delete (Lua), so a holder
 * whose reservation expired never deletes someone else's. Neither guard is needed for correctness: the unique
 * index decides. They spare PostgreSQL the losing writes, and when Redis is down both simply say "unknown".
 */
final class EmailReservations {

    /** KEYS: known, reservation; ARGV: token, ttl ms. One round trip for the fast path and the reservation. */
    private static final LuaScript CHECK_AND_RESERVE = new LuaScript("if redis.call('exists', KEYS[1]) == 1 then return 'known' end "
            + "if redis.call('set', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return 'acquired' end return 'held'");
    /** KEYS: reservation; ARGV: token. Releases the reservation, only if it is still its holder's. */
    private static final LuaScript RELEASE = new LuaScript("if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('del', KEYS[1]) end return 1");

    /** How long a reservation lives if its holder never releases it. */
    static final Duration RESERVATION_TTL = Duration.ofSeconds(30);
    /** How long "this mailbox is registered" is remembered. */
    static final Duration KNOWN_TTL = Duration.ofSeconds(120);

    /** The result of trying to reserve a mailbox. */
    enum Reservation { KNOWN_REGISTERED, ACQUIRED, HELD_ELSEWHERE, REDIS_UNAVAILABLE }

    private final RedisConnection redis;
    private final KnownMailboxes known;

    EmailReservations(RedisConnection redis, KnownMailboxes known) {
        this.redis = redis;
        this.known = known;
    }

    private String reservationKey(String email) {
        return redis.key("reserve:email:" + email);
    }

    private String knownKey(String email) {
        return known.key(email);
    }

    /**
     * Answers from Redis whether the mailbox was registered moments ago, and if not, tries to reserve it; one
     * round trip. On {@link Reservation#ACQUIRED} the token is to be passed to {@link #registeredRelease} or {@link #release}.
     */
    Reservation checkAndReserve(String email, String token) {
        Optional<Object> reply = redis.tryCall(r -> CHECK_AND_RESERVE.call(r, List.of(knownKey(email), reservationKey(email)),
                List.of(token, Long.toString(RESERVATION_TTL.toMillis()))));
        if (reply.isEmpty()) {
            return Reservation.REDIS_UNAVAILABLE;
        }
        return switch (String.valueOf(reply.get())) {
            case "known" -> Reservation.KNOWN_REGISTERED;
            case "acquired" -> Reservation.ACQUIRED;
            default -> Reservation.HELD_ELSEWHERE;
        };
    }

    /**
     * The release of the reservation (if still ours) with the mailbox remembered as registered, to run in the same
     * Redis round trip as the registration's cache invalidation.
     */
    CacheInvalidator.Release registeredRelease(String email, String token) {
        return new CacheInvalidator.Release(reservationKey(email), token, Optional.of(knownKey(email)), KNOWN_TTL);
    }

    /**
     * Releases the reservation, if still ours, without remembering the mailbox (the registration did not happen; a
     * registration that did releases through {@link #registeredRelease}).
     */
    void release(String email, String token) {
        redis.tryCall(r -> RELEASE.call(r, List.of(reservationKey(email)), List.of(token)));
    }

}
