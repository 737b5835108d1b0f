package org.nstcg.integrity.engine.saga;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.nstcg.integrity.engine.account.AccessDeniedException;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.saga.SagaEvent.ManualAction;
import org.nstcg.integrity.engine.support.BulkPreview;
import org.nstcg.integrity.engine.support.BulkResult;
import org.nstcg.integrity.engine.support.BulkResult.Outcome;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retry or resolve many sagas that need attention at once: those a filter of the saga log matches, or a list of ids.
 * First a preview (which sagas, and what the action would do to each), then the run, one saga at a time.
 *
 * <p>Design notes: each saga is claimed in its own transaction, exactly as {@link SagaService#retry} and
 * {@link SagaService#resolve} claim one, with its own saga-log event and audit entry; both also name the run's
 * {@linkplain BulkResult#bulkId() bulk id}, so the audit trail shows which entries belong together. A failure of one
 * saga therefore never undoes another, and a cancel (checked before each saga) leaves done what was done. The run is
 * given the preview's ids, not the filter again: a saga that started needing attention after the preview is not
 * touched unseen; one that stopped needing it (someone resolved it meanwhile) is skipped and reported, because the
 * claim only takes a saga still in FAILED_NEEDS_ATTENTION. The permission is checked before anything runs and again
 * for every saga, so a role withdrawn half-way stops the run at the next saga.
 */
public final class SagaBulkActions {

    private static final Logger log = LoggerFactory.getLogger(SagaBulkActions.class);

    private final SagaService service;
    private final SagaStore store;
    private final SagaOrchestrator orchestrator;

    SagaBulkActions(SagaService service, SagaStore store, SagaOrchestrator orchestrator) {
        this.service = service;
        this.store = store;
        this.orchestrator = orchestrator;
    }

    /**
     * What {@code action} would do to every saga needing attention that {@code filter} matches (a filter on another
     * status matches none), newest first, at most {@link BulkPreview#MAX_ITEMS}; writes nothing.
     *
     * @throws AccessDeniedException when {@code by} may not act on sagas
     */
    public BulkPreview<UUID> preview(Actor by, ManualAction action, SagaQuery filter) {
        by.authorize(Permission.ACT_ON_SAGAS);
        if (filter.status().isPresent() && filter.status().get() != SagaStatus.FAILED_NEEDS_ATTENTION) {
            return new BulkPreview<>(action.code(), List.of(), false);
        }
        SagaQuery needing = new SagaQuery(Optional.of(SagaStatus.FAILED_NEEDS_ATTENTION), filter.type(), filter.from(), filter.to());
        List<UUID> ids = new ArrayList<>();
        Optional<SagaPage.Cursor> after = Optional.empty();
        boolean more;
        do {
            SagaPage page = store.page(needing, after, BulkPreview.MAX_ITEMS);
            page.sagas().stream().limit(BulkPreview.MAX_ITEMS - ids.size()).forEach(r -> ids.add(r.id()));
            after = page.next();
            more = after.isPresent();
        } while (more && ids.size() < BulkPreview.MAX_ITEMS);
        BulkPreview<UUID> listed = preview(by, action, ids);
        return new BulkPreview<>(listed.action(), listed.items(), more);
    }

    /**
     * What {@code action} would do to each of {@code ids}, in that order (at most {@link BulkPreview#MAX_ITEMS});
     * a saga that does not need attention, or that this instance cannot retry, is listed as left alone. Writes nothing.
     *
     * @throws AccessDeniedException when {@code by} may not act on sagas
     */
    public BulkPreview<UUID> preview(Actor by, ManualAction action, List<UUID> ids) {
        by.authorize(Permission.ACT_ON_SAGAS);
        requireSize(ids);
        List<BulkPreview.Item<UUID>> items = new ArrayList<>();
        for (UUID id : ids) {
            Optional<SagaRecord> found = store.load(id);
            if (found.isEmpty()) {
                items.add(new BulkPreview.Item<>(id, "saga " + id, "left alone: there is no such saga", false));
                continue;
            }
            SagaRecord r = found.get();
            Optional<String> refusal = refusal(action, r);
            items.add(new BulkPreview.Item<>(id, label(r), refusal.map(why -> "left alone: " + why).orElseGet(() -> plan(action, r)),
                    refusal.isEmpty()));
        }
        return new BulkPreview<>(action.code(), items, false);
    }

    /**
     * Does {@code action} to each saga of {@code ids} in order (normally {@link BulkPreview#keys()} of a preview), each
     * in its own transaction with its own saga-log event and audit entry, both carrying {@code reason} and the run's
     * bulk id. Stops before the next saga once {@code cancelled} says so; the sagas not reached are reported as not run.
     *
     * @param progress told before each saga ("Retrying saga 3 of 12…", done 2, total 12) and once at the end
     * @throws AccessDeniedException when {@code by} may not act on sagas (nothing was done)
     * @throws EngineException       when the reason is blank or holds control characters (nothing was done)
     * @throws org.nstcg.integrity.engine.support.InvalidInputException when the reason is too long (nothing was done)
     */
    public BulkResult<UUID> run(Actor by, ManualAction action, List<UUID> ids, String reason, ProgressListener progress,
                                BooleanSupplier cancelled) {
        by.authorize(Permission.ACT_ON_SAGAS);
        SagaService.requireReason(reason, action == ManualAction.RETRY ? "the reason" : "the note");
        requireSize(ids);
        String why = reason.strip();
        UUID bulkId = UUID.randomUUID();
        List<BulkResult.Item<UUID>> results = new ArrayList<>();
        int total = ids.size();
        boolean stopped = false;
        String notRun = "not run: the action was cancelled before it reached this saga";
        for (int i = 0; i < total; i++) {
            UUID id = ids.get(i);
            if (!stopped && cancelled.getAsBoolean()) {
                stopped = true;
            }
            if (stopped) {
                results.add(new BulkResult.Item<>(id, "saga " + id, Outcome.NOT_RUN, notRun));
                continue;
            }
            progress.progress(verb(action) + " saga " + (i + 1) + " of " + total + "…", i, total);
            try {
                results.add(one(by, action, id, why, bulkId));
            } catch (AccessDeniedException e) {
                results.add(new BulkResult.Item<>(id, "saga " + id, Outcome.FAILED, sentence(e.getMessage())));
                stopped = true;
                notRun = "not run: " + sentence(e.getMessage());
            } catch (EngineException e) {
                results.add(new BulkResult.Item<>(id, "saga " + id, Outcome.FAILED, sentence(e.getMessage())));
            } catch (RuntimeException e) {
                log.error("Bulk {} {}: saga {} failed unexpectedly", action.code(), bulkId, id, e);
                results.add(new BulkResult.Item<>(id, "saga " + id, Outcome.FAILED, "an unexpected error; the log file has the details"));
            }
        }
        BulkResult<UUID> result = new BulkResult<>(bulkId, action.code(), results, results.stream().anyMatch(r -> r.outcome() == Outcome.NOT_RUN));
        progress.progress(verb(action) + " finished: " + result.count(Outcome.DONE) + " of " + total + " done.", total, total);
        log.info("Bulk {} {}: {} done, {} skipped, {} failed, {} not run", action.code(), bulkId,
                result.count(Outcome.DONE), result.count(Outcome.SKIPPED), result.count(Outcome.FAILED), result.count(Outcome.NOT_RUN));
        return result;
    }

    private BulkResult.Item<UUID> one(Actor by, ManualAction action, UUID id, String reason, UUID bulkId) {
        String actor = by.authorize(Permission.ACT_ON_SAGAS);
        Optional<SagaRecord> found = store.load(id);
        if (found.isEmpty()) {
            return new BulkResult.Item<>(id, "saga " + id, Outcome.SKIPPED, "it is no longer in the saga log");
        }
        SagaRecord r = found.get();
        if (r.status() != SagaStatus.FAILED_NEEDS_ATTENTION) {
            return new BulkResult.Item<>(id, label(r), Outcome.SKIPPED, "it is now " + phrase(r.status())
                    + "; someone acted on it since the preview");
        }
        Optional<String> refusal = refusal(action, r);
        if (refusal.isPresent()) {
            return new BulkResult.Item<>(id, label(r), Outcome.SKIPPED, refusal.get());
        }
        if (action == ManualAction.RESOLVE) {
            if (!service.claimForManualAction(id, SagaStatus.FAILED_NEEDS_ATTENTION, SagaStatus.RESOLVED, actor, reason,
                    action.code(), Optional.of(bulkId))) {
                return changedMeanwhile(id, r);
            }
            return new BulkResult.Item<>(id, label(r), Outcome.DONE, "marked resolved");
        }
        SagaStatus resumeAs = SagaOrchestrator.failedWhileCompensating(r) ? SagaStatus.COMPENSATING : SagaStatus.RUNNING;
        if (!service.claimForManualAction(id, SagaStatus.FAILED_NEEDS_ATTENTION, resumeAs, actor, reason, action.code(),
                Optional.of(bulkId))) {
            return changedMeanwhile(id, r);
        }
        return orchestrator.resume(id).match(
                done -> new BulkResult.Item<>(id, label(r), Outcome.DONE, "retried: it completed"),
                c -> new BulkResult.Item<>(id, label(r), Outcome.DONE, "retried: rolled back, every step undone"),
                n -> new BulkResult.Item<>(id, label(r), Outcome.FAILED, "retried, but it failed again at " + n.step() + " (" + n.message()
                        + "); it still needs attention"),
                taken -> new BulkResult.Item<>(id, label(r), Outcome.SKIPPED, "another instance took it over and will finish it"));
    }

    private BulkResult.Item<UUID> changedMeanwhile(UUID id, SagaRecord before) {
        String now = store.load(id).map(r -> phrase(r.status())).orElse("gone from the log");
        return new BulkResult.Item<>(id, label(before), Outcome.SKIPPED, "it is now " + now + "; someone acted on it since the preview");
    }

    /** Why {@code action} does not apply to {@code r}, as a phrase, or empty when it does. */
    private Optional<String> refusal(ManualAction action, SagaRecord r) {
        if (r.status() != SagaStatus.FAILED_NEEDS_ATTENTION) {
            return Optional.of("it is " + phrase(r.status()) + ", and only a saga that needs attention can be " + past(action));
        }
        if (action == ManualAction.RETRY && !orchestrator.knows(r.type())) {
            return Optional.of("this instance cannot run " + r.type() + " sagas; retry it from the application that started it,"
                    + " or resolve it");
        }
        return Optional.empty();
    }

    private String plan(ManualAction action, SagaRecord r) {
        return action == ManualAction.RETRY ? orchestrator.retryPlan(r) : "resolve: marks it resolved by hand; it is not run again";
    }

    private static String label(SagaRecord r) {
        return r.businessKey() + " (" + r.type() + ") · saga " + r.id();
    }

    private static String phrase(SagaStatus status) {
        return switch (status) {
            case FAILED_NEEDS_ATTENTION -> "still in need of attention";
            case RESOLVED -> "resolved by hand";
            case COMPENSATED -> "rolled back";
            case COMPENSATING -> "rolling back";
            default -> status.name().toLowerCase(Locale.ROOT);
        };
    }

    private static String past(ManualAction action) {
        return action == ManualAction.RETRY ? "retried" : "resolved";
    }

    private static String verb(ManualAction action) {
        return action == ManualAction.RETRY ? "Retrying" : "Resolving";
    }

    private static String sentence(String message) {
        String m = message.strip();
        if (m.endsWith(".")) {
            m = m.substring(0, m.length() - 1);
        }
        return m.isEmpty() ? m : Character.toLowerCase(m.charAt(0)) + m.substring(1);
    }

    private static void requireSize(List<UUID> ids) {
        if (ids.size() > BulkPreview.MAX_ITEMS) {
            throw new EngineException("A bulk action takes at most " + BulkPreview.MAX_ITEMS + " sagas, not " + ids.size()
                    + "; narrow the filter.");
        }
    }
}
