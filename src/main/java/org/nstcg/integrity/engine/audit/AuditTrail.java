package org.nstcg.integrity.engine.audit;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.store.Tx;
import org.nstcg.integrity.engine.support.EngineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tamper-evident audit trail: append-only (the database refuses UPDATE, DELETE and TRUNCATE), each entry
 * hashed together with the previous entry's hash and sealed with a key kept outside the database, so that changing,
 * removing or inserting an entry anywhere shows, even to someone who can recompute the chain. {@link #verify} finds
 * the first entry where it breaks; {@link org.nstcg.integrity.engine.lookup.AuditReader} offers it, and reads, to
 * whoever may read the trail.
 *
 * <p>Design notes (decision record 0011): appending and hashing happen in the database ({@code audit_append}, V5)
 * under a transaction-scoped advisory lock, so entries from any number of instances form one chain, and an entry
 * written in the transaction of the action it records commits (or vanishes) with it. The hash alone stops no one who
 * can write the table: {@code audit_entry_hash} is in the schema. So the engine seals each entry, in the same
 * transaction, with an HMAC of its id and hash under the deployment's {@link AuditKey}, which the database never sees;
 * the database keeps only the key's fingerprint, registered by the first instance that appends (sealing every entry
 * already there). Entries cut from the end leave no broken link and may take their seals with them: {@link #anchor}
 * writes the head to a file and to the outbox, and {@link #verify} checks every anchor it is given.
 */
public final class AuditTrail {

    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);

    /** The previous hash of the first entry. */
    public static final String GENESIS = "0".repeat(64);

    private final Jdbc jdbc;
    private final Path keyFile;
    private final AuditStore store = new AuditStore();
    /** The key, once the database's fingerprint was seen to be its own (committed): no further check is needed. */
    private final AtomicReference<AuditKey> confirmed = new AtomicReference<>();

    public AuditTrail(Jdbc jdbc, Path keyFile) {
        this.jdbc = jdbc;
        this.keyFile = keyFile;
    }

    public Path keyFile() {
        return keyFile;
    }

    /**
     * Records {@code event} in the caller's transaction (it commits or rolls back with the action), sealed; returns
     * its id.
     *
     * @throws EngineException when this instance cannot seal it (it lacks the deployment's key): the action fails
     */
    public long record(Tx tx, AuditEvent event) {
        AuditKey key = key(tx);
        AuditStore.Appended entry = store.append(tx, event);
        store.seal(tx, entry.id(), key.seal(entry.id(), entry.hash()));
        return entry.id();
    }

    /**
     * Records {@code event} in a transaction of its own (for actions outside PostgreSQL, such as a cache rebuild).
     *
     * @throws EngineException when PostgreSQL cannot record it, or this instance cannot seal it
     */
    public long record(AuditEvent event) {
        return jdbc.read("record '" + event.action() + "' in the audit trail", tx -> record(tx, event));
    }

    /**
     * Makes sure this instance holds the deployment's audit key, registering (and creating) it if no instance has:
     * a console or server does this at start, so that a wrong key shows before the first audited action.
     *
     * @throws EngineException when it does not hold the deployment's key, or the registration is missing while seals exist
     */
    public void prepare() {
        jdbc.read("check the audit key", this::key);
    }

    /**
     * The key to seal with in {@code tx}. The first call checks the key against the database's fingerprint; when none
     * is registered yet it registers this instance's key (creating the file) under the chain's lock and seals every
     * entry already in the trail, in {@code tx}.
     */
    private AuditKey key(Tx tx) {
        AuditKey known = confirmed.get();
        if (known != null) {
            return known;
        }
        Optional<byte[]> registered = store.fingerprint(tx);
        if (registered.isEmpty()) {
            store.lockChain(tx); // no append, and no other registration, until this transaction ends
            registered = store.fingerprint(tx);
        }
        if (registered.isPresent()) {
            AuditKey key = matching(registered.get());
            confirmed.set(key);
            return key;
        }
        long seals = store.sealCount(tx);
        if (seals > 0) {
            throw new EngineException("The audit trail holds " + seals + " sealed entries but the registration of the key"
                    + " that sealed them is gone from engine_secrets: the database was changed behind the engine's back."
                    + " Run audit verify with the anchors kept outside the database, and restore from a backup.");
        }
        AuditKey key = AuditKey.readOrCreate(keyFile);
        store.registerFingerprint(tx, key.fingerprint());
        long sealed = 0;
        for (List<AuditStore.Sealable> batch = store.unsealed(tx, 5000); !batch.isEmpty(); batch = store.unsealed(tx, 5000)) {
            List<Long> ids = new ArrayList<>(batch.size());
            List<String> macs = new ArrayList<>(batch.size());
            for (AuditStore.Sealable e : batch) {
                ids.add(e.id());
                macs.add(key.seal(e.id(), e.hash()));
            }
            store.seal(tx, ids, macs);
            sealed += batch.size();
        }
        log.info("Registered the audit key {} (fingerprint {}) and sealed the {} entries already in the trail", keyFile,
                AuditKey.shortFingerprint(key.fingerprint()), sealed);
        return key; // confirmed by the next call, once this transaction has committed
    }

    private AuditKey matching(byte[] registered) {
        String expected = AuditKey.shortFingerprint(registered);
        AuditKey key = AuditKey.read(keyFile).orElseThrow(() -> new EngineException("This instance cannot seal audit entries:"
                + " the deployment's audit key (fingerprint " + expected + ") is not at " + keyFile + ". Copy that file from"
                + " an instance that has it, or point audit.key-file at it."));
        if (!MessageDigest.isEqual(key.fingerprint(), registered)) {
            throw new EngineException("The audit key at " + keyFile + " (fingerprint " + AuditKey.shortFingerprint(key.fingerprint())
                    + ") is not this deployment's (fingerprint " + expected + "): copy the deployment's key file there,"
                    + " or point audit.key-file at it.");
        }
        return key;
    }

    /**
     * Checks the whole trail in {@code tx}: every hash and link (in one statement in the database), every seal against
     * the deployment's key, seals left by removed entries, and each of {@code anchors}.
     *
     * @return intact, or the first problem found, in that order
     */
    public AuditVerification verify(Tx tx, List<AuditAnchor> anchors) {
        AuditStore.ChainCheck c = store.chain(tx, GENESIS);
        if (c.firstBroken().isPresent()) {
            String problem = c.breakKind().orElseThrow().equals("changed")
                    ? "its content no longer matches its hash: it was changed after it was written"
                    : "it does not link to the entry before it: an entry before it was removed, inserted or changed";
            return AuditVerification.broken(c, c.firstBroken(), problem, 0, 0);
        }
        Optional<byte[]> registered = store.fingerprint(tx);
        long sealed = 0;
        if (registered.isEmpty()) {
            long seals = store.sealCount(tx);
            if (seals > 0) {
                return AuditVerification.broken(c, Optional.empty(), seals + " entries carry seals, but the registration of"
                        + " the key that sealed them is gone: the database was changed behind the engine's back", 0, 0);
            }
        } else {
            AuditKey key;
            try {
                key = matching(registered.get());
            } catch (EngineException e) {
                return AuditVerification.broken(c, Optional.empty(), "the seals cannot be checked here. " + e.getMessage(), 0, 0);
            }
            AtomicReference<AuditStore.Sealable> firstBad = new AtomicReference<>();
            AtomicLong ok = new AtomicLong();
            store.eachSealable(tx, e -> {
                if (firstBad.get() == null) {
                    if (e.mac().isPresent() && key.sealed(e.id(), e.hash(), e.mac().get())) {
                        ok.incrementAndGet();
                    } else {
                        firstBad.set(e);
                    }
                }
            });
            sealed = ok.get();
            AuditStore.Sealable bad = firstBad.get();
            if (bad != null) {
                String problem = bad.mac().isEmpty()
                        ? "it carries no seal of the deployment's audit key: it was inserted behind the engine's back"
                        : "its seal does not match its hash: it was rewritten, its hash recomputed, after it was written";
                return AuditVerification.broken(c, Optional.of(bad.id()), problem, sealed, 0);
            }
        }
        Optional<Long> orphan = store.firstOrphanSeal(tx);
        if (orphan.isPresent()) {
            return AuditVerification.broken(c, orphan, "it is gone, but its seal remains: it was deleted behind the engine's back",
                    sealed, 0);
        }
        int checked = 0;
        for (AuditAnchor a : anchors) {
            Optional<String> hash = store.hashOf(tx, a.id());
            String when = a.at().map(t -> " on " + t).orElse("");
            if (hash.isEmpty()) {
                String end = c.headId().map(id -> "the trail now ends at entry " + id).orElse("the trail is now empty");
                return AuditVerification.broken(c, Optional.of(a.id()), "it was anchored" + when + " (" + a.source() + ") but is gone: "
                        + end + ", so entries were cut from its end", sealed, checked);
            }
            if (!hash.get().strip().equals(a.hash())) {
                return AuditVerification.broken(c, Optional.of(a.id()), "its hash is not the one anchored" + when + " (" + a.source()
                        + "): the trail was rewritten from there on", sealed, checked);
            }
            checked++;
        }
        return new AuditVerification(c.entries(), Optional.empty(), Optional.empty(), c.headId(), c.headHash(), sealed,
                registered.isPresent(), checked);
    }

    /**
     * Keeps the head outside PostgreSQL: appends it to {@code file} (unless it is already the file's last anchor) and
     * puts an {@code audit.anchored} event into the outbox for the relay to carry off.
     *
     * @return the anchor, or empty for an empty trail
     */
    public Optional<AuditAnchor> anchor(AuditAnchorFile file, Instant now) {
        Optional<AuditStore.Appended> head = jdbc.read("anchor the audit trail", tx -> {
            Optional<AuditStore.Appended> h = store.head(tx);
            h.ifPresent(e -> store.anchorInOutbox(tx, e, now));
            return h;
        });
        return head.map(h -> {
            AuditAnchor anchor = new AuditAnchor(h.id(), h.hash().strip(), Optional.of(now), file.file().toString());
            file.append(anchor, now);
            return anchor;
        });
    }
}
