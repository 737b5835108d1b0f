package org.nstcg.integrity.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.saga.SagaEvent;
import org.nstcg.integrity.engine.saga.SagaOutcome;
import org.nstcg.integrity.engine.saga.SagaRecord;
import org.nstcg.integrity.engine.saga.SagaService;
import org.nstcg.integrity.engine.saga.SagaStatus;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.InvalidInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sagas}: browse the saga log, act on sagas that need an operator, and see saga health. */
@Command(name = "sagas", mixinStandardHelpOptions = true,
        description = "The saga log: multi-step operations (registrations…), their events, and manual actions.%n"
                + "Exit codes: 0 done, 2 server unreachable, 3 no such saga or the action does not apply to its state,"
                + " 4 the reason is longer than 500 characters, 5 a retry failed again, 64 bad command line (duration, status, id,"
                + " blank reason), 130 Ctrl-C stopped an --all-matching run.",
        subcommands = {SagasCommand.ListSagas.class, SagasCommand.Show.class, SagasCommand.Retry.class,
                SagasCommand.Resolve.class, SagasCommand.Metrics.class})
final class SagasCommand {

    /** {@code sagas list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Sagas, newest first: id, type, business key, status, step, start (UTC), duration, last error.")
    static final class ListSagas implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--status", paramLabel = "STATUS", converter = SagaArguments.Status.class,
                description = "Only this status (any case): RUNNING, COMPLETED, COMPENSATING, COMPENSATED,"
                        + " FAILED_NEEDS_ATTENTION, RESOLVED.")
        SagaStatus status;

        @Option(names = "--type", paramLabel = "TYPE", description = "Only this saga type, e.g. registration.")
        String type;

        @Option(names = "--since", paramLabel = "DURATION", converter = SagaArguments.Since.class,
                description = "Only sagas started within this look-back: 30s, 15m, 2h, 7d, 2w.")
        Duration since;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N sagas, 1 to 10000 (default ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            if (limit < 1 || limit > 10_000) {
                spec.commandLine().getErr().println("error: --limit takes 1 to 10000, not " + limit + ".");
                return ExitCodes.USAGE;
            }
            try (IntegrityEngine engine = EngineStarter.start(spec)) {
                List<SagaRecord> sagas = engine.sagas().list(AuditActor.reader(engine), Optional.ofNullable(status),
                        Optional.ofNullable(type).map(String::strip), Optional.ofNullable(since), limit);
                SagaFormat format = new SagaFormat(engine.clock().instant());
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    out.println(SagaFormat.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(format.listJson(sagas)));
                } else {
                    format.listText(out, sagas);
                }
                out.flush();
            }
            return ExitCodes.OK;
        }
    }

    /** {@code sagas show ID}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One saga: its header, then every event in order (step results, errors, manual actions).")
    static final class Show implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID", converter = SagaArguments.SagaId.class, description = "The saga's id (a UUID).")
        UUID id;

        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try (IntegrityEngine engine = EngineStarter.start(spec)) {
                Optional<SagaRecord> saga = engine.sagas().show(AuditActor.reader(engine), id);
                if (saga.isEmpty()) {
                    return noSuchSaga(spec, id);
                }
                SagaFormat format = new SagaFormat(engine.clock().instant());
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    out.println(SagaFormat.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(format.showJson(saga.get())));
                } else {
                    format.showText(out, saga.get());
                }
                out.flush();
            }
            return ExitCodes.OK;
        }
    }

    /** The arguments every manual action shares: which saga (or every saga matching a filter), who acts. */
    abstract static class ManualAction implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID", arity = "0..1", converter = SagaArguments.SagaId.class,
                description = "The saga's id (a UUID); or --all-matching instead.")
        UUID id;

        @Option(names = "--all-matching", description = "Act on every saga that needs attention and matches --type and --since"
                + " (the newest 1000 at most), one at a time, each recorded with the reason; prints what it will do first.")
        boolean allMatching;

        @Option(names = "--type", paramLabel = "TYPE", description = "With --all-matching: only sagas of this type, e.g. registration.")
        String type;

        @Option(names = "--since", paramLabel = "DURATION", converter = SagaArguments.Since.class,
                description = "With --all-matching: only sagas started within this look-back: 30s, 15m, 2h, 7d, 2w.")
        Duration since;

        @Option(names = "--dry-run", description = "With --all-matching: print which sagas it would act on, and how, then stop"
                + " (nothing changes; no reason needed).")
        boolean dryRun;

        @Mixin
        AuditActor who;

        private final String whyOption;

        /** @param whyOption the option that says why ({@code --reason}, {@code --note}) */
        ManualAction(String whyOption) {
            this.whyOption = whyOption;
        }

        /** The reason or note as typed. */
        abstract String why();

        private boolean reasonGiven(PrintWriter err) {
            if (why() == null) {
                err.println("error: " + whyOption + " is required: say what was done and why.");
                return false;
            }
            if (why().isBlank()) {
                err.println("error: " + whyOption + " must say what was done and why; it is blank.");
                return false;
            }
            return true;
        }

        /** Runs the action on a saga that exists; returns the exit code. */
        abstract int act(SagaService sagas, org.nstcg.integrity.engine.account.Actor by, PrintWriter out);

        /** The engine's name of this action. */
        abstract SagaEvent.ManualAction action();

        @Override
        public final Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            if (allMatching == (id != null)) {
                err.println(id == null ? "error: give the saga's ID, or --all-matching to act on every saga that needs attention."
                        : "error: give a saga ID or --all-matching, not both.");
                return ExitCodes.USAGE;
            }
            if (!allMatching && (type != null || since != null || dryRun)) {
                err.println("error: --type, --since and --dry-run go with --all-matching, not with a saga ID.");
                return ExitCodes.USAGE;
            }
            if (!(allMatching && dryRun) && !reasonGiven(err)) {
                return ExitCodes.USAGE;
            }
            if (!who.valid(spec)) {
                return ExitCodes.USAGE;
            }
            if (allMatching) {
                return SagaBulkCommand.run(spec, who, action(), Optional.ofNullable(type).map(String::strip), Optional.ofNullable(since),
                        dryRun, why(), whyOption);
            }
            try (IntegrityEngine engine = EngineStarter.start(spec)) {
                if (engine.sagas().show(AuditActor.reader(engine), id).isEmpty()) {
                    return noSuchSaga(spec, id);
                }
                PrintWriter out = spec.commandLine().getOut();
                try {
                    return act(engine.sagas(), who.actor(engine), out);
                } catch (InvalidInputException e) {
                    spec.commandLine().getErr().println("error: " + e.getMessage());
                    return ExitCodes.INVALID;
                } catch (org.nstcg.integrity.engine.account.AccessDeniedException e) {
                    throw e; // not allowed: the common handler says so, exit code 77
                } catch (EngineException e) {
                    if (e.getCause() != null) {
                        throw e; // an outage: the common handler says so, exit code 2
                    }
                    spec.commandLine().getErr().println("error: " + e.getMessage());
                    return ExitCodes.NOT_APPLICABLE;
                } finally {
                    out.flush();
                }
            }
        }
    }

    /** {@code sagas retry ID --reason TEXT}. */
    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Runs a FAILED_NEEDS_ATTENTION saga again once its fault is fixed: its compensation, or its steps"
                    + " after the pivot, whichever failed. Recorded as a manual action with actor and reason.%n"
                    + "With --all-matching instead of an ID: every saga that needs attention and matches --type and --since,"
                    + " listed first (--dry-run stops there), then retried one by one.%n"
                    + "Exit code 0 when the saga then finished (with --all-matching: each one done or skipped), 5 when it failed"
                    + " again, 3 when there is no such saga or it does not need attention, 64 when the reason is blank,"
                    + " 130 when Ctrl-C stopped --all-matching, 2 server unreachable.")
    static final class Retry extends ManualAction {

        @Option(names = "--reason", paramLabel = "TEXT", description = "What was fixed, and why a retry now (required, except for --dry-run).")
        String reason;

        Retry() {
            super("--reason");
        }

        @Override
        SagaEvent.ManualAction action() {
            return SagaEvent.ManualAction.RETRY;
        }

        @Override
        String why() {
            return reason;
        }

        @Override
        int act(SagaService sagas, org.nstcg.integrity.engine.account.Actor by, PrintWriter out) {
            SagaOutcome outcome = sagas.retry(id, by, reason);
            String now = sagas.show(by, id).map(r -> r.status().name()).orElse("?");
            return outcome.match(
                    done -> {
                        out.printf("Retried saga %s: it completed. Status now %s.%n", id, now);
                        return ExitCodes.OK;
                    },
                    c -> {
                        out.printf("Retried saga %s: it was rolled back (%s). Status now %s.%n", id, c.message(), now);
                        return ExitCodes.OK;
                    },
                    n -> {
                        out.printf("Retried saga %s: it failed again at step %s (%s). Status now %s; it still needs attention.%n",
                                id, n.step(), n.message(), now);
                        return ExitCodes.STILL_NEEDS_ATTENTION;
                    },
                    taken -> {
                        out.printf("Retried saga %s: another instance took it over and will finish it. Status now %s.%n", id, now);
                        return ExitCodes.NOT_APPLICABLE;
                    });
        }
    }

    /** {@code sagas resolve ID --note TEXT}. */
    @Command(name = "resolve", mixinStandardHelpOptions = true,
            description = "Marks a FAILED_NEEDS_ATTENTION saga as handled by hand (RESOLVED), recorded as a manual action"
                    + " with actor and note.%n"
                    + "With --all-matching instead of an ID: every saga that needs attention and matches --type and --since,"
                    + " listed first (--dry-run stops there), then resolved one by one.%n"
                    + "Exit code 0 resolved (with --all-matching: each one done or skipped), 3 when there is no such saga or it"
                    + " does not need attention (or one could not be resolved), 64 when the note is blank, 130 when Ctrl-C"
                    + " stopped --all-matching, 2 server unreachable.")
    static final class Resolve extends ManualAction {

        @Option(names = "--note", paramLabel = "TEXT", description = "What was done by hand, and why (required, except for --dry-run).")
        String note;

        Resolve() {
            super("--note");
        }

        @Override
        SagaEvent.ManualAction action() {
            return SagaEvent.ManualAction.RESOLVE;
        }

        @Override
        String why() {
            return note;
        }

        @Override
        int act(SagaService sagas, org.nstcg.integrity.engine.account.Actor by, PrintWriter out) {
            sagas.resolve(id, by, note);
            String now = sagas.show(by, id).map(r -> r.status().name()).orElse("?");
            out.printf("Resolved saga %s by %s: %s. Status now %s.%n", id, who.name(), note.strip(), now);
            return ExitCodes.OK;
        }
    }

    /** {@code sagas metrics}. */
    @Command(name = "metrics", mixinStandardHelpOptions = true,
            description = "Rollback rate per window (5 min, 1 h, 24 h), duration percentiles per saga type, and the sagas"
                    + " that need attention or are stuck.")
    static final class Metrics implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try (IntegrityEngine engine = EngineStarter.start(spec)) {
                SagaFormat format = new SagaFormat(engine.clock().instant());
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    out.println(SagaFormat.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(format.metricsJson(engine.sagas().metrics(AuditActor.reader(engine)))));
                } else {
                    format.metricsText(out, engine.sagas().metrics(AuditActor.reader(engine)));
                }
                out.flush();
            }
            return ExitCodes.OK;
        }
    }

    private static int noSuchSaga(CommandSpec spec, UUID id) {
        spec.commandLine().getErr().println("error: there is no saga " + id + " in this database.");
        return ExitCodes.NOT_APPLICABLE;
    }
}
