package org.nstcg.integrity.engine.registration;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
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

    private static final String RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    /** How long a reservation lives if its holder never releases it. */
    static final Duration RESERVATION_TTL = Duration.ofSeconds(30);
    /** How long "this mailbox is registered" is remembered. */
    static final Duration KNOWN_TTL = Duration.ofSeconds(120);

    /** The result of trying to reserve a mailbox. */
    enum Reservation { ACQUIRED, HELD_ELSEWHERE, REDIS_UNAVAILABLE }

    private final RedisConnection redis;

    EmailReservations(RedisConnection redis) {
        this.redis = redis;
    }

    private String reservationKey(String email) {
        return redis.key("reserve:email:" + email);
    }

    private String knownKey(String email) {
        return redis.key("known:email:" + email);
    }

    /** True only when Redis answers that this mailbox was registered moments ago. */
    boolean knownRegistered(String email) {
        return redis.tryCall(r -> r.exists(knownKey(email))).orElse(false);
    }

    void rememberRegistered(String email) {
        redis.tryCall(r -> r.set(knownKey(email), "1", SetParams.setParams().px(KNOWN_TTL.toMillis())));
    }

    /** Tries to reserve the mailbox; on success the token is to be passed to {@link #release}. */
    Reservation reserve(String email, String token) {
        Optional<String> reply = redis.tryCall(r -> {
            String ok = r.set(reservationKey(email), token, SetParams.setParams().nx().px(RESERVATION_TTL.toMillis()));
            return ok == null ? "held" : ok;
        });
        if (reply.isEmpty()) {
            return Reservation.REDIS_UNAVAILABLE;
        }
        return "OK".equals(reply.get()) ? Reservation.ACQUIRED : Reservation.HELD_ELSEWHERE;
    }

    void release(String email, String token) {
        redis.tryCall(r -> r.eval(RELEASE, List.of(reservationKey(email)), List.of(token)));
    }

    static String newToken() {
        return UUID.randomUUID().toString();
    }
}
