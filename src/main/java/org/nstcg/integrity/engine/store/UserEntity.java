package org.nstcg.integrity.engine.store;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.OffsetDateTime;

/** A row of {@code users}. Mutable as JPA requires; engine services hand out records, never entities. */
@Entity
@Table(name = "users")
public class UserEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "email", nullable = false, length = 254)
    private String email;

    @Column(name = "email_normalized", nullable = false, length = 254)
    private String emailNormalized;

    @Column(name = "referral_code", nullable = false, length = 32)
    private String referralCode;

    @Column(name = "first_name", nullable = false, length = 100)
    private String firstName;

    @Column(name = "last_name", length = 100)
    private String lastName;

    @Column(name = "referred_by")
    private Long referredBy;

    @Convert(converter = UserStatusConverter.class)
    @Column(name = "status", nullable = false, length = 16)
    private UserStatus status = UserStatus.ACTIVE;

    @Column(name = "merged_into")
    private Long mergedInto;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    private OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false, insertable = false, updatable = false)
    private OffsetDateTime updatedAt;

    @Version
    @Column(name = "version", nullable = false)
    private long version;

    protected UserEntity() {
    }

    public UserEntity(String email, String emailNormalized, String referralCode, String firstName, String lastName, Long referredBy) {
        this.email = email;
        this.emailNormalized = emailNormalized;
        this.referralCode = referralCode;
        this.firstName = firstName;
        this.lastName = lastName;
        this.referredBy = referredBy;
    }

    public Long getId() {
        return id;
    }

    public String getEmail() {
        return email;
    }

    public String getEmailNormalized() {
        return emailNormalized;
    }

    public String getReferralCode() {
        return referralCode;
    }

    public void setReferralCode(String referralCode) {
        this.referralCode = referralCode;
    }

    public String getFirstName() {
        return firstName;
    }

    public String getLastName() {
        return lastName;
    }

    public Long getReferredBy() {
        return referredBy;
    }

    public void setReferredBy(Long referredBy) {
        this.referredBy = referredBy;
    }

    public UserStatus getStatus() {
        return status;
    }

    public Long getMergedInto() {
        return mergedInto;
    }

    /** Sets status and merge target together, as the {@code users_merged_into_ck} constraint requires. */
    public void setStatus(UserStatus status, Long mergedInto) {
        this.status = status;
        this.mergedInto = mergedInto;
    }

    public OffsetDateTime getCreatedAt() {
        return createdAt;
    }

    public OffsetDateTime getUpdatedAt() {
        return updatedAt;
    }

    public long getVersion() {
        return version;
    }
}
