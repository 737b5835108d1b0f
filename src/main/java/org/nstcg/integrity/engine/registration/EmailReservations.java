package org.nstcg.integrity.engine.registration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.nstcg.integrity.engine.cache.CacheInvalidator;
import org.nstcg.integrity.engine.cache.LuaScript;
import org.nstcg.integrity.engine.cache.RedisConnection;
import org.nstcg.integrity.engine.store.RegistrationStore;
import org.nstcg.integrity.engine.store.RegistrationStore.MailboxState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cross-instance guards in Redis for registrations: an in-flight reservation per mailbox, and a short-lived
 * "known email" fast path.
 *
 * <p>Design notes: the reservation is {@code SET key token NX PX} so one instance at a time writes a given
 * mailbox; it expires by itself if its holder dies and is released by compare-and-delete (Lua), so a holder
 * whose reservation expired never deletes someone else's. Neither guard is needed for correctness: the unique
 * index decides. They spare PostgreSQL the losing writes, and when Redis is down both simply say "unknown".
 *
 * <p>Redis is untrusted input (decision record 0009): anyone who can write to it could make a new user hear "already
 * registered" or "in progress". So both keys are <b>hints</b>. A key without an expiry, or with a longer one than the
 * engine ever sets, is no hint: it is deleted in the same script. A hint that would refuse is confirmed against
 * PostgreSQL first ({@link RegistrationStore#mailboxState}, two indexed look-ups): an active user with the mailbox
 * confirms "already registered", a running or compensating registration saga of it confirms "in progress". Otherwise
 * the key is deleted (compare-and-delete), counted ({@link #overruled()}) and the registration goes on, reserving the
 * mailbox itself. The honest new sign-up pays nothing extra; an honest duplicate pays one look-up, still far less than
 * a refused insert; two honest sign-ups of one mailbox racing inside the first one's uncommitted window are both let
 * through to the unique index, which refuses the second.
 */
final class EmailReservations {

    private static final Logger log = LoggerFactory.getLogger(EmailReservations.class);

    /**
     * KEYS: known, reservation; ARGV: token, reservation ttl ms, known ttl ms, look at the known key (1/0). One round
     * trip for the fast path and the reservation; keys no engine could have written (no expiry, a longer one, another
     * type) are deleted first. Returns {answer, keys deleted, holder}: answer {@code known}, {@code acquired} or
     * {@code held}, holder the reservation's value when held.
     */
    private static final LuaScript CHECK_AND_RESERVE = new LuaScript("local dropped = 0 "
            + "if ARGV[4] == '1' and redis.call('exists', KEYS[1]) == 1 then "
            + "  local ttl = redis.call('pttl', KEYS[1]) "
            + "  if ttl < 0 or ttl > tonumber(ARGV[3]) then redis.call('del', KEYS[1]) dropped = 1 else return {'known', 0, ''} end "
            + "end "
            + "local ty = redis.call('type', KEYS[2])['ok'] "
            + "if ty ~= 'none' then "
            + "  local ttl = redis.call('pttl', KEYS[2]) "
            + "  if ty ~= 'string' or ttl < 0 or ttl > tonumber(ARGV[2]) then redis.call('del', KEYS[2]) dropped = dropped + 1 end "
            + "end "
            + "if redis.call('set', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'acquired', dropped, ''} end "
            + "return {'held', dropped, redis.call('get', KEYS[2])}");
    /** KEYS: reservation; ARGV: token. Releases the reservation, only if it is still its holder's. */
    private static final LuaScript RELEASE = new LuaScript("if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('del', KEYS[1]) end return 1");
    /**
     * KEYS: reservation; ARGV: the holder PostgreSQL contradicted, token, ttl ms. Deletes that holder's reservation if
     * it is still there and takes it; returns 1 when taken, 0 when someone else holds it now.
     */
    private static final LuaScript TAKE_OVER = new LuaScript("if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('del', KEYS[1]) end "
            + "if redis.call('set', KEYS[1], ARGV[2], 'NX', 'PX', ARGV[3]) then return 1 end return 0");

    /** How long a reservation lives if its holder never releases it. */
    static final Duration RESERVATION_TTL = Duration.ofSeconds(30);
    /** How long "this mailbox is registered" is remembered. */
    static final Duration KNOWN_TTL = Duration.ofSeconds(120);

    /** The result of trying to reserve a mailbox. */
    enum Reservation {
        /** An active user has the mailbox: Redis said so and PostgreSQL confirmed it. */
        KNOWN_REGISTERED,
        ACQUIRED,
        /** Another registration of the mailbox holds it: Redis said so and PostgreSQL shows its saga. */
        HELD_ELSEWHERE,
        REDIS_UNAVAILABLE,
        /** A hint PostgreSQL contradicted was deleted, and another holder took the reservation meanwhile: go on without. */
        NOT_RESERVED
    }

    private record Reply(String answer, long dropped, String holder) {
    }

    private final RedisConnection redis;
    private final KnownMailboxes known;
    private final RegistrationStore store;
    private final LongAdder overruled = new LongAdder();

    EmailReservations(RedisConnection redis, KnownMailboxes known, RegistrationStore store) {
        this.redis = redis;
        this.known = known;
        this.store = store;
    }

    private String reservationKey(String email) {
        return redis.key("reserve:email:" + email);
    }

    private String knownKey(String email) {
        return known.key(email);
    }

    /**
     * Answers whether the mailbox is registered or being registered, and if not, reserves it: one round trip when
     * Redis has nothing to say, plus a PostgreSQL look-up when it would refuse. On {@link Reservation#ACQUIRED} the
     * token is to be passed to {@link #registeredRelease} or {@link #release}.
     *
     * @throws org.nstcg.integrity.engine.store.StoreException when PostgreSQL cannot confirm a hint
     */
    Reservation checkAndReserve(String email, String token) {
        Optional<Reply> reply = call(email, token, true);
        if (reply.isEmpty()) {
            return Reservation.REDIS_UNAVAILABLE;
        }
        switch (reply.get().answer()) {
            case "acquired":
                return Reservation.ACQUIRED;
            case "known": {
                MailboxState state = store.mailboxState(email, RegistrationSaga.TYPE);
                if (state.registered()) {
                    return Reservation.KNOWN_REGISTERED;
                }
                overrule(1, "a known-email key");
                redis.tryCall(r -> r.del(knownKey(email)));
                Optional<Reply> again = call(email, token, false);
                if (again.isEmpty()) {
                    return Reservation.REDIS_UNAVAILABLE;
                }
                return again.get().answer().equals("acquired") ? Reservation.ACQUIRED : held(email, token, again.get().holder(), state);
            }
            default:
                return held(email, token, reply.get().holder(), store.mailboxState(email, RegistrationSaga.TYPE));
        }
    }

    private Reservation held(String email, String token, String holder, MailboxState state) {
        if (state.registered()) {
            return Reservation.KNOWN_REGISTERED;
        }
        if (state.registering()) {
            return Reservation.HELD_ELSEWHERE;
        }
        overrule(1, "a reservation key");
        Optional<Object> took = redis.tryCall(r -> TAKE_OVER.call(r, List.of(reservationKey(email)),
                List.of(holder, token, Long.toString(RESERVATION_TTL.toMillis()))));
        if (took.isEmpty()) {
            return Reservation.REDIS_UNAVAILABLE;
        }
        return ((Number) took.get()).longValue() == 1 ? Reservation.ACQUIRED : Reservation.NOT_RESERVED;
    }

    private Optional<Reply> call(String email, String token, boolean lookAtKnown) {
        Optional<Object> reply = redis.tryCall(r -> CHECK_AND_RESERVE.call(r, List.of(knownKey(email), reservationKey(email)),
                List.of(token, Long.toString(RESERVATION_TTL.toMillis()), Long.toString(KNOWN_TTL.toMillis()), lookAtKnown ? "1" : "0")));
        if (reply.isEmpty() || !(reply.get() instanceof List<?> parts) || parts.size() != 3) {
            return Optional.empty();
        }
        Reply r = new Reply(text(parts.get(0)), ((Number) parts.get(1)).longValue(), text(parts.get(2)));
        if (r.dropped() > 0) {
            overrule(r.dropped(), "a key without an expiry or with a longer one than the engine sets");
        }
        return Optional.of(r);
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    /** Counts hints deleted because PostgreSQL contradicted them (or no engine could have written them); logs, never the mailbox. */
    private void overrule(long n, String what) {
        long before = overruled.sum();
        overruled.add(n);
        long after = before + n;
        // Logged when the count passes 1, 2, 4, 8…: a stream of forged keys cannot flood the log.
        if (Long.highestOneBit(after) != Long.highestOneBit(before)) {
            log.warn("A registration hint in Redis ({}) was not confirmed by PostgreSQL and was deleted; the sign-up went on"
                    + " ({} such hints since this instance started: forged, or a racing sign-up not yet committed)", what, after);
        } else {
            log.debug("A registration hint in Redis ({}) was not confirmed by PostgreSQL and was deleted", what);
        }
    }

    /** Hints deleted since this instance started, because PostgreSQL contradicted them or no engine could have written them. */
    long overruled() {
        return overruled.sum();
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
