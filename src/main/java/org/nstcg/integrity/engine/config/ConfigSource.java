package org.nstcg.integrity.engine.config;

/**
 * Where a configuration value came from, in increasing precedence: defaults &lt; config file &lt; environment &lt; flags.
 *
 * @param kind   the layer
 * @param detail the file path, variable name or flag that supplied it ("" for defaults)
 */
public record ConfigSource(Kind kind, String detail) {

    /** {@code CONSOLE}: typed into the console's connection form, on top of the flags. */
    public enum Kind { DEFAULT, FILE, ENVIRONMENT, FLAG, CONSOLE }

    /** A value typed into the console's connection form. */
    public static final ConfigSource CONNECTION_FORM = new ConfigSource(Kind.CONSOLE, "");

    public static final ConfigSource DEFAULT = new ConfigSource(Kind.DEFAULT, "");

    /** For messages: "the environment variable INTEGRITY_DB_URL", "/home/a/.config/…/config.properties". */
    public String describe() {
        return switch (kind) {
            case DEFAULT -> "the built-in default";
            case FILE -> "the config file " + detail;
            case ENVIRONMENT -> "the environment variable " + detail;
            case FLAG -> "the command-line flag " + detail;
            case CONSOLE -> "the connection screen's form";
        };
    }
}
