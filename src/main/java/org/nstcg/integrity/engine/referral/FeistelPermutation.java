package org.nstcg.integrity.engine.referral;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A keyed permutation of the 40-bit integers: distinct inputs always give distinct outputs, and without the key
 * consecutive inputs give outputs that look unrelated.
 *
 * <p>Design notes: a balanced Feistel network on two 20-bit halves is a bijection whatever its round function,
 * so uniqueness of referral codes follows from the uniqueness of the database sequence values fed in, never
 * from luck. The round function is HMAC-SHA256 of (round, half) under the key, so codes are not guessable from
 * each other. Six rounds, more than the four that make a Feistel network a strong pseudo-random permutation.
 */
public final class FeistelPermutation {

    public static final int BITS = 40;
    public static final long MAX = (1L << BITS) - 1;
    private static final int HALF = BITS / 2;
    private static final int HALF_MASK = (1 << HALF) - 1;
    private static final int ROUNDS = 6;

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> mac;

    public FeistelPermutation(byte[] key) {
        if (key.length < 16) {
            throw new IllegalArgumentException("the referral key needs at least 16 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "HmacSHA256");
        this.mac = ThreadLocal.withInitial(this::newMac);
    }

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** Maps a value in [0, 2⁴⁰) to another value in that range; a bijection. */
    public long permute(long value) {
        if (value < 0 || value > MAX) {
            throw new IllegalArgumentException("value out of the 40-bit range: " + value);
        }
        int left = (int) (value >>> HALF) & HALF_MASK;
        int right = (int) value & HALF_MASK;
        for (int round = 0; round < ROUNDS; round++) {
            int next = left ^ round(round, right);
            left = right;
            right = next;
        }
        return ((long) left << HALF) | right;
    }

    /** The inverse of {@link #permute}. */
    public long invert(long value) {
        int left = (int) (value >>> HALF) & HALF_MASK;
        int right = (int) value & HALF_MASK;
        for (int round = ROUNDS - 1; round >= 0; round--) {
            int previous = right ^ round(round, left);
            right = left;
            left = previous;
        }
        return ((long) left << HALF) | right;
    }

    private int round(int round, int half) {
        Mac m = mac.get();
        byte[] out = m.doFinal(ByteBuffer.allocate(5).put((byte) round).putInt(half).array());
        return ByteBuffer.wrap(out).getInt() & HALF_MASK;
    }
}
