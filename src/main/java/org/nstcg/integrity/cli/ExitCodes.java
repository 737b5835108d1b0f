package org.nstcg.integrity.cli;

/** Exit codes of the CLI, documented in README.md. */
public final class ExitCodes {

    public static final int OK = 0;
    /** {@code check} found problems; {@code audit verify} found the chain broken. */
    public static final int FINDINGS = 1;
    /** {@code register}: the mailbox is already registered, or being registered; {@code referral check}: unknown code. */
    public static final int ALREADY = 3;
    /** {@code sagas show/retry/resolve}: there is no such saga, or the action does not apply to its state. */
    public static final int NOT_APPLICABLE = 3;
    /** The input is invalid (email, name, a mistyped referral code). */
    public static final int INVALID = 4;
    /** {@code sagas retry}: the retry ran, but the saga failed again and still needs attention. */
    public static final int STILL_NEEDS_ATTENTION = 5;
    /** A server is unreachable or refuses us, or the engine is not healthy. */
    public static final int UNAVAILABLE = 2;
    /** The command line itself is wrong. */
    public static final int USAGE = 64;
    /** A long command ({@code cache rebuild}) was stopped by Ctrl-C before it finished (128 + SIGINT). */
    public static final int CANCELLED = 130;
    /**
     * The actor may not do it: an administrator-only action without the schema owner's credentials or an administrator's
     * sign-in, a failed {@code --sign-in}, or a role that does not allow it (sysexits' EX_NOPERM).
     */
    public static final int DENIED = 77;
    /** A configuration value is malformed. */
    public static final int CONFIG = 78;
    /** A bug: details are in the log file. */
    public static final int INTERNAL = 70;

    private ExitCodes() {
    }
}
