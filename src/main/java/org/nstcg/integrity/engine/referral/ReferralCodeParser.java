package org.nstcg.integrity.engine.referral;

import java.util.Locale;
import java.util.Optional;

/**
 * Reads a typed referral code: case-insensitive, spaces and extra hyphens ignored, O read as 0 and I or L as 1
 * in the body. A wrong check symbol means a typo ({@link ParsedCode.Mistyped}), not an unknown code.
 */
public final class ReferralCodeParser {

    /** The longest referral code there is (users.referral_code is VARCHAR(32), legacy codes included), spaces aside. */
    public static final int MAX_LENGTH = 32;
    static final String TOO_LONG = "is longer than " + MAX_LENGTH + " characters, longer than any referral code";

    private static final int IDENTITY_LENGTH = ReferralCode.BODY_LENGTH + 1;

    /**
     * The sentence refusing a typed code that is too long to be any code, old or new, or empty. It looks at no more
     * than {@value #MAX_LENGTH} + 1 characters that are not white space, so a megabyte of text costs nothing.
     */
    public static Optional<String> tooLong(String typed) {
        if (typed == null) {
            return Optional.empty();
        }
        int count = 0;
        for (int i = 0; i < typed.length(); i++) {
            if (!Character.isWhitespace(typed.charAt(i)) && ++count > MAX_LENGTH) {
                return Optional.of(TOO_LONG);
            }
        }
        return Optional.empty();
    }

    public ParsedCode parse(String typed) {
        if (typed == null || typed.isBlank()) {
            return new ParsedCode.Malformed(typed == null ? "" : typed, "is empty");
        }
        if (tooLong(typed).isPresent()) {
            return new ParsedCode.Malformed(typed.strip().substring(0, MAX_LENGTH) + "…", TOO_LONG);
        }
        String s = typed.strip().toUpperCase(Locale.ROOT).replace(" ", "");
        Optional<String> prefix = Optional.empty();
        String rest = s;
        int dash = s.indexOf('-');
        int withPrefix = ReferralCodeGenerator.PREFIX_LENGTH + IDENTITY_LENGTH;
        if (dash < 0 && s.length() == withPrefix && s.substring(0, ReferralCodeGenerator.PREFIX_LENGTH).matches("[A-Z]+")) {
            dash = ReferralCodeGenerator.PREFIX_LENGTH; // typed without its hyphen: "ADAX7K3M9QW2P"
            s = s.substring(0, dash) + "-" + s.substring(dash);
        }
        if (dash >= 0) {
            String p = s.substring(0, dash);
            rest = s.substring(dash + 1).replace("-", "");
            if (!p.matches("[A-Z]{" + ReferralCodeGenerator.PREFIX_LENGTH + "}")) {
                return new ParsedCode.Malformed(typed, "has a prefix that is not " + ReferralCodeGenerator.PREFIX_LENGTH + " letters");
            }
            prefix = Optional.of(p);
        }
        if (rest.length() != IDENTITY_LENGTH) {
            return new ParsedCode.Malformed(typed, "needs " + IDENTITY_LENGTH + " letters and digits after the prefix");
        }
        int[] values = new int[IDENTITY_LENGTH];
        for (int i = 0; i < IDENTITY_LENGTH; i++) {
            values[i] = CrockfordBase32.value(rest.charAt(i));
            if (values[i] < 0) {
                return new ParsedCode.Malformed(typed, "contains '" + rest.charAt(i) + "', which no code has");
            }
        }
        if (!DammCheck.isValid(values)) {
            return new ParsedCode.Mistyped(typed);
        }
        StringBuilder body = new StringBuilder(ReferralCode.BODY_LENGTH);
        for (int i = 0; i < ReferralCode.BODY_LENGTH; i++) {
            body.append(CrockfordBase32.symbol(values[i]));
        }
        return new ParsedCode.Valid(new ReferralCode(prefix, body.toString(), CrockfordBase32.symbol(values[IDENTITY_LENGTH - 1])));
    }
}
