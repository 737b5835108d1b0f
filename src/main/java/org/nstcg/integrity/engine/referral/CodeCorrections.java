package org.nstcg.integrity.engine.referral;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The codes a mistyped referral code was probably meant to be: every identity (body and check symbol) one typo away
 * from what was typed that passes the check symbol.
 *
 * <p>Design notes: the check symbol (Damm over base32) catches every single substitution and every adjacent
 * transposition, so a typed identity that fails it is at least one such typo away from the real one. For each
 * position exactly one substitute symbol restores the check (the check operation is a quasigroup), so there are at
 * most 9 substitutions and 8 transpositions to try, plus the identities with one symbol dropped (10 typed) or one
 * symbol missing (8 typed). Each is looked up through the identity index, so a correction costs a few index probes,
 * never a scan of all codes. The prefix is decoration and is ignored.
 */
public final class CodeCorrections {

    private static final int IDENTITY = ReferralCode.BODY_LENGTH + 1;
    private static final int PREFIX = 4;

    private CodeCorrections() {
    }

    /** The identity part of what was typed, upper-cased and without its name prefix, spaces and hyphens; "" if none. */
    static String typedIdentity(String typed) {
        if (typed == null) {
            return "";
        }
        String s = typed.strip().toUpperCase(Locale.ROOT).replace(" ", "");
        int dash = s.indexOf('-');
        if (dash >= 0) {
            s = s.substring(dash + 1).replace("-", "");
        } else if (s.length() == PREFIX + IDENTITY && s.substring(0, PREFIX).chars().allMatch(Character::isLetter)) {
            s = s.substring(PREFIX);
        }
        return s;
    }

    /**
     * Valid identities one typo away from the typed code (substitution, adjacent swap, extra or missing symbol), in
     * that order; empty when the typed text is not 8 to 10 base32 symbols after its prefix.
     */
    public static List<String> candidates(String typed) {
        String s = typedIdentity(typed);
        if (s.length() < IDENTITY - 1 || s.length() > IDENTITY + 1) {
            return List.of();
        }
        int[] v = new int[s.length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = CrockfordBase32.value(s.charAt(i));
            if (v[i] < 0) {
                return List.of();
            }
        }
        Set<String> out = new LinkedHashSet<>();
        if (v.length == IDENTITY) {
            for (int i = 0; i < IDENTITY; i++) {
                int[] w = v.clone();
                for (int symbol = 0; symbol < 32; symbol++) {
                    if (symbol != v[i]) {
                        w[i] = symbol;
                        addIfValid(w, out);
                    }
                }
            }
            for (int i = 0; i + 1 < IDENTITY; i++) {
                int[] w = v.clone();
                w[i] = v[i + 1];
                w[i + 1] = v[i];
                addIfValid(w, out);
            }
        } else if (v.length == IDENTITY + 1) {
            for (int drop = 0; drop < v.length; drop++) {
                int[] w = new int[IDENTITY];
                for (int i = 0, j = 0; i < v.length; i++) {
                    if (i != drop) {
                        w[j++] = v[i];
                    }
                }
                addIfValid(w, out);
            }
        } else {
            for (int at = 0; at <= v.length; at++) {
                for (int symbol = 0; symbol < 32; symbol++) {
                    int[] w = new int[IDENTITY];
                    for (int i = 0, j = 0; j < IDENTITY; j++) {
                        w[j] = j == at ? symbol : v[i++];
                    }
                    addIfValid(w, out);
                }
            }
        }
        return List.copyOf(out);
    }

    private static void addIfValid(int[] values, Set<String> out) {
        if (DammCheck.isValid(values)) {
            StringBuilder b = new StringBuilder(IDENTITY);
            for (int value : values) {
                b.append(CrockfordBase32.symbol(value));
            }
            out.add(b.toString());
        }
    }
}
