package org.nstcg.integrity.engine.registration;

import java.text.Normalizer;
import java.util.Optional;

/**
 * Names: trimmed, Unicode NFC, at most 100 characters, no control or invisible formatting characters, and no U+FFFD
 * (the replacement character a decoder writes for bytes it could not read: the name was mangled before it reached us,
 * and storing it would keep the damage for good).
 */
final class NameRules {

    static final int MAX_LENGTH = 100;
    static final int REPLACEMENT_CHARACTER = 0xFFFD;
    static final String MISDECODED = "contains U+FFFD, the replacement character: the text was read with the wrong character"
            + " encoding somewhere; type it again";

    private NameRules() {
    }

    /** @return the cleaned name, or the reason it is refused */
    static Result check(String typed, boolean required) {
        String s = typed == null ? "" : typed.strip();
        if (s.isEmpty()) {
            return required ? new Result(null, "is empty") : new Result(null, null);
        }
        if (s.length() > MAX_LENGTH * 4) {
            return new Result(null, "is longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int type = Character.getType(cp);
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.UNASSIGNED || type == Character.PRIVATE_USE
                    || type == Character.SURROGATE) {
                return new Result(null, String.format("contains an invisible or control character (U+%04X)", cp));
            }
            if (cp == REPLACEMENT_CHARACTER) {
                return new Result(null, MISDECODED);
            }
            i += Character.charCount(cp);
        }
        s = Normalizer.normalize(s, Normalizer.Form.NFC);
        if (s.codePointCount(0, s.length()) > MAX_LENGTH) {
            return new Result(null, "is longer than " + MAX_LENGTH + " characters");
        }
        return new Result(s, null);
    }

    record Result(String value, String problem) {
        Optional<String> name() {
            return Optional.ofNullable(value);
        }
    }
}
