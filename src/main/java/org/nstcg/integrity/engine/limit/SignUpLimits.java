package org.nstcg.integrity.engine.limit;

import java.util.Optional;
import org.nstcg.integrity.engine.config.RateLimit;
import org.nstcg.integrity.engine.email.EmailNormalizer;

/**
 * The rate limits on sign-ups: per client address ({@code api.rate-limit-ip}, for the HTTP face to apply to the
 * address it decided is the client's) and per mailbox ({@code api.rate-limit-mailbox}, a rule of the platform: it
 * keys on the normalised mailbox, so {@code Ada.Lovelace+x@gmail.com} and {@code adalovelace@gmail.com} share one
 * allowance). Each is shared by every instance through Redis ({@link RateLimiter}).
 */
public final class SignUpLimits {

    private final RateLimiter limiter;
    private final EmailNormalizer emails;
    private final Optional<RateLimit> perClient;
    private final Optional<RateLimit> perMailbox;

    public SignUpLimits(RateLimiter limiter, EmailNormalizer emails, Optional<RateLimit> perClient, Optional<RateLimit> perMailbox) {
        this.limiter = limiter;
        this.emails = emails;
        this.perClient = perClient;
        this.perMailbox = perMailbox;
    }

    /** Counts one request from {@code clientAddress}; always allowed when {@code api.rate-limit-ip} is off. */
    public RateDecision client(String clientAddress) {
        return perClient.map(limit -> limiter.acquire("ip", clientAddress, limit)).orElse(RateDecision.ALLOWED);
    }

    /**
     * Counts one sign-up attempt for the mailbox {@code typedEmail} names. An address that does not normalise is not
     * counted here: the registration refuses it as invalid, and the client limit bounds such attempts.
     */
    public RateDecision mailbox(String typedEmail) {
        if (perMailbox.isEmpty() || typedEmail == null) {
            return RateDecision.ALLOWED;
        }
        return emails.normalize(typedEmail).map(mailbox -> limiter.acquire("mailbox", mailbox, perMailbox.get()))
                .orElse(RateDecision.ALLOWED);
    }
}
