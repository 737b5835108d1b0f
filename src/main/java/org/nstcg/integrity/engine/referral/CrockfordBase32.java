package org.nstcg.integrity.engine.referral;

/**
 * Crockford's base32: digits and upper-case letters without I, L, O and U, so codes read aloud or typed by hand
 * survive the usual confusions. Decoding maps O→0 and I, L→1 and ignores case.
 */
public final class CrockfordBase32 {

    public static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final int[] DECODE = new int[128];

    static {
        java.util.Arrays.fill(DECODE, -1);
        for (int i = 0; i < ALPHABET.length(); i++) {
            DECODE[ALPHABET.charAt(i)] = i;
            DECODE[Character.toLowerCase(ALPHABET.charAt(i))] = i;
        }
        DECODE['O'] = 0;
        DECODE['o'] = 0;
        DECODE['I'] = 1;
        DECODE['i'] = 1;
        DECODE['L'] = 1;
        DECODE['l'] = 1;
    }

    private CrockfordBase32() {
    }

    /** Writes the low {@code 5 * length} bits of {@code value}, most significant symbol first. */
    public static String encode(long value, int length) {
        char[] out = new char[length];
        for (int i = length - 1; i >= 0; i--) {
            out[i] = ALPHABET.charAt((int) (value & 31));
            value >>>= 5;
        }
        return new String(out);
    }

    /** The symbol's value 0–31 (confusables mapped), or -1 if it is not a base32 symbol. */
    public static int value(char c) {
        return c < 128 ? DECODE[c] : -1;
    }

    public static char symbol(int value) {
        return ALPHABET.charAt(value);
    }
}
