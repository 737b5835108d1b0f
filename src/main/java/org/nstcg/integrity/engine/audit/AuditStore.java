package org.nstcg.integrity.engine.audit;

import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.store.AuditChainLock;
import org.nstcg.integrity.engine.store.Tx;

/**
 * The SQL of the audit trail ({@code audit_log}, V5; {@code audit_seals}, V21), in the caller's {@link Tx}: which
 * transaction an entry joins, and what a seal is, are {@link AuditTrail}'s.
 */
final class AuditStore {

    /** Where the deployment's audit key's fingerprint is kept ({@code engine_secrets}, append-only). */
    static final String KEY_FINGERPRINT = "audit-key-fingerprint";

    /** An appended entry: its id and the hash the database computed. */
    record Appended(long id, String hash) {
    }

    /** An entry's id and hash with its seal, if it has one. */
    record Sealable(long id, String hash, Optional<String> mac) {
    }

    /**
     * What one pass over the chain found: how many entries, the first one that is tampered or unlinked and which
     * ({@code "changed"} or {@code "unlinked"}), and the head's id and hash; all empty for an empty trail.
     */
    record ChainCheck(long entries, Optional<Long> firstBroken, Optional<String> breakKind, Optional<Long> headId,
                      Optional<String> headHash) {
    }

    /**
     * Appends {@code event} through {@code audit_append_entry} (V21, over V5's {@code audit_append}), which takes the
     * chain's transaction-scoped advisory lock, hashes the entry with the previous one and inserts it.
     */
    Appended append(Tx tx, AuditEvent event) {
        return tx.single("SELECT entry_id, entry_hash FROM audit_append_entry(?, ?, ?, ?, ?::jsonb, ?::jsonb, ?)",
                r -> new Appended(r.getLong(1), r.getString(2)),
                event.actor(), event.action(), event.targetType(), event.targetId(),
                event.before() == null ? null : event.before().toString(),
                event.after() == null ? null : event.after().toString(), event.details());
    }

    void seal(Tx tx, long id, String mac) {
        tx.update("INSERT INTO audit_seals (entry_id, mac) VALUES (?, ?)", id, mac);
    }

    void seal(Tx tx, List<Long> ids, List<String> macs) {
        tx.update("INSERT INTO audit_seals (entry_id, mac) SELECT * FROM unnest(?, ?) ON CONFLICT (entry_id) DO NOTHING",
                Tx.bigints(ids), Tx.texts(macs));
    }

    /** Takes the lock that orders appends ({@code audit_append}'s), so that no entry is appended meanwhile. */
    void lockChain(Tx tx) {
        AuditChainLock.await(tx);
    }

    Optional<byte[]> fingerprint(Tx tx) {
        return tx.first("SELECT value FROM engine_secrets WHERE name = ?", r -> r.getBytes(1), KEY_FINGERPRINT);
    }

    void registerFingerprint(Tx tx, byte[] fingerprint) {
        tx.update("INSERT INTO engine_secrets (name, value) VALUES (?, ?)", KEY_FINGERPRINT, fingerprint);
    }

    long sealCount(Tx tx) {
        return tx.singleLong("SELECT count(*) FROM audit_seals");
    }

    /** Entries without a seal, oldest first, at most {@code limit}. */
    List<Sealable> unsealed(Tx tx, int limit) {
        return tx.list("SELECT l.id, l.hash FROM audit_log l WHERE NOT EXISTS (SELECT 1 FROM audit_seals s WHERE s.entry_id = l.id)"
                + " ORDER BY l.id LIMIT " + limit, r -> new Sealable(r.getLong(1), r.getString(2), Optional.empty()));
    }

    /** Every entry with its seal, oldest first, handed to {@code each} one by one (the trail can be long). */
    void eachSealable(Tx tx, java.util.function.Consumer<Sealable> each) {
        tx.each("SELECT l.id, l.hash, s.mac FROM audit_log l LEFT JOIN audit_seals s ON s.entry_id = l.id ORDER BY l.id", 5000,
                r -> each.accept(new Sealable(r.getLong(1), r.getString(2), Optional.ofNullable(r.getString(3)))));
    }

    /** The lowest id of a seal whose entry is gone, if any. */
    Optional<Long> firstOrphanSeal(Tx tx) {
        return tx.first("SELECT min(s.entry_id) FROM audit_seals s WHERE NOT EXISTS (SELECT 1 FROM audit_log l WHERE l.id = s.entry_id)",
                r -> r.getLongOrNull(1));
    }

    /** The hash of entry {@code id}, if it exists. */
    Optional<String> hashOf(Tx tx, long id) {
        return tx.first("SELECT hash FROM audit_log WHERE id = ?", r -> r.getString(1), id);
    }

    /**
     * Recomputes every entry's hash ({@code audit_entry_hash}) and checks every link, in one statement; the first
     * entry's previous hash must be {@code genesis}.
     */
    ChainCheck chain(Tx tx, String genesis) {
        return tx.single("WITH c AS (SELECT id, hash, prev_hash, lag(hash) OVER (ORDER BY id) AS expected_prev,"
                + " audit_entry_hash(prev_hash, occurred_at, actor, action, target_type, target_id, before_state, after_state, details)"
                + " AS recomputed FROM audit_log)"
                + " SELECT (SELECT count(*) FROM c),"
                + " (SELECT id FROM c WHERE hash <> recomputed OR prev_hash <> coalesce(expected_prev, ?) ORDER BY id LIMIT 1),"
                + " (SELECT CASE WHEN hash <> recomputed THEN 'changed' ELSE 'unlinked' END FROM c"
                + "   WHERE hash <> recomputed OR prev_hash <> coalesce(expected_prev, ?) ORDER BY id LIMIT 1),"
                + " (SELECT id FROM c ORDER BY id DESC LIMIT 1), (SELECT hash FROM c ORDER BY id DESC LIMIT 1)",
                r -> new ChainCheck(r.getLong(1), Optional.ofNullable(r.getLongOrNull(2)), Optional.ofNullable(r.getString(3)),
                        Optional.ofNullable(r.getLongOrNull(4)), Optional.ofNullable(r.getString(5))), genesis, genesis);
    }

    /** The head (newest entry), if any. */
    Optional<Appended> head(Tx tx) {
        return tx.first("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", r -> new Appended(r.getLong(1), r.getString(2)));
    }

    /** Puts an {@code audit.anchored} event for {@code head} into the outbox, once per entry (its dedup key). */
    void anchorInOutbox(Tx tx, Appended head, java.time.Instant at) {
        tx.update("INSERT INTO outbox_events (aggregate_type, aggregate_id, event_type, payload, dedup_key)"
                + " VALUES ('audit', 'head', 'audit.anchored', jsonb_build_object('id', ?::bigint, 'hash', ?::text, 'at', ?::text), ?)"
                + " ON CONFLICT (dedup_key) DO NOTHING", head.id(), head.hash(), at.toString(), "audit.anchored:" + head.id());
    }
}
