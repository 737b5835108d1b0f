package org.nstcg.integrity.engine.support;

import java.util.Locale;
import java.util.Optional;

/**
 * Characters that make recorded text lie when it is shown: C0/C1 controls (a carriage return or an ANSI escape rewrites
 * a terminal line), line and paragraph separators, and the bidirectional marks, embeddings, overrides and isolates
 * (U+202E shows {@code gpj.exe} as {@code exe.jpg}). The engine refuses them where actors and reasons enter, so no
 * face can record them; {@link #escape} shows any already stored as {@code \\u202E}.
 */
public final class ControlCharacters {

    private ControlCharacters() {
    }

    /** Whether {@code cp} is one of these characters; line feeds and tabs only when {@code lineBreaks} is false. */
    static boolean unsafe(int cp, boolean lineBreaks) {
        if (lineBreaks && (cp == '\n' || cp == '\t')) { // a carriage return can rewrite a terminal line: refused
            return false;
        }
        return Character.getType(cp) == Character.CONTROL
                || cp == 0x2028 || cp == 0x2029                      // line and paragraph separators
                || cp == 0x200E || cp == 0x200F || cp == 0x061C      // directional marks
                || (cp >= 0x202A && cp <= 0x202E)                   // embeddings and overrides
                || (cp >= 0x2066 && cp <= 0x2069);                  // isolates
    }

    /**
     * Why {@code text} cannot be recorded as {@code what}, naming the first such character: "the reason must not contain
     * control or bidirectional-override characters (U+202E)"; empty when it can (or is null).
     *
     * @param lineBreaks whether line feeds and tabs are allowed (a multi-line reason), or not (a name)
     */
    public static Optional<String> refusal(String what, String text, boolean lineBreaks) {
        if (text == null) {
            return Optional.empty();
        }
        return text.codePoints().filter(cp -> unsafe(cp, lineBreaks)).boxed().findFirst()
                .map(cp -> what + " must not contain control or bidirectional-override characters (" + codePoint(cp) + ")");
    }

    /** {@code text} with every such character, line breaks included, written as {@code \\uXXXX}: one safe line of output. */
    public static String escape(String text) {
        if (text == null || text.codePoints().noneMatch(cp -> unsafe(cp, false))) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(cp -> {
            if (unsafe(cp, false)) {
                sb.append(String.format(Locale.ROOT, "\\u%04X", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }

    private static String codePoint(int cp) {
        return String.format(Locale.ROOT, "U+%04X", cp);
    }
}
