package org.nstcg.integrity.engine.referral;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** Words no code may spell, read from {@code blocklist.txt}; digits count as the letters they resemble. */
public final class Blocklist {

    private final Set<String> words;

    private Blocklist(Set<String> words) {
        this.words = Set.copyOf(words);
    }

    public static Blocklist of(List<String> words) {
        return new Blocklist(words.stream().map(w -> w.strip().toUpperCase(Locale.ROOT)).filter(w -> !w.isEmpty()).collect(Collectors.toSet()));
    }

    public static Blocklist builtIn() {
        try (InputStream in = Blocklist.class.getResourceAsStream("blocklist.txt")) {
            if (in == null) {
                throw new IllegalStateException("blocklist.txt is missing from the class path");
            }
            return of(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#")).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when {@code text}, read with digits as look-alike letters, contains a blocked word. */
    public boolean blocks(String text) {
        String read = asLetters(text.toUpperCase(Locale.ROOT));
        for (String word : words) {
            if (read.contains(word)) {
                return true;
            }
        }
        return false;
    }

    static String asLetters(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            sb.append(switch (c) {
                case '0' -> 'O';
                case '1' -> 'I';
                case '3' -> 'E';
                case '4' -> 'A';
                case '5' -> 'S';
                case '6', '9' -> 'G';
                case '7' -> 'T';
                case '8' -> 'B';
                case 'V' -> 'U'; // "FVCK"
                default -> c;
            });
        }
        return sb.toString();
    }
}
