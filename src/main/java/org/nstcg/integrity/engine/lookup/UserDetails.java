package org.nstcg.integrity.engine.lookup;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Everything support staff see about one user: the profile, the latest points ledger entries, who referred them and
 * whom they referred, the merges they took part in, the sagas that touched them and the audit entries about them.
 * Lists are the latest (or first) few; the totals say how many there are.
 */
public record UserDetails(Profile profile, List<LedgerEntry> ledger, long ledgerTotal, Optional<UserRef> referrer,
                          List<UserRef> referees, long refereeTotal, List<MergeRef> merges, List<SagaTouch> sagas,
                          List<AuditLine> audit) {

    /** The live merge that made this user a duplicate of another, which unmerge would undo. */
    public Optional<MergeRef> liveMerge() {
        return merges.stream().filter(m -> m.mergedId() == profile.id() && m.status().equals("merged")).findFirst();
    }

    /** The user's row and gamification profile. */
    public record Profile(long id, String email, String emailNormalized, String firstName, Optional<String> lastName,
                          String referralCode, List<CodeRef> codes, String status, Optional<Long> mergedInto,
                          Optional<Long> referredBy, int points, int referralCount, Instant createdAt, Instant updatedAt) {

        public String name() {
            return lastName.map(l -> firstName + " " + l).orElse(firstName);
        }
    }

    /** A referral code the user holds: {@code primary}, or an {@code alias} (an old code, or one moved here by a merge). */
    public record CodeRef(String code, String kind, Instant issuedAt) {
    }

    /** One change of points. */
    public record LedgerEntry(long id, int delta, String reason, Optional<UUID> sagaId, Instant at) {
    }

    /** Another user, as listed beside this one. */
    public record UserRef(long id, String email, String name, String status, String referralCode) {
    }

    /** A merge this user took part in, as survivor or as the merged duplicate. */
    public record MergeRef(long mergeId, long survivorId, long mergedId, String status, String actor, Optional<String> reason,
                           Optional<Instant> mergedAt, Optional<Instant> unmergedAt, Optional<String> unmergedBy) {
    }

    /** A saga that touched the user, and how: "registration of ada@gmail.com", "merge of user 7 into user 3". */
    public record SagaTouch(UUID id, String type, String status, String businessKey, String how, Instant createdAt,
                            Optional<Instant> finishedAt) {
    }

    /** An audit entry about the user (or about a user merged into it). */
    public record AuditLine(long id, Instant at, String actor, String action, String targetId, Optional<String> details) {
    }
}
