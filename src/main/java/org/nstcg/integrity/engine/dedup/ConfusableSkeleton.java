package org.nstcg.integrity.engine.dedup;

import com.ibm.icu.text.SpoofChecker;
import java.net.IDN;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Confusable skeletons (Unicode UTS #39): two strings that look alike to a reader have the same skeleton, so
 * {@code аda@example.com} (Cyrillic а), {@code ａda@example.com} (fullwidth ａ) and {@code ada@example.com} are one
 * address to the eye although three to the unique index.
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>ICU4J's SpoofChecker</b>, the Unicode Consortium's own implementation, computes the skeleton: its
 *   confusables data follows each Unicode release, which a copied table would not. It is built on first use (the
 *   holder class below), about 0.1 s, so an engine that never meets a non-ASCII address never loads it.</li>
 *   <li><b>Addresses are compared in Unicode.</b> A normalised address carries its domain in ASCII ({@code xn--}
 *   labels), so those labels are decoded first: {@code exаmple.com} is a look-alike of {@code example.com}.</li>
 *   <li><b>An ASCII twin is found by lookup, not by comparing everyone.</b> Only addresses with a non-ASCII
 *   character can be look-alikes of another (two ASCII addresses with one skeleton, {@code rn} and {@code m}, are left
 *   to the mailbox-name rules), and their ASCII twin is the address with each such character replaced by the ASCII
 *   character of the same skeleton: one indexed lookup each. The skeletons are still compared before a pair is
 *   reported.</li>
 * </ul>
 */
final class ConfusableSkeleton {

    private ConfusableSkeleton() {
    }

    /** Built on first use: the confusables data is read then, never at engine start. */
    private static final class Checker {
        static final SpoofChecker INSTANCE = new SpoofChecker.Builder().build();
        /** Skeleton → the printable ASCII character that has it, letters and digits first. */
        static final Map<String, Character> ASCII = asciiBySkeleton();

        private static Map<String, Character> asciiBySkeleton() {
            Map<String, Character> m = new HashMap<>();
            String preferred = "abcdefghijklmnopqrstuvwxyz0123456789";
            for (char c : preferred.toCharArray()) {
                m.putIfAbsent(INSTANCE.getSkeleton(String.valueOf(c)), c);
            }
            for (char c = '!'; c <= '~'; c++) {
                m.putIfAbsent(INSTANCE.getSkeleton(String.valueOf(c)), c);
            }
            return m;
        }
    }

    /** The UTS #39 skeleton of {@code s}. */
    static String of(String s) {
        return Checker.INSTANCE.getSkeleton(s);
    }

    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7E) {
                return false;
            }
        }
        return true;
    }

    /** The skeleton of a normalised address, its domain read in Unicode. */
    static String ofAddress(String normalized) {
        return of(unicode(normalized));
    }

    /**
     * The ASCII address that looks like {@code normalized}, when every non-ASCII character in it has an ASCII
     * look-alike ({@code аda@example.com} → {@code ada@example.com}); empty when one has none, or when it is ASCII.
     */
    static Optional<String> asciiLookAlike(String normalized) {
        String u = unicode(normalized);
        if (isAscii(u)) {
            return Optional.empty();
        }
        String folded = foldToAscii(u);
        return isAscii(folded) ? Optional.of(folded.toLowerCase(Locale.ROOT)) : Optional.empty();
    }

    /** {@code s} with each non-ASCII character that has an ASCII look-alike replaced by it (Cyrillic а → a); the rest kept. */
    static String foldToAscii(String s) {
        if (isAscii(s)) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp <= 0x7E) {
                sb.append((char) cp);
                continue;
            }
            Character ascii = Checker.ASCII.get(of(new String(Character.toChars(cp))));
            if (ascii != null) {
                sb.append(ascii.charValue());
            } else {
                sb.appendCodePoint(cp);
            }
        }
        return sb.toString();
    }

    /** A normalised address with its {@code xn--} domain labels decoded. */
    static String unicode(String normalized) {
        int at = normalized.lastIndexOf('@');
        if (at < 0 || !normalized.contains("xn--")) {
            return normalized;
        }
        return normalized.substring(0, at + 1) + IDN.toUnicode(normalized.substring(at + 1), IDN.ALLOW_UNASSIGNED);
    }
}
