package org.nstcg.integrity.engine.lookup;

import org.nstcg.integrity.engine.audit.AuditAnchor;
import org.nstcg.integrity.engine.audit.AuditAnchorFile;
import org.nstcg.integrity.engine.audit.AuditEntry;
import org.nstcg.integrity.engine.audit.AuditPage;
import org.nstcg.integrity.engine.audit.AuditQuery;
import org.nstcg.integrity.engine.audit.AuditVerification;
import org.nstcg.integrity.engine.audit.AuditTrail;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.support.EngineException;

/**
 * Reads and verifies the audit trail that {@link AuditTrail} writes, for an actor who may read it
 * ({@link Permission#VIEW_AUDIT}): the faces' only way to the trail.
 *
 * <p>Design notes: a read model like the user look-up, so it lives here and not in {@code engine.audit}: accounts
 * write audit entries and the reader checks an account's permission, so with both in one place {@code account} and
 * {@code audit} depended on each other (ArchitectureTest keeps engine slices free of cycles). The statements are
 * {@link AuditLookupStore}'s.
 */
public final class AuditReader {

    private final Jdbc jdbc;
    private final AuditTrail trail;
    private final AuditAnchorFile anchorFile;
    private final java.time.Clock clock;
    private final AuditLookupStore store;

    public AuditReader(Jdbc jdbc, ObjectMapper json, AuditTrail trail, AuditAnchorFile anchorFile, java.time.Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.trail = trail;
        this.anchorFile = anchorFile;
        this.store = new AuditLookupStore(json);
    }

    /**
     * Checks the whole trail: every hash and link, every seal against the deployment's audit key, and the anchors of
     * this deployment in the anchor file ({@code audit.anchor-file}); {@link AuditTrail#verify} says how.
     *
     * @return intact, or the first tampered, missing or unsealed entry
     * @throws EngineException when PostgreSQL cannot be read, or the anchor file is unreadable or malformed
     */
    public AuditVerification verify(Actor by) {
        return verify(by, List.of());
    }

    /** {@link #verify(Actor)}, checking {@code expected} anchors too (an operator's {@code --expect ID:HASH}, another file's). */
    public AuditVerification verify(Actor by, List<AuditAnchor> expected) {
        by.authorize(Permission.VIEW_AUDIT);
        List<AuditAnchor> anchors = new ArrayList<>(anchorFile.read());
        anchors.addAll(expected);
        return read(tx -> trail.verify(tx, anchors));
    }

    /** The anchor file this engine writes ({@code audit.anchor-file}). */
    public AuditAnchorFile anchorFile() {
        return anchorFile;
    }

    /**
     * This deployment's anchors in {@code file} (one kept elsewhere, say), to pass to {@link #verify(Actor, List)}.
     *
     * @throws EngineException when the file cannot be read or a line of this deployment is malformed
     */
    public List<AuditAnchor> anchorsIn(java.nio.file.Path file) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new EngineException("The anchor file " + file + " does not exist: name a file written by audit anchor"
                    + " or by a console or server (audit.anchor-file).");
        }
        return anchorFile.sibling(file).read();
    }

    /**
     * Anchors the head now, as consoles and servers do every {@code audit.anchor-interval}: appended to the anchor
     * file and put into the outbox. Returns the anchor to keep elsewhere too, or empty for an empty trail.
     */
    public Optional<AuditAnchor> anchor(Actor by) {
        by.authorize(Permission.VIEW_AUDIT);
        return trail.anchor(anchorFile, clock.instant());
    }

    /**
     * A page of entries matching {@code query}, newest first, starting after {@code after}. Keyset-paged over
     * {@code (occurred_at, id)}, so that the actor, action, target and time filters each read through an index and
     * any page of millions of entries costs the same; a text search reads newest first and stops at the page.
     *
     * @param size entries per page, 1 to 1,000
     * @throws EngineException when PostgreSQL cannot be read
     */
    public AuditPage page(Actor by, AuditQuery query, Optional<AuditPage.Cursor> after, int size) {
        by.authorize(Permission.VIEW_AUDIT);
        if (size < 1 || size > 1000) {
            throw new IllegalArgumentException("a page holds 1 to 1000 entries, not " + size);
        }
        // One entry more than the page: whether there is a next page.
        List<AuditEntry> rows = read(tx -> store.page(tx, query, after, size + 1));
        if (rows.size() <= size) {
            return new AuditPage(rows, Optional.empty());
        }
        List<AuditEntry> page = List.copyOf(rows.subList(0, size));
        AuditEntry last = page.get(size - 1);
        return new AuditPage(page, Optional.of(new AuditPage.Cursor(last.occurredAt(), last.id())));
    }

    /**
     * The entry at position {@code id} of the chain, if there is one.
     *
     * @throws EngineException when PostgreSQL cannot be read
     */
    public Optional<AuditEntry> entry(Actor by, long id) {
        by.authorize(Permission.VIEW_AUDIT);
        return read(tx -> store.entry(tx, id));
    }

    /** Entries newest first, optionally only one actor's, one action's, or one target's. */
    public List<AuditEntry> list(Actor by, Optional<String> actor, Optional<String> action, Optional<String> targetId,
                                 Optional<Instant> since, int limit) {
        by.authorize(Permission.VIEW_AUDIT);
        return read(tx -> store.list(tx, actor, action, targetId, since, Math.max(1, Math.min(limit, 100_000))));
    }

    /** Runs a read of the trail; a failure reads "Cannot read the audit trail in PostgreSQL (reason)." */
    private <T> T read(Jdbc.Work<T> work) {
        return jdbc.read("read the audit trail", work);
    }
}
