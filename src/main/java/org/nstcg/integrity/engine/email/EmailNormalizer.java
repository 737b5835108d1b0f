package org.nstcg.integrity.engine.email;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.validator.routines.EmailValidator;

/**
 * Validates typed email addresses and computes the normalised form that uniqueness is about.
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>Validation</b> is Apache Commons Validator's (syntax and a known top-level domain) plus our rules:
 *   at most 254 characters, no control or invisible format characters (they make two different-looking
 *   addresses equal, or equal-looking ones different), no U+FFFD (the replacement character a decoder leaves for
 *   bytes it could not read: the address was mangled on its way, and is no one's), Unicode NFC, and internationalised domains converted with
 *   {@link IDN#toASCII} so {@code bücher.de} and {@code xn--bcher-kva.de} are one domain.</li>
 *   <li><b>Case policy.</b> The whole address is lower-cased for comparison. RFC 5321 lets a server treat
 *   {@code Ada@} and {@code ada@} as different mailboxes, but no mainstream provider does, and treating them as
 *   one is what stops a person registering twice by changing case. The address as typed is still stored and shown.</li>
 *   <li><b>Provider rules</b> are data ({@code email-providers.txt}): Gmail drops dots and {@code +tags} and
 *   folds googlemail.com into gmail.com; Outlook, iCloud, Fastmail, Proton, Yandex… drop {@code +tags}; Yahoo
 *   drops {@code -tags}. Other domains keep their local part, since a dot or plus may be significant there.
 *   Quoted local parts are left alone. An address that is nothing but a tag at such a provider
 *   ({@code +news@gmail.com}) is no mailbox and is refused. Alias domains of one mailbox fold into one:
 *   googlemail.com into gmail.com, me.com and mac.com into icloud.com, Proton's into proton.me, Yandex's into yandex.ru.</li>
 *   <li><b>Idempotent</b>: {@code normalize(normalize(x)) = normalize(x)}, checked by property tests.</li>
 * </ul>
 */
public final class EmailNormalizer {

    public static final int MAX_LENGTH = 254;
    public static final int MAX_LOCAL_LENGTH = 64;

    private final ProviderRules rules;
    private final EmailValidator validator = EmailValidator.getInstance(false, false);

    public EmailNormalizer(ProviderRules rules) {
        this.rules = rules;
    }

    /** A normaliser with the built-in provider rules. */
    public static EmailNormalizer withBuiltInRules() {
        return new EmailNormalizer(ProviderRules.builtIn());
    }

    /** Checks a typed address: valid with its normalised form, or invalid with the reason. Never throws. */
    public EmailCheck check(String typed) {
        if (typed == null || typed.isBlank()) {
            return new EmailCheck.Invalid("is empty");
        }
        String s = trimSpaces(typed);
        if (s.length() > MAX_LENGTH * 4) {
            return new EmailCheck.Invalid("is longer than " + MAX_LENGTH + " characters");
        }
        Optional<String> hidden = hiddenCharacter(s);
        if (hidden.isPresent()) {
            return new EmailCheck.Invalid("contains " + hidden.get());
        }
        s = Normalizer.normalize(s, Normalizer.Form.NFC);
        if (s.length() > MAX_LENGTH) {
            return new EmailCheck.Invalid("is longer than " + MAX_LENGTH + " characters");
        }
        int at = s.lastIndexOf('@');
        if (at < 0) {
            return new EmailCheck.Invalid("has no @");
        }
        if (at == 0 || at == s.length() - 1) {
            return new EmailCheck.Invalid("needs a name before the @ and a domain after it");
        }
        String local = s.substring(0, at);
        if (local.length() > MAX_LOCAL_LENGTH) {
            return new EmailCheck.Invalid("has more than " + MAX_LOCAL_LENGTH + " characters before the @");
        }
        String domain = s.substring(at + 1);
        String asciiDomain;
        try {
            asciiDomain = IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return new EmailCheck.Invalid("has a domain that is not a valid domain name");
        }
        if (asciiDomain.endsWith(".")) {
            return new EmailCheck.Invalid("has a domain that ends with a dot");
        }
        if (!validator.isValid(local + "@" + asciiDomain)) {
            return new EmailCheck.Invalid(validator.isValid("x@" + asciiDomain)
                    ? "has characters before the @ that an address cannot have"
                    : "has a domain that is not a valid internet domain");
        }
        String normalized = applyRules(lower(local), asciiDomain);
        if (normalized == null) {
            String tag = rules.forDomain(asciiDomain).flatMap(ProviderRule::tagSeparator).map(String::valueOf).orElse("+");
            return new EmailCheck.Invalid("has only a " + tag + "tag before the @, which at " + asciiDomain
                    + " is not a mailbox; write the mailbox name before the " + tag + "tag");
        }
        if (normalized.length() > MAX_LENGTH) {
            return new EmailCheck.Invalid("is longer than " + MAX_LENGTH + " characters once its domain is written in ASCII");
        }
        return new EmailCheck.Valid(new EmailAddress(s, normalized));
    }

    /** The normalised form of a valid address, or empty. */
    public Optional<String> normalize(String typed) {
        return check(typed) instanceof EmailCheck.Valid v ? Optional.of(v.address().normalized()) : Optional.empty();
    }

    /** The provider's spelling of the mailbox, or null when nothing is left of the local part but a tag. */
    private String applyRules(String local, String domain) {
        Optional<ProviderRule> rule = rules.forDomain(domain);
        if (rule.isEmpty() || local.startsWith("\"")) {
            return local + "@" + domain;
        }
        ProviderRule r = rule.get();
        String l = local;
        if (r.tagSeparator().isPresent()) {
            int cut = l.indexOf(r.tagSeparator().get());
            if (cut == 0) {
                return null;
            }
            if (cut > 0) {
                l = l.substring(0, cut);
            }
        }
        if (r.removeDots()) {
            String undotted = l.replace(".", "");
            if (!undotted.isEmpty()) {
                l = undotted;
            }
        }
        return l + "@" + r.canonicalDomain().orElse(domain);
    }

    /** Trims spaces, tabs and line breaks (paste artefacts), but no other control character: those are refused. */
    private static String trimSpaces(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isTrimmable(s.charAt(start))) {
            start++;
        }
        while (end > start && isTrimmable(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isTrimmable(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || Character.isSpaceChar(c);
    }

    private static String lower(String s) {
        return Normalizer.normalize(s.toLowerCase(Locale.ROOT), Normalizer.Form.NFC);
    }

    /**
     * Names the first control or invisible formatting character, e.g. "a control character (U+0000)", or the
     * replacement character U+FFFD.
     */
    static Optional<String> hiddenCharacter(String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int type = Character.getType(cp);
            if (type == Character.CONTROL) {
                return Optional.of(String.format("a control character (U+%04X)", cp));
            }
            if (type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                    || type == Character.UNASSIGNED || type == Character.PRIVATE_USE || type == Character.SURROGATE) {
                return Optional.of(String.format("an invisible or unassigned character (U+%04X)", cp));
            }
            if (cp == 0xFFFD) {
                return Optional.of("U+FFFD, the replacement character: the address was read with the wrong character encoding"
                        + " somewhere; type it again");
            }
            i += Character.charCount(cp);
        }
        return Optional.empty();
    }
}
