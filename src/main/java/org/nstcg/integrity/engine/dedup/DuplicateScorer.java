package org.nstcg.integrity.engine.dedup;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nstcg.integrity.engine.store.DuplicateStore.Person;

/**
 * Scores a candidate pair of users: how likely they are one person, with the reasons. Pure and deterministic.
 *
 * <p>Evidence and weights (capped at 1): the same mailbox name once digits, dots and +tags are dropped (0.5), or a
 * similar one (Jaro-Winkler ≥ 0.92, 0.3); a mailbox name that spells the other's name, {@code janedoe} or
 * {@code jdoe} for Jane Doe (0.3); the same last name (0.25) or a similar one (0.15); the same first name (0.2) or a
 * compatible one (initial, or similar, 0.1); a look-alike address, one whose UTS #39 confusable skeleton is the
 * other's ({@code аda@} with a Cyrillic а and {@code ada@}), 0.7 instead of the mailbox-name evidence, which it includes.
 * Names and mailbox names are compared with their non-ASCII look-alike letters read as ASCII ({@link ConfusableSkeleton}).
 * Pairs under {@link #THRESHOLD} are not reported.
 */
final class DuplicateScorer {

    static final double THRESHOLD = 0.5;

    private DuplicateScorer() {
    }

    record Score(double value, List<String> reasons) {
    }

    static Score score(Person a, Person b) {
        return score(a, b, false);
    }

    /** @param lookAlike whether the two normalised addresses have one confusable skeleton */
    static Score score(Person a, Person b, boolean lookAlike) {
        List<String> reasons = new ArrayList<>();
        double s = 0;
        String la = localKey(a.emailNormalized());
        String lb = localKey(b.emailNormalized());
        String fa = letters(a.firstName());
        String fb = letters(b.firstName());
        String na = letters(a.lastName());
        String nb = letters(b.lastName());
        boolean otherDomain = !domain(a.emailNormalized()).equals(domain(b.emailNormalized()));
        if (lookAlike) {
            s += 0.7;
            reasons.add("look-alike address: " + a.emailNormalized() + " and " + b.emailNormalized() + " look the same ("
                    + lookAlikeCharacters(a.emailNormalized(), b.emailNormalized()) + ")");
        } else if (la.length() >= 3 && la.equals(lb)) {
            s += 0.5;
            reasons.add("same mailbox name '" + la + "'" + (otherDomain ? " at " + domain(a.emailNormalized()) + " and " + domain(b.emailNormalized()) : ""));
        } else if (la.length() >= 4 && lb.length() >= 4 && jaroWinkler(la, lb) >= 0.92) {
            s += 0.3;
            reasons.add("similar mailbox names '" + la + "' and '" + lb + "'");
        }
        if (spells(la, fb, nb)) {
            s += 0.3;
            reasons.add("mailbox name '" + la + "' spells the name " + display(b));
        } else if (spells(lb, fa, na)) {
            s += 0.3;
            reasons.add("mailbox name '" + lb + "' spells the name " + display(a));
        }
        if (!na.isEmpty() && na.equals(nb)) {
            s += 0.25;
            reasons.add("same last name");
        } else if (na.length() >= 3 && nb.length() >= 3 && jaroWinkler(na, nb) >= 0.9) {
            s += 0.15;
            reasons.add("similar last names");
        }
        if (!fa.isEmpty() && fa.equals(fb)) {
            s += 0.2;
            reasons.add("same first name");
        } else if (!fa.isEmpty() && !fb.isEmpty() && fa.charAt(0) == fb.charAt(0)
                && (fa.length() == 1 || fb.length() == 1 || jaroWinkler(fa, fb) >= 0.85)) {
            s += 0.1;
            reasons.add("compatible first names");
        }
        return new Score(Math.min(1.0, Math.round(s * 100) / 100.0), reasons);
    }

    /** Which characters make two look-alike addresses differ: "U+0430 for a, U+FF41 for a". */
    private static String lookAlikeCharacters(String a, String b) {
        List<String> parts = new ArrayList<>();
        for (String address : List.of(ConfusableSkeleton.unicode(a), ConfusableSkeleton.unicode(b))) {
            address.codePoints().filter(cp -> cp > 0x7E).distinct().limit(3).forEach(cp -> {
                String part = String.format(Locale.ROOT, "U+%04X for %s", cp, ConfusableSkeleton.foldToAscii(new String(Character.toChars(cp))));
                if (!parts.contains(part)) {
                    parts.add(part);
                }
            });
        }
        return parts.isEmpty() ? "the same UTS #39 skeleton" : String.join(", ", parts);
    }

    private static boolean spells(String local, String first, String last) {
        if (local.length() < 3 || first.isEmpty() || last.isEmpty()) {
            return false;
        }
        return local.equals(first + last) || local.equals(first.charAt(0) + last) || local.equals(last + first)
                || local.equals(last + first.charAt(0));
    }

    private static String display(Person p) {
        return p.lastName() == null ? p.firstName() : p.firstName() + " " + p.lastName();
    }

    /** The mailbox name as blocking sees it: before the @, without +tag, letters only. */
    static String localKey(String email) {
        String local = email.substring(0, Math.max(0, email.lastIndexOf('@')));
        int plus = local.indexOf('+');
        if (plus >= 0) {
            local = local.substring(0, plus);
        }
        return letters(local);
    }

    private static String domain(String email) {
        return email.substring(email.lastIndexOf('@') + 1);
    }

    /** Lower case, accents dropped, look-alikes read as ASCII (Cyrillic а as a), letters a-z only. */
    static String letters(String s) {
        if (s == null) {
            return "";
        }
        String folded = Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}+", "").toLowerCase(Locale.ROOT);
        if (!ConfusableSkeleton.isAscii(folded)) {
            folded = ConfusableSkeleton.foldToAscii(folded).toLowerCase(Locale.ROOT);
        }
        StringBuilder sb = new StringBuilder(folded.length());
        for (int i = 0; i < folded.length(); i++) {
            char c = folded.charAt(i);
            if (c >= 'a' && c <= 'z') {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Jaro-Winkler similarity, 0..1. */
    static double jaroWinkler(String a, String b) {
        if (a.equals(b)) {
            return 1;
        }
        int range = Math.max(0, Math.max(a.length(), b.length()) / 2 - 1);
        boolean[] ma = new boolean[a.length()];
        boolean[] mb = new boolean[b.length()];
        int matches = 0;
        for (int i = 0; i < a.length(); i++) {
            for (int j = Math.max(0, i - range); j < Math.min(b.length(), i + range + 1); j++) {
                if (!mb[j] && a.charAt(i) == b.charAt(j)) {
                    ma[i] = true;
                    mb[j] = true;
                    matches++;
                    break;
                }
            }
        }
        if (matches == 0) {
            return 0;
        }
        int t = 0;
        int k = 0;
        for (int i = 0; i < a.length(); i++) {
            if (ma[i]) {
                while (!mb[k]) {
                    k++;
                }
                if (a.charAt(i) != b.charAt(k)) {
                    t++;
                }
                k++;
            }
        }
        double m = matches;
        double jaro = (m / a.length() + m / b.length() + (m - t / 2.0) / m) / 3;
        int prefix = 0;
        while (prefix < Math.min(4, Math.min(a.length(), b.length())) && a.charAt(prefix) == b.charAt(prefix)) {
            prefix++;
        }
        return jaro + prefix * 0.1 * (1 - jaro);
    }
}
