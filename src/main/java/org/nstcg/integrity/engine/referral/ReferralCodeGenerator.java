package org.nstcg.integrity.engine.referral;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Makes referral codes that are unique by construction.
 *
 * <p>Design notes: each code's body is a database sequence value (unique, never reused) run through a keyed
 * {@link FeistelPermutation} (a bijection, so distinct values give distinct bodies) and written in 8 Crockford
 * base32 symbols (40 bits); a {@link DammCheck} symbol follows. No retry loop is needed for uniqueness: the only
 * loop skips a body the {@link Blocklist} refuses, consuming the next sequence value. The database's unique
 * constraint stays as the backstop. The prefix (first four letters of the first name, ASCII-folded, padded with
 * X; XXXX if it would spell a blocked word) is decoration and plays no part in uniqueness.
 */
public final class ReferralCodeGenerator {

    public static final int PREFIX_LENGTH = 4;
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern NOT_ASCII_LETTER = Pattern.compile("[^A-Z]");

    private final FeistelPermutation permutation;
    private final Blocklist blocklist;
    private final boolean withPrefix;

    public ReferralCodeGenerator(FeistelPermutation permutation, Blocklist blocklist, boolean withPrefix) {
        this.permutation = permutation;
        this.blocklist = blocklist;
        this.withPrefix = withPrefix;
    }

    /**
     * @param sequence  the database sequence; each call returns a new value in [1, 2⁴⁰)
     * @param firstName the owner's first name, for the prefix
     */
    public ReferralCode next(LongSupplier sequence, String firstName) {
        while (true) {
            long value = sequence.getAsLong();
            if (value < 0 || value > FeistelPermutation.MAX) {
                throw new IllegalStateException("the referral code sequence is exhausted (value " + value + ")");
            }
            Optional<ReferralCode> code = forSequenceValue(value, firstName);
            if (code.isPresent()) {
                return code.get();
            }
        }
    }

    /** The code for one sequence value, or empty when its body would spell a blocked word. */
    public Optional<ReferralCode> forSequenceValue(long value, String firstName) {
        String body = CrockfordBase32.encode(permutation.permute(value), ReferralCode.BODY_LENGTH);
        if (blocklist.blocks(body)) {
            return Optional.empty();
        }
        return Optional.of(new ReferralCode(withPrefix ? Optional.of(prefix(firstName)) : Optional.empty(), body, checkSymbol(body)));
    }

    static char checkSymbol(String body) {
        int[] values = new int[body.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = CrockfordBase32.value(body.charAt(i));
        }
        return CrockfordBase32.symbol(DammCheck.checkValue(values));
    }

    /** "Zoë" → "ZOEX", "Ólafur" → "OLAF", "李" → "XXXX". */
    String prefix(String firstName) {
        String decomposed = Normalizer.normalize(firstName == null ? "" : firstName, Normalizer.Form.NFD);
        String folded = NOT_ASCII_LETTER.matcher(MARKS.matcher(decomposed).replaceAll("").toUpperCase(Locale.ROOT)).replaceAll("");
        String p = (folded + "X".repeat(PREFIX_LENGTH)).substring(0, PREFIX_LENGTH);
        return blocklist.blocks(p) ? "X".repeat(PREFIX_LENGTH) : p;
    }
}
