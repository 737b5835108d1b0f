package org.nstcg.integrity.engine.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The one redaction of secrets in text meant for people: every log line (through {@code LogConfiguration}), error
 * messages on the terminal and in the console, {@code status}. It masks, as {@value #MASK}:
 * <ul>
 *   <li>the password of a URL's user information ({@code redis://user:****@host}, {@code redis://****@host}), also
 *       in a URL too malformed to parse;</li>
 *   <li>query parameters named like a credential ({@code ?password=****}, {@code &token=****}, {@code secret},
 *       {@code key}, {@code auth}, {@code signature}, …);</li>
 *   <li>the value of a secret flag, {@code --db-password ****} or {@code --db-password=****}: every
 *       {@link ConfigKey#secret() secret key}'s flag, and any flag named like a password, secret or token;</li>
 *   <li>{@code name = value} and {@code "name": "value"} where the name is a secret key, its environment variable,
 *       or named like a password, secret or token ({@code db.password=****}, {@code INTEGRITY_DB_PASSWORD=****}).</li>
 * </ul>
 *
 * <p>Design notes: the rules work on text, not on parsed values, because the text that leaks is rarely well formed
 * (a URL refused as malformed, a driver's message quoting its URL, a command line joined for a log line). They err
 * towards masking too much: a host name after an {@code @} in a path may be masked, never a password left. A secret
 * standing alone (a password with no flag or name before it) cannot be recognised in free text; where the command line
 * is at hand, {@link #secretValues(List)} collects the values given with secret flags so that
 * {@link #text(String, Collection)} masks them wherever they appear (picocli's messages quote a mistyped flag's value).
 * A new key holding a credential (a Kafka SASL password, say) is marked {@link ConfigKey.Visibility#SECRET} and
 * every rule above knows it at once.
 */
public final class Redaction {

    /** What a secret is replaced with. */
    public static final String MASK = "****";

    /** Names (of flags, keys, variables) that say the value is a credential. */
    private static final String SECRET_WORD = "(?:password|passwd|passphrase|pwd|secret|token|credential)";
    /** Flag names that say the value is a credential (a webhook URL often carries its token in the path). */
    private static final String SECRET_FLAG_WORD = "(?:password|passwd|passphrase|pwd|secret|token|credential|webhook)";
    /** Query parameter names that say the value is a credential: wider, a URL's query is rarely prose. */
    private static final String SECRET_PARAMETER_WORD = "(?:pass|pwd|secret|token|key|auth|credential|signature)";

    /** Words that follow a flag's name in a sentence ("the flag --db-password is not valid"), not its value. */
    private static final String PROSE = "(?:is|was|are|and|or|from|to|of|in|with|set|given|not|must|the|a|an)(?![\\w-])";
    private static final List<ConfigKey> SECRET_KEYS = Stream.of(ConfigKey.values()).filter(ConfigKey::secret).toList();

    private static final Pattern URL = Pattern.compile("(?<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?<rest>[^\\s'\"<>`]*)");
    private static final Pattern QUERY_SECRET = Pattern.compile(
            "(?i)([?&;][^=&#?;\\s'\"]*" + SECRET_PARAMETER_WORD + "[^=&#?;\\s'\"]*=)[^&#;\\s'\"]*");
    private static final Pattern FLAG_SECRET = Pattern.compile("(?i)(?<![\\w-])("
            + SECRET_KEYS.stream().map(k -> Pattern.quote(k.flag())).collect(Collectors.joining("|"))
            + "|--[\\w-]*" + SECRET_FLAG_WORD + "[\\w-]*)(=|\\s+)(?!--|" + PROSE + ")('[^']*'|\"[^\"]*\"|[^\\s'\"]+)");
    private static final Pattern NAMED_SECRET = Pattern.compile("(?i)(?<![\\w.-])("
            + SECRET_KEYS.stream().flatMap(k -> Stream.of(k.key(), k.environmentVariable())).map(Pattern::quote)
                    .collect(Collectors.joining("|"))
            + "|[\\w.-]*" + SECRET_WORD + "[\\w.-]*)(\"?\\s*[=:]\\s*)('[^']*'|\"[^\"]*\"|[^\\s,;&'\"()]+)");
    private static final Pattern SECRET_FLAG_NAME = Pattern.compile("(?i)--[\\w-]*" + SECRET_FLAG_WORD + "[\\w-]*");
    private static final Pattern URL_ORIGIN = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)(?:[^/?#@\\s]*@)?([^/?#@\\s]+)(.*)");

    private Redaction() {
    }

    /** {@code s} with every secret the rules recognise masked; {@code null} stays {@code null}. */
    public static String text(String s) {
        if (s == null || s.isEmpty()) {
            return s;
        }
        String out = FLAG_SECRET.matcher(s).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + MASK));
        out = urls(out);
        out = QUERY_SECRET.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
        return NAMED_SECRET.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2)
                + (m.group(3).contains(MASK) ? m.group(3) : quoted(m.group(3))))); // already redacted, as a scheme and host
    }

    /** {@link #text(String)}, and every occurrence of the {@code known} secrets (say, from {@link #secretValues}) masked too. */
    public static String text(String s, Collection<String> known) {
        String out = text(s);
        if (out == null) {
            return null;
        }
        for (String secret : known) {
            if (!secret.isEmpty()) {
                // Whole words only: a short password must not mask every word that contains it.
                out = Pattern.compile("(?<![\\p{L}\\p{N}])" + Pattern.quote(secret) + "(?![\\p{L}\\p{N}])").matcher(out)
                        .replaceAll(MASK);
            }
        }
        return out;
    }

    /** A command line as one string for a log line or message: secret flags' values masked, and {@link #text} applied. */
    public static String commandLine(List<String> args) {
        List<String> shown = new ArrayList<>(args.size());
        boolean maskNext = false;
        for (String arg : args) {
            if (maskNext && !arg.startsWith("--")) {
                shown.add(MASK);
                maskNext = false;
                continue;
            }
            maskNext = false;
            int eq = arg.indexOf('=');
            String flag = eq < 0 ? arg : arg.substring(0, eq);
            if (isSecretFlag(flag)) {
                if (eq < 0) {
                    maskNext = true;
                    shown.add(arg);
                } else {
                    shown.add(flag + "=" + MASK);
                }
            } else {
                shown.add(text(arg));
            }
        }
        return text(String.join(" ", shown));
    }

    /**
     * The values given with secret flags in {@code args} ({@code --db-password X}, {@code --db-password=X}, and flags
     * named like a secret, mistyped ones included), so that messages quoting them can be masked.
     */
    public static List<String> secretValues(List<String> args) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            int eq = arg.indexOf('=');
            String flag = eq < 0 ? arg : arg.substring(0, eq);
            if (!isSecretFlag(flag)) {
                continue;
            }
            if (eq >= 0) {
                values.add(arg.substring(eq + 1));
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                values.add(args.get(++i));
            }
        }
        return values;
    }

    /**
     * A setting's value for display: a secret key's value masked (a URL-valued one, such as the webhook, as its scheme,
     * host and port with the rest masked: {@code https://hooks.example.org/****}), any other value through {@link #text}.
     */
    public static String value(ConfigKey key, String raw) {
        if (raw == null || raw.isEmpty()) {
            return raw;
        }
        if (!key.secret()) {
            return text(raw);
        }
        Matcher m = URL_ORIGIN.matcher(raw);
        if (!m.matches()) {
            return MASK;
        }
        return m.group(1) + m.group(2) + (m.group(3).isEmpty() || m.group(3).equals("/") ? m.group(3) : "/" + MASK);
    }

    /** A setting's value for an error message: {@code 'value'} redacted as {@link #value}, or {@code (hidden)} for a secret. */
    public static String quotedValue(ConfigKey key, String raw) {
        if (key.secret()) {
            String shown = value(key, raw);
            return shown == null || shown.isEmpty() || shown.equals(MASK) ? "(hidden)" : "'" + shown + "'";
        }
        return "'" + text(raw) + "'";
    }

    /** Whether a flag name holds a secret: a secret key's flag, or a name like a password, secret, token or webhook. */
    static boolean isSecretFlag(String flag) {
        String f = flag.toLowerCase(Locale.ROOT);
        return SECRET_KEYS.stream().anyMatch(k -> k.flag().equals(f)) || SECRET_FLAG_NAME.matcher(f).matches();
    }

    private static String quoted(String value) {
        if (value.startsWith("'")) {
            return "'" + MASK + "'";
        }
        return value.startsWith("\"") ? "\"" + MASK + "\"" : MASK;
    }

    /** Masks the password of each URL's user information (the whole user information when it has no colon). */
    private static String urls(String s) {
        Matcher m = URL.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group("scheme") + userInfoMasked(m.group("rest"))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String userInfoMasked(String rest) {
        int query = indexOfAny(rest, "?#");
        int at = (query < 0 ? rest : rest.substring(0, query)).lastIndexOf('@');
        if (at < 0) {
            // A password with an unencoded ? or # in it; unless what precedes the @ is already a query (?email=a@b).
            int any = rest.lastIndexOf('@');
            at = any >= 0 && indexOfAny(rest.substring(0, any), "=&") < 0 ? any : -1;
        }
        if (at < 0) {
            return rest;
        }
        String userInfo = rest.substring(0, at);
        int colon = userInfo.indexOf(':');
        if (userInfo.endsWith(":PASSWORD") || userInfo.endsWith(MASK)) {
            return rest; // the form a message expects, redis://[USER:PASSWORD@]HOST, or already masked
        }
        if (colon < 0) {
            // redis://PASSWORD@host is a password alone; an @ in a path (https://h/users/a@b) is no user information.
            return userInfo.indexOf('/') >= 0 || userInfo.isEmpty() ? rest : MASK + rest.substring(at);
        }
        return userInfo.substring(0, colon + 1) + MASK + rest.substring(at);
    }

    private static int indexOfAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }
}
