package org.nstcg.integrity.support;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Seeded random inputs for property tests: the same seed gives the same inputs, so a failure reproduces. The seed is
 * {@value #DEFAULT_SEED} unless {@code -Dsamples.seed=<n>} names another (to explore beyond the usual inputs); every
 * failure message of a property test names it ({@link #describe}).
 *
 * <p>Edge cases come first in each list where a generator has them (empty, shortest, longest, bounds), then random
 * values; nothing here shrinks a failing input, so the properties print the input they failed on.
 */
public final class Samples {

    public static final long DEFAULT_SEED = 20261202L;

    private final long seed;
    private final SplittableRandom random;

    private Samples(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    /** Samples from the configured seed; each call starts the sequence afresh. */
    public static Samples seeded() {
        return new Samples(Long.getLong("samples.seed", DEFAULT_SEED));
    }

    public long seed() {
        return seed;
    }

    /** "{@code input} (seed n)": for assertion descriptions. */
    public String describe(Object input) {
        return input + " (seed " + seed + ")";
    }

    /** A uniform value in [min, max]. */
    public long between(long min, long max) {
        return random.nextLong(min, max + 1); // max < Long.MAX_VALUE for every range used here
    }

    public int between(int min, int max) {
        return random.nextInt(min, max + 1);
    }

    /** {@code count} values in [min, max]: min, max and their neighbours first, then uniform ones. */
    public List<Long> longs(int count, long min, long max) {
        List<Long> out = new ArrayList<>(count);
        for (long edge : new long[] {min, max, Math.min(max, min + 1), Math.max(min, max - 1)}) {
            if (out.size() < count && !out.contains(edge)) {
                out.add(edge);
            }
        }
        while (out.size() < count) {
            out.add(between(min, max));
        }
        return out;
    }

    /** A string of {@code minLength..maxLength} characters, each drawn from {@code alphabet}. */
    public String string(String alphabet, int minLength, int maxLength) {
        int length = between(minLength, maxLength);
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    /**
     * A string of up to {@code maxLength} UTF-16 units of any kind: ASCII, controls, letters of other scripts,
     * combining marks, lone surrogates and proper surrogate pairs, with a bias toward the first 128.
     */
    public String anyString(int maxLength) {
        int length = between(0, maxLength);
        StringBuilder b = new StringBuilder(length);
        while (b.length() < length) {
            int kind = random.nextInt(10);
            if (kind < 5) {
                b.append((char) random.nextInt(0, 128));
            } else if (kind < 8) {
                b.append((char) random.nextInt(0, 0x10000));
            } else if (kind == 8 && b.length() + 2 <= length) {
                b.appendCodePoint(random.nextInt(0x10000, Character.MAX_CODE_POINT + 1));
            } else {
                b.append(random.nextBoolean() ? '-' : ' ');
            }
        }
        return b.toString();
    }

    /** One of {@code choices}, uniformly. */
    @SafeVarargs
    public final <T> T oneOf(T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    /** {@code count} values of {@code generator}, after {@code edges} (which count toward the total). */
    @SafeVarargs
    public final <T> List<T> list(int count, Supplier<T> generator, T... edges) {
        List<T> out = new ArrayList<>(count);
        for (T edge : edges) {
            if (out.size() < count) {
                out.add(edge);
            }
        }
        while (out.size() < count) {
            out.add(generator.get());
        }
        return out;
    }
}
