package org.nstcg.integrity.engine.store;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.OffsetDateTime;

/** A row of {@code gamification_profiles}: one per user; its points plus its credit stripes (V17, {@link ProfileCredits}) always equal the sum of the user's ledger. */
@Entity
@Table(name = "gamification_profiles")
public class GamificationProfileEntity {

    @Id
    @Column(name = "user_id")
    private Long userId;

    @Column(name = "points", nullable = false)
    private int points;

    @Column(name = "referral_count", nullable = false)
    private int referralCount;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    private OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false, insertable = false, updatable = false)
    private OffsetDateTime updatedAt;

    @Version
    @Column(name = "version", nullable = false)
    private long version;

    protected GamificationProfileEntity() {
    }

    public GamificationProfileEntity(Long userId, int points, int referralCount) {
        this.userId = userId;
        this.points = points;
        this.referralCount = referralCount;
    }

    public Long getUserId() {
        return userId;
    }

    public int getPoints() {
        return points;
    }

    public void addPoints(int delta) {
        this.points += delta;
    }

    public int getReferralCount() {
        return referralCount;
    }

    public void setReferralCount(int referralCount) {
        this.referralCount = referralCount;
    }

    public OffsetDateTime getUpdatedAt() {
        return updatedAt;
    }

    public long getVersion() {
        return version;
    }
}
