package org.nstcg.integrity.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Account;
import org.nstcg.integrity.engine.account.AccountResult;
import org.nstcg.integrity.engine.account.AccountService;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code accounts}: console accounts from the server's command line, for setting up without a display and for
 * recovering a locked-out or forgotten administrator. Passwords are read from standard input, never from arguments.
 */
@Command(name = "accounts", mixinStandardHelpOptions = true,
        description = "Console accounts: list, create, unlock, reset a password. Changes are audited under --actor.%n"
                + "Exit codes: 0 done, 2 server unreachable, 3 refused (e.g. it would leave no administrator), 4 invalid input (unknown account,"
                + " username, name, password), 64 bad command line.",
        subcommands = {AccountsCommand.ListAccounts.class, AccountsCommand.Create.class, AccountsCommand.Unlock.class,
                AccountsCommand.ResetPassword.class})
final class AccountsCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code accounts list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every console account with its role and state.")
    static final class ListAccounts implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print a JSON array instead of text.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            List<Account> accounts;
            java.time.Instant now;
            try (IntegrityEngine engine = EngineStarter.start(spec)) {
                AccountService service = engine.accounts();
                accounts = service.list(AuditActor.reader(engine));
                now = engine.clock().instant();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ArrayNode array = JSON.createArrayNode();
                for (Account a : accounts) {
                    array.addObject().put("username", a.username()).put("displayName", a.displayName())
                            .put("role", a.role().name()).put("disabled", a.disabled()).put("locked", a.lockedAt(now))
                            .put("lastSignInAt", a.lastSignInAt().map(Object::toString).orElse(null));
                }
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(array));
            } else if (accounts.isEmpty()) {
                out.println("No console accounts yet: the console asks for the first administrator at its first start,"
                        + " or run: accounts create NAME --role administrator --display-name \"...\" < password-file");
            } else {
                out.printf(Locale.ROOT, "%-20s %-14s %-10s %s%n", "USERNAME", "ROLE", "STATE", "NAME");
                for (Account a : accounts) {
                    String state = a.disabled() ? "disabled" : a.lockedAt(now) ? "locked" : "active";
                    out.printf(Locale.ROOT, "%-20s %-14s %-10s %s%n", a.username(), a.role().title(), state, a.displayName());
                }
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** {@code accounts create}. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates an account; the password is the first line of standard input (after the --sign-in password, if"
                    + " that is read from standard input too). " + AuditActor.ADMINISTRATOR_ONLY)
    static final class Create implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "USERNAME")
        String username;

        @Option(names = "--display-name", required = true, paramLabel = "NAME", description = "The name the console shows.")
        String displayName;

        @Option(names = "--role", required = true, paramLabel = "ROLE",
                description = "administrator, support or operator.")
        String role;

        @Mixin
        AuditActor who;

        @Override
        public Integer call() throws Exception {
            if (!who.valid(spec)) {
                return ExitCodes.USAGE;
            }
            Role parsed;
            try {
                parsed = Role.valueOf(role.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("error: --role must be administrator, support or operator, not " + role + ".");
                return ExitCodes.USAGE;
            }
            // the new password is read after the actor, whose sign-in password (if any) comes first
            return change(spec, who, (accounts, session) -> accounts.create(session, username, displayName, parsed, readPassword()),
                    "Created " + username.strip().toLowerCase(Locale.ROOT) + " (" + parsed.title() + ").");
        }
    }

    /** {@code accounts unlock}. */
    @Command(name = "unlock", mixinStandardHelpOptions = true, description = "Lifts a lock-out after failed sign-ins. " + AuditActor.ADMINISTRATOR_ONLY)
    static final class Unlock implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "USERNAME")
        String username;

        @Mixin
        AuditActor who;

        @Override
        public Integer call() throws Exception {
            if (!who.valid(spec)) {
                return ExitCodes.USAGE;
            }
            return change(spec, who, (accounts, session) -> accounts.unlock(session, username), "Unlocked " + username + ".");
        }
    }

    /** {@code accounts reset-password}. */
    @Command(name = "reset-password", mixinStandardHelpOptions = true,
            description = "Sets a new password (first line of standard input, after the --sign-in password if that is read from"
                    + " standard input too) and lifts any lock-out. " + AuditActor.ADMINISTRATOR_ONLY)
    static final class ResetPassword implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "USERNAME")
        String username;

        @Mixin
        AuditActor who;

        @Override
        public Integer call() throws Exception {
            if (!who.valid(spec)) {
                return ExitCodes.USAGE;
            }
            return change(spec, who, (accounts, session) -> accounts.resetPassword(session, username, readPassword()),
                    "New password set for " + username + "; any lock-out is lifted.");
        }
    }

    private static String readPassword() {
        return Stdin.line();
    }

    /** Starts the engine, makes the change as the command line's operator ({@code --actor}) and reports it. */
    private static int change(CommandSpec spec, AuditActor who, BiFunction<AccountService, Actor, AccountResult> change,
                              String success) {
        try (IntegrityEngine engine = EngineStarter.start(spec)) {
            AccountService accounts = engine.accounts();
            return report(spec, change.apply(accounts, who.actor(engine)), success);
        }
    }

    private static int report(CommandSpec spec, AccountResult result, String success) {
        if (result instanceof AccountResult.Done) {
            spec.commandLine().getOut().println(success);
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
        PrintWriter err = spec.commandLine().getErr();
        if (result instanceof AccountResult.Invalid invalid) {
            err.println("error: " + invalid.message());
            return ExitCodes.INVALID;
        }
        err.println("error: " + ((AccountResult.Refused) result).message());
        return ExitCodes.NOT_APPLICABLE;
    }
}
