package org.nstcg.integrity.engine.store;

import java.time.Instant;
import java.util.Optional;

/**
 * Headline figures of the platform, read in one statement so they are consistent with each other.
 *
 * @param users               every user row, whatever its status
 * @param activeUsers         users with status {@code active}
 * @param referralCodesIssued referral codes ever issued (primary codes and aliases)
 * @param lastUpdate          the newest change to a user row, if any
 * @param readAt              when the figures were read (database clock)
 */
public record PlatformFigures(long users, long activeUsers, long referralCodesIssued, Optional<Instant> lastUpdate, Instant readAt) {
}
