package org.nstcg.integrity.engine.referral;

/**
 * A check symbol over base32 by Damm's algorithm, so every single-symbol substitution and every transposition
 * of two adjacent symbols (check symbol included) is detected.
 *
 * <p>Design notes: Damm's algorithm needs a totally anti-symmetric quasigroup of order 32. Over the field GF(32)
 * (polynomial x⁵ + x² + 1) the operation {@code x ∘ y = 2·x ⊕ y} is one: it is a quasigroup because multiplying
 * by 2 and adding y are both bijections, and {@code (c∘x)∘y = (c∘y)∘x} gives {@code 3·x = 3·y}, so {@code x = y}.
 * The check symbol c of a word with interim value v solves {@code v ∘ c = 0}, i.e. {@code c = 2·v}.
 */
public final class DammCheck {

    private DammCheck() {
    }

    /** Multiplication by 2 in GF(2⁵) modulo x⁵ + x² + 1. */
    static int times2(int x) {
        int r = x << 1;
        return (r & 0x20) != 0 ? (r ^ 0x25) & 31 : r;
    }

    static int op(int interim, int symbol) {
        return times2(interim) ^ symbol;
    }

    /** The check symbol value for the given symbol values. */
    public static int checkValue(int[] symbols) {
        int interim = 0;
        for (int s : symbols) {
            interim = op(interim, s);
        }
        return times2(interim);
    }

    /** True when the symbols, ending with their check symbol, are consistent. */
    public static boolean isValid(int[] symbolsWithCheck) {
        int interim = 0;
        for (int s : symbolsWithCheck) {
            interim = op(interim, s);
        }
        return interim == 0;
    }
}
