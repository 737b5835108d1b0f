package org.nstcg.integrity.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.nstcg.integrity.engine.config.ConfigException;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.config.ConfigRequest;
import org.nstcg.integrity.engine.config.Redaction;
import org.nstcg.integrity.engine.support.DeepLink;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.InvalidInputException;
import org.nstcg.integrity.engine.support.ServerUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The single entry point of the jar: no sub-command opens the console, a sub-command is the operator CLI.
 * Every {@link ConfigKey} is a flag here ({@code --db-url}, {@code --redis-url}, …), valid before or after the
 * sub-command, so flags, environment and config file always name a setting the same way.
 */
@Command(name = "integrity-console", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Integrity Console: keeps the sign-up platform's data consistent.%n"
                + "Without a command it opens the console window.")
public final class IntegrityCli implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(IntegrityCli.class);

    /** Starts the console window with the given configuration request; returns its exit code. */
    @FunctionalInterface
    public interface ConsoleStarter {
        /**
         * @param open the item to land on after sign-in ({@code --open saga/<id>}), if one was asked for
         */
        int start(ConfigRequest request, Optional<DeepLink> open);
    }

    @Spec
    CommandSpec spec;

    @CommandLine.Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = {"Config file (default:", "integrity-console/config.properties",
                    "in $XDG_CONFIG_HOME, else in ~/.config)."})
    Path configFile;

    @CommandLine.Option(names = "--open", paramLabel = "LINK", converter = DeepLinkConverter.class,
            description = {"Open the console on this item once signed in: integrity://saga/ID or saga/ID",
                    "(also user/ID, audit/ID, run/ID; see Deep links in README.md)."})
    DeepLink open;

    private final ConsoleStarter consoleStarter;

    private IntegrityCli(ConsoleStarter consoleStarter) {
        this.consoleStarter = consoleStarter;
    }

    /** Builds the command line: annotated commands plus one inherited flag per {@link ConfigKey}. */
    public static CommandLine commandLine(ConsoleStarter consoleStarter, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new IntegrityCli(consoleStarter));
        for (ConfigKey key : ConfigKey.values()) {
            cl.getCommandSpec().addOption(OptionSpec.builder(key.flag())
                    .paramLabel(key.secret() ? "SECRET" : "VALUE")
                    .type(String.class)
                    .scopeType(ScopeType.INHERIT)
                    .description(helpLines(key.description() + " [" + key.environmentVariable() + "]"))
                    .build());
        }
        // Sub-commands are added after the generated flags: inherited options are copied when a sub-command is added.
        cl.addSubcommand(new CommandLine.HelpCommand());
        cl.addSubcommand(new StatusCommand());
        cl.addSubcommand(new RegisterCommand());
        cl.addSubcommand(new EmailCommand());
        cl.addSubcommand(new ReferralCommand());
        cl.addSubcommand(new SagasCommand());
        cl.addSubcommand(new CacheCommand());
        cl.addSubcommand(new AuditCommand());
        cl.addSubcommand(new AccountsCommand());
        cl.addSubcommand(new RepairCommand());
        cl.addSubcommand(new CheckCommand());
        cl.addSubcommand(new ChecksCommand());
        cl.addSubcommand(new ImportCommand());
        cl.addSubcommand(new DuplicatesCommand());
        cl.addSubcommand(new MergeCommand());
        cl.addSubcommand(new UnmergeCommand());
        cl.addSubcommand(new BenchCommand());
        cl.addSubcommand(new ServeCommand());
        CommandLine rebuilt = cl;
        rebuilt.setOut(out);
        rebuilt.setErr(err);
        rebuilt.setExecutionExceptionHandler(IntegrityCli::handleExecutionException);
        rebuilt.setExecutionStrategy(parseResult -> {
            // --open belongs to the console: with a sub-command it would be silently ignored.
            if (parseResult.hasSubcommand() && parseResult.hasMatchedOption("--open")) {
                parseResult.commandSpec().commandLine().getErr().println("error: --open opens the console on an item;"
                        + " it cannot be used with the '" + parseResult.subcommand().commandSpec().name() + "' command.");
                parseResult.commandSpec().commandLine().getErr().println("Run with --help for usage.");
                return ExitCodes.USAGE;
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        rebuilt.setParameterExceptionHandler((ex, args) -> {
            // picocli quotes what it could not match: a mistyped --db-pasword's value would be echoed.
            ex.getCommandLine().getErr().println("error: " + Redaction.text(ex.getMessage(), secretsOf(ex, List.of(args))));
            ex.getCommandLine().getErr().println("Run with --help for usage.");
            return ExitCodes.USAGE;
        });
        return rebuilt;
    }

    /**
     * A setting's description as picocli help lines: {@code %} escaped (picocli formats descriptions), and a
     * parenthesised default that names a path on lines of its own, split at its commas, so that picocli, which
     * wraps a long word after a dot or a slash, never breaks a path in the middle.
     */
    static String[] helpLines(String description) {
        String text = description.replace("%", "%%");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(.*?) (\\((?:empty|default)[^)]*/[^)]*\\))(.*)$").matcher(text);
        if (!m.matches()) {
            return new String[] {text};
        }
        List<String> lines = new java.util.ArrayList<>();
        lines.add(m.group(1));
        lines.addAll(List.of(m.group(2).split("(?<=,) ")));
        if (!m.group(3).isBlank()) {
            lines.set(lines.size() - 1, lines.get(lines.size() - 1) + m.group(3));
        }
        return lines.toArray(String[]::new);
    }

    /** Runs the jar's command line and returns the process exit code. */
    public static int run(String[] args, ConsoleStarter consoleStarter) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        return commandLine(consoleStarter, out, err).execute(args);
    }

    @Override
    public Integer call() {
        return consoleStarter.start(configRequest(spec), Optional.ofNullable(open));
    }

    /** Collects {@code --config} and the setting flags from this command and its parents (the innermost wins). */
    static ConfigRequest configRequest(CommandSpec spec) {
        Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
        Optional<Path> file = Optional.empty();
        java.util.List<ParseResult> chain = new java.util.ArrayList<>();
        for (CommandSpec s = spec; s != null; s = s.parent()) {
            ParseResult pr = s.commandLine().getParseResult();
            if (pr != null) {
                chain.add(0, pr);
            }
        }
        for (ParseResult pr : chain) {
            for (ConfigKey key : ConfigKey.values()) {
                if (pr.hasMatchedOption(key.flag())) {
                    flags.put(key, pr.matchedOptionValue(key.flag(), ""));
                }
            }
            if (pr.hasMatchedOption("--config")) {
                file = Optional.of(pr.matchedOptionValue("--config", Path.of("")));
            }
        }
        return new ConfigRequest(file, flags);
    }

    /**
     * The values given with secret flags, and with unknown ones: picocli quotes those it could not match, and a
     * mistyped {@code --db-pasword}'s value is as secret as the right one's.
     */
    private static List<String> secretsOf(CommandLine.ParameterException ex, List<String> args) {
        List<String> secrets = new java.util.ArrayList<>(Redaction.secretValues(args));
        if (ex instanceof CommandLine.UnmatchedArgumentException u) {
            List<String> unmatched = u.getUnmatched();
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                if (!arg.startsWith("--") || !unmatched.contains(arg)) {
                    continue;
                }
                int eq = arg.indexOf('=');
                if (eq >= 0) {
                    secrets.add(arg.substring(eq + 1));
                } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("-") && unmatched.contains(args.get(i + 1))) {
                    secrets.add(args.get(++i));
                }
            }
        }
        return secrets;
    }

    /** Reads {@code --open}'s value; a malformed link is a usage error whose message names the accepted forms. */
    static final class DeepLinkConverter implements CommandLine.ITypeConverter<DeepLink> {
        @Override
        public DeepLink convert(String value) {
            try {
                return DeepLink.parse(value);
            } catch (InvalidInputException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Every failure's message is redacted: it may quote a URL or a value given on the command line. */
    private static int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
        PrintWriter err = cl.getErr();
        List<String> secrets = Redaction.secretValues(parseResult.originalArgs());
        if (ex instanceof ConfigException) {
            err.println("error: " + Redaction.text(ex.getMessage(), secrets));
            return ExitCodes.CONFIG;
        }
        if (ex instanceof ServerUnavailableException) {
            err.println("error: " + Redaction.text(ex.getMessage(), secrets));
            return ExitCodes.UNAVAILABLE;
        }
        if (ex instanceof org.nstcg.integrity.engine.account.AccessDeniedException) {
            err.println("error: " + Redaction.text(ex.getMessage(), secrets));
            return ExitCodes.DENIED;
        }
        if (ex instanceof InvalidInputException) {
            err.println("error: " + ex.getMessage());
            return ExitCodes.INVALID;
        }
        if (ex instanceof EngineException) {
            err.println("error: " + Redaction.text(ex.getMessage(), secrets));
            return ExitCodes.UNAVAILABLE;
        }
        // The log's own redaction masks the exception's message and stack trace as well.
        log.error("Unexpected failure of '{}'", Redaction.commandLine(parseResult.originalArgs()), ex);
        err.println("error: an unexpected problem stopped the command (" + ex.getClass().getSimpleName()
                + "). Details are in the log file; please report it.");
        return ExitCodes.INTERNAL;
    }
}
