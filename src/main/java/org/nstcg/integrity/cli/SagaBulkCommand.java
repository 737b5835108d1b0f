package org.nstcg.integrity.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.saga.SagaEvent.ManualAction;
import org.nstcg.integrity.engine.saga.SagaQuery;
import org.nstcg.integrity.engine.saga.SagaStatus;
import org.nstcg.integrity.engine.support.BulkPreview;
import org.nstcg.integrity.engine.support.BulkResult;
import org.nstcg.integrity.engine.support.BulkResult.Outcome;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.InvalidInputException;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code sagas retry|resolve --all-matching}: prints the preview (which sagas, what each would get), then, unless
 * {@code --dry-run}, runs the engine's bulk action with a progress line per saga on standard error and prints each
 * saga's ending. Ctrl-C stops before the next saga.
 */
final class SagaBulkCommand {

    private SagaBulkCommand() {
    }

    static int run(CommandSpec spec, AuditActor who, ManualAction action, Optional<String> type, Optional<Duration> since,
                   boolean dryRun, String why, String whyOption) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String verb = action == ManualAction.RETRY ? "retried" : "resolved";
        try (IntegrityEngine engine = EngineStarter.start(spec)) {
            Actor by = who.actor(engine);
            SagaQuery filter = new SagaQuery(Optional.of(SagaStatus.FAILED_NEEDS_ATTENTION), type,
                    since.map(d -> engine.clock().instant().minus(d)), Optional.empty());
            BulkPreview<UUID> preview = engine.sagas().bulk().preview(by, action, filter);
            int acting = preview.keys().size();
            int alone = preview.items().size() - acting;
            if (preview.items().isEmpty()) {
                out.println("No saga that needs attention matches" + describe(type, since) + ": nothing to do.");
                out.flush();
                return ExitCodes.OK;
            }
            out.println(count(acting, "saga") + " will be " + verb + (alone == 0 ? "" : "; " + alone + " left alone") + ":");
            for (BulkPreview.Item<UUID> item : preview.items()) {
                out.println("  " + item.label() + ": " + item.plan());
            }
            if (preview.truncated()) {
                out.println("Only the newest " + BulkPreview.MAX_ITEMS + " are taken; narrow --type or --since for the rest.");
            }
            if (dryRun) {
                out.println("Dry run: nothing was changed. Run again without --dry-run, with " + whyOption + ", to go ahead.");
                out.flush();
                return ExitCodes.OK;
            }
            if (acting == 0) {
                out.println("Nothing to do.");
                out.flush();
                return ExitCodes.OK;
            }
            out.flush();
            AtomicBoolean cancel = new AtomicBoolean();
            BulkResult<UUID> result;
            try (AutoCloseable ctrlC = CacheRebuildCommand.onInterrupt(() -> {
                cancel.set(true);
                err.println();
                err.println("Stopping after the current saga…");
                err.flush();
            })) {
                result = engine.sagas().bulk().run(by, action, preview.keys(), why, (message, done, total) -> {
                    err.println(message);
                    err.flush();
                }, cancel::get);
            }
            out.println((result.cancelled() ? "Stopped" : "Finished") + " (bulk " + result.bulkId() + "): "
                    + result.count(Outcome.DONE) + " done, " + result.count(Outcome.SKIPPED) + " skipped, "
                    + result.count(Outcome.FAILED) + " failed" + (result.cancelled() ? ", " + result.count(Outcome.NOT_RUN) + " not run" : "") + ".");
            for (BulkResult.Item<UUID> item : result.items()) {
                out.println("  " + word(item.outcome()) + " saga " + item.key() + ": " + item.why());
            }
            out.flush();
            if (result.cancelled()) {
                return ExitCodes.CANCELLED;
            }
            if (result.count(Outcome.FAILED) > 0) {
                return action == ManualAction.RETRY ? ExitCodes.STILL_NEEDS_ATTENTION : ExitCodes.NOT_APPLICABLE;
            }
            return ExitCodes.OK;
        } catch (InvalidInputException e) {
            err.println("error: " + e.getMessage());
            return ExitCodes.INVALID;
        } catch (org.nstcg.integrity.engine.account.AccessDeniedException e) {
            throw e; // not allowed: the common handler says so, exit code 77
        } catch (EngineException e) {
            if (e.getCause() != null) {
                throw e; // an outage: the common handler says so, exit code 2
            }
            err.println("error: " + e.getMessage());
            return ExitCodes.NOT_APPLICABLE;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("could not put back the Ctrl-C handler", e);
        }
    }

    private static String describe(Optional<String> type, Optional<Duration> since) {
        if (type.isEmpty() && since.isEmpty()) {
            return "";
        }
        return type.map(t -> " type " + t).orElse("") + since.map(d -> " started in the last " + org.nstcg.integrity.engine.support.Durations.human(d)).orElse("");
    }

    private static String word(Outcome outcome) {
        return switch (outcome) {
            case DONE -> "done   ";
            case SKIPPED -> "skipped";
            case FAILED -> "failed ";
            case NOT_RUN -> "not run";
        };
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
