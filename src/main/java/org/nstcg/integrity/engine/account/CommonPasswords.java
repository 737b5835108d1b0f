package org.nstcg.integrity.engine.account;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The most common passwords ({@code security/common-passwords.txt}, shipped as data with its source and licence in
 * its header), refused whatever their case: a password on such a list falls to the first minutes of any guessing
 * attack, whatever its length.
 */
final class CommonPasswords {

    static final String RESOURCE = "/security/common-passwords.txt";

    private final Set<String> lowerCase;

    private CommonPasswords(Set<String> lowerCase) {
        this.lowerCase = Set.copyOf(lowerCase);
    }

    /** The list this build ships, read once. */
    static CommonPasswords builtIn() {
        return BuiltIn.LIST;
    }

    /** Whether {@code password}, ignoring case and surrounding blanks, is on the list. */
    boolean contains(String password) {
        return password != null && lowerCase.contains(password.strip().toLowerCase(Locale.ROOT));
    }

    int size() {
        return lowerCase.size();
    }

    /** Holder: the list is read at the first password check, not when the engine's classes load. */
    private static final class BuiltIn {
        static final CommonPasswords LIST = read();

        private static CommonPasswords read() {
            try (InputStream in = CommonPasswords.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the build lacks " + RESOURCE);
                }
                Set<String> words = new HashSet<>();
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (!line.isBlank() && !line.startsWith("#")) {
                        words.add(line.strip().toLowerCase(Locale.ROOT));
                    }
                }
                return new CommonPasswords(words);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + RESOURCE, e);
            }
        }
    }
}
