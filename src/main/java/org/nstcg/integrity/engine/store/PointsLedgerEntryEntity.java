package org.nstcg.integrity.engine.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.hibernate.annotations.Immutable;

/** A row of the append-only {@code points_ledger}; the idempotency key makes every award happen at most once. */
@Entity
@Immutable
@Table(name = "points_ledger")
public class PointsLedgerEntryEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "user_id", nullable = false)
    private Long userId;

    @Column(name = "delta", nullable = false)
    private int delta;

    @Column(name = "reason", nullable = false, length = 64)
    private String reason;

    @Column(name = "idempotency_key", nullable = false, length = 200)
    private String idempotencyKey;

    @Column(name = "saga_id")
    private UUID sagaId;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    private OffsetDateTime createdAt;

    protected PointsLedgerEntryEntity() {
    }

    public PointsLedgerEntryEntity(Long userId, int delta, String reason, String idempotencyKey, UUID sagaId) {
        this.userId = userId;
        this.delta = delta;
        this.reason = reason;
        this.idempotencyKey = idempotencyKey;
        this.sagaId = sagaId;
    }

    public Long getId() {
        return id;
    }

    public Long getUserId() {
        return userId;
    }

    public int getDelta() {
        return delta;
    }

    public String getReason() {
        return reason;
    }

    public String getIdempotencyKey() {
        return idempotencyKey;
    }

    public UUID getSagaId() {
        return sagaId;
    }

    public OffsetDateTime getCreatedAt() {
        return createdAt;
    }
}
