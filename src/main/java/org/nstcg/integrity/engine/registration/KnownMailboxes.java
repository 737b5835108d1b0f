package org.nstcg.integrity.engine.registration;

import java.util.Collection;
import org.nstcg.integrity.engine.cache.RedisConnection;

/**
 * The "registered moments ago" markers of the registration fast path ({@code known:email:<mailbox>}, kept
 * {@link EmailReservations#KNOWN_TTL}). A mailbox that stops being an active user's (merged away, archived) must be
 * forgotten at once, or a new sign-up with it would hear "already registered" until the marker expires.
 */
public final class KnownMailboxes {

    private final RedisConnection redis;

    public KnownMailboxes(RedisConnection redis) {
        this.redis = redis;
    }

    String key(String mailbox) {
        return redis.key("known:email:" + mailbox);
    }

    /**
     * Forgets the mailboxes, after the commit that freed them. Best effort: with Redis down nothing is remembered
     * either, and a marker Redis could not drop expires by itself.
     */
    public void forget(Collection<String> mailboxes) {
        if (!mailboxes.isEmpty()) {
            redis.tryCall(r -> r.del(mailboxes.stream().map(this::key).toArray(String[]::new)));
        }
    }
}
