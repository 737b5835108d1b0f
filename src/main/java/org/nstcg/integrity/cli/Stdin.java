package org.nstcg.integrity.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Lines of standard input read by a command, one reader for all of them (a sign-in password, then a new password), so
 * that no reader's buffer swallows the next one's line.
 */
final class Stdin {

    private static InputStream source;
    private static BufferedReader reader;

    private Stdin() {
    }

    /** The next line of standard input, or empty at its end. */
    static synchronized String line() {
        if (reader == null || source != System.in) {
            source = System.in;
            reader = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        }
        try {
            String line = reader.readLine();
            return line == null ? "" : line;
        } catch (IOException e) {
            throw new UncheckedIOException("standard input cannot be read", e);
        }
    }

    /** A password: typed at the terminal without echo when there is one, otherwise the next line of standard input. */
    static String password(String prompt) {
        Console console = System.console();
        if (console != null) {
            char[] typed = console.readPassword("%s", prompt);
            return typed == null ? "" : new String(typed);
        }
        return line();
    }
}
