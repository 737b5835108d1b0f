package org.nstcg.integrity.engine.integrity;

import java.time.Duration;
import java.util.List;
import org.nstcg.integrity.engine.cache.DivergenceSampler;
import org.nstcg.integrity.engine.store.LegacyImportStore;
import org.nstcg.integrity.engine.store.ProfileCredits;

/**
 * The integrity checks of the PRD, each one set-based SQL query (the cache check one sampling round).
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>Indexes.</b> Every query is a single pass over a table or an index: grouping by a column with a (unique)
 *   index, or a hash/merge join of two tables; none is a per-row lookup in Java. {@code bench} times the suite on a
 *   million users ({@link SuiteTiming}).</li>
 *   <li><b>Sagas in flight.</b> A registration writes its user, then its profile, then (pivot) the referrer's count
 *   in separate transactions. Rows created by a saga still RUNNING or COMPENSATING are therefore not reported by
 *   {@code orphans} (user without profile) nor counted by {@code referral-count}; a saga stuck in that state is
 *   reported by {@code stuck-sagas} instead. Points and ledger are always written in one transaction, so
 *   {@code points-ledger} needs no such care.</li>
 *   <li><b>What a referral count counts.</b> The bonus step adds one to the referrer's {@code referral_count} for
 *   every registration naming an <em>active</em> referrer, whether or not the bonus was paid (a mailbox earns it
 *   once), and nothing ever takes it back when the referred user is later merged or archived. So the expected count
 *   is the number of users whose {@code referred_by} is the referrer, <em>whatever their status</em>. Only active
 *   referrers are compared: a registration naming a merged or archived referrer sets {@code referred_by} but is not
 *   counted (REFERRER_NOT_ACTIVE), so the counts of non-active users are frozen by design.</li>
 *   <li><b>Held legacy rows.</b> A legacy import holds a row whose referral code was already issued, or whose
 *   mailbox is an active user's; the referral-codes and duplicate-emails repairs finish them, so
 *   {@code referral-code-uniqueness} and {@code email-uniqueness} report them (with the repairs' own predicates,
 *   {@link LegacyImportStore#HELD_FOR_A_TAKEN_CODE} and {@link LegacyImportStore#HELD_FOR_A_TAKEN_MAILBOX}): every
 *   thing a repair can fix is a finding of its check.</li>
 *   <li><b>Stuck sagas.</b> A saga whose lease has just expired is recovery's job, not a finding: one is stuck when
 *   its lease expired more than one recovery interval ago ({@code saga.recovery-interval}), or when it is
 *   FAILED_NEEDS_ATTENTION.</li>
 * </ul>
 */
public final class BuiltInChecks {

    public static final String REFERRAL_CODE_UNIQUENESS = "referral-code-uniqueness";
    public static final String EMAIL_UNIQUENESS = "email-uniqueness";
    public static final String CACHE_CONSISTENCY = "cache-consistency";
    public static final String ORPHANS = "orphans";
    public static final String POINTS_LEDGER = "points-ledger";
    public static final String REFERRAL_COUNT = "referral-count";
    public static final String STUCK_SAGAS = "stuck-sagas";
    public static final String OUTBOX_BACKLOG = "outbox-backlog";

    /** Every check's name, in the order a suite runs them. */
    public static final List<String> NAMES = List.of(REFERRAL_CODE_UNIQUENESS, EMAIL_UNIQUENESS, CACHE_CONSISTENCY, ORPHANS,
            POINTS_LEDGER, REFERRAL_COUNT, STUCK_SAGAS, OUTBOX_BACKLOG);

    /** The same pattern as the partial index referral_codes_identity_uk (V2), so that index serves the grouping. */
    private static final String IDENTITY_PATTERN = "'^([A-Z]{4}-)?[0-9A-HJKMNP-TV-Z]{9}$'";
    /** Users created by a saga that is still running (or undoing itself): not yet expected to be complete. */
    private static final String NOT_IN_FLIGHT = "NOT EXISTS (SELECT 1 FROM sagas s WHERE s.id = %s.created_by_saga"
            + " AND s.status IN ('RUNNING', 'COMPENSATING'))";

    private BuiltInChecks() {
    }

    /**
     * @param divergence    the cache's divergence sampler; null leaves {@code cache-consistency} out (no Redis)
     * @param stuckAfter    how long past its lease an unfinished saga must be to count as stuck
     * @param outboxMaxAge  how old the oldest unpublished outbox event may be
     */
    public static List<IntegrityCheck> all(DivergenceSampler divergence, Duration stuckAfter, Duration outboxMaxAge) {
        List<IntegrityCheck> checks = new java.util.ArrayList<>(List.of(referralCodeUniqueness(), emailUniqueness()));
        if (divergence != null) {
            checks.add(new CacheConsistencyCheck(divergence::sampleNow));
        }
        checks.addAll(List.of(orphans(), pointsLedger(), referralCount(), stuckSagas(stuckAfter), outboxBacklog(outboxMaxAge)));
        return List.copyOf(checks);
    }

    static IntegrityCheck referralCodeUniqueness() {
        String userIds = "array_agg(DISTINCT r.user_id ORDER BY r.user_id)";
        // Two phases: find the duplicated keys with a bare aggregate over an index, then describe only those. Building
        // arrays and messages for every one of a million groups before HAVING drops them would cost seconds.
        return new SqlCheck(REFERRAL_CODE_UNIQUENESS, Severity.CRITICAL,
                "No two users share a referral code, and no two issued codes share an identity (body and check symbol).",
                "WITH dup_users AS (SELECT referral_code AS code FROM users GROUP BY referral_code HAVING count(*) > 1),"
                        + " dup_codes AS (SELECT code FROM referral_codes GROUP BY code HAVING count(*) > 1),"
                        + " dup_identities AS (SELECT right(code, 9) AS identity FROM referral_codes WHERE code ~ " + IDENTITY_PATTERN
                        + " GROUP BY right(code, 9) HAVING min(code) <> max(code))"
                        + " SELECT 'a' || u.referral_code AS k, array_agg(u.id ORDER BY u.id) AS ids,"
                        + " format('%s users have the same referral code %s', count(*), u.referral_code) AS message,"
                        + " jsonb_build_object('kind', 'users.referral_code', 'code', u.referral_code, 'userIds', array_agg(u.id ORDER BY u.id)) AS details"
                        + " FROM users u WHERE u.referral_code IN (SELECT code FROM dup_users) GROUP BY u.referral_code"
                        + " UNION ALL"
                        + " SELECT 'b' || r.code, " + userIds + ","
                        + " format('The referral code %s was issued %s times', r.code, count(*)),"
                        + " jsonb_build_object('kind', 'referral_codes.code', 'code', r.code, 'userIds', " + userIds + ")"
                        + " FROM referral_codes r WHERE r.code IN (SELECT code FROM dup_codes) GROUP BY r.code"
                        + " UNION ALL"
                        + " SELECT 'c' || right(r.code, 9), " + userIds + ","
                        + " format('The referral codes %s share the identity %s, so a typed code cannot tell them apart',"
                        + " string_agg(DISTINCT r.code, ', ' ORDER BY r.code), right(r.code, 9)),"
                        + " jsonb_build_object('kind', 'referral_codes.identity', 'identity', right(r.code, 9),"
                        + " 'codes', array_agg(DISTINCT r.code ORDER BY r.code), 'userIds', " + userIds + ")"
                        + " FROM referral_codes r WHERE r.code ~ " + IDENTITY_PATTERN
                        + " AND right(r.code, 9) IN (SELECT identity FROM dup_identities) GROUP BY right(r.code, 9)"
                        + " UNION ALL"
                        // A legacy row held because its code was issued to someone else: the referral-codes repair imports it.
                        + " SELECT 'd' || lpad(l.import_id::text, 20, '0') || lpad(l.line_no::text, 10, '0'),"
                        + " ARRAY(SELECT o.user_id FROM referral_codes o WHERE o.code = upper(coalesce(l.legacy_code, l.referral_code))),"
                        + " format('Legacy row %s of import %s (%s) is held: its referral code %s was already issued to another user',"
                        + " l.line_no, l.import_id, l.email_normalized, coalesce(l.legacy_code, l.referral_code)),"
                        + " jsonb_build_object('kind', 'legacy.held-for-code', 'importId', l.import_id, 'line', l.line_no,"
                        + " 'code', coalesce(l.legacy_code, l.referral_code))"
                        + " FROM legacy_users l WHERE " + LegacyImportStore.HELD_FOR_A_TAKEN_CODE);
    }

    static IntegrityCheck emailUniqueness() {
        return new SqlCheck(EMAIL_UNIQUENESS, Severity.CRITICAL,
                "No two active users share a normalised email address, and no legacy row waits held for an active user's mailbox.",
                "WITH dup AS (SELECT email_normalized FROM users WHERE status = 'active' GROUP BY email_normalized HAVING count(*) > 1)"
                        + " SELECT 'a' || u.email_normalized AS k, array_agg(u.id ORDER BY u.id) AS ids,"
                        + " format('%s active users share the address %s', count(*), u.email_normalized) AS message,"
                        + " jsonb_build_object('emailNormalized', u.email_normalized, 'userIds', array_agg(u.id ORDER BY u.id),"
                        + " 'emails', array_agg(u.email ORDER BY u.id)) AS details"
                        + " FROM users u WHERE u.status = 'active' AND u.email_normalized IN (SELECT email_normalized FROM dup)"
                        + " GROUP BY u.email_normalized"
                        + " UNION ALL"
                        // A legacy row held because its mailbox is an active user's: the duplicate-emails repair folds it in.
                        + " SELECT 'b' || lpad(l.import_id::text, 20, '0') || lpad(l.line_no::text, 10, '0'), ARRAY[t.id],"
                        + " format('Legacy row %s of import %s is held: its address %s belongs to active user %s',"
                        + " l.line_no, l.import_id, l.email_normalized, t.id),"
                        + " jsonb_build_object('kind', 'legacy.held-for-mailbox', 'importId', l.import_id, 'line', l.line_no,"
                        + " 'emailNormalized', l.email_normalized, 'userIds', ARRAY[t.id])"
                        + " FROM " + LegacyImportStore.HELD_FOR_A_TAKEN_MAILBOX);
    }

    static IntegrityCheck orphans() {
        return new SqlCheck(ORPHANS, Severity.WARNING,
                "Every gamification profile belongs to a user, and every user (not being registered right now) has a profile.",
                "SELECT 'p' || lpad(p.user_id::text, 20, '0') AS k, ARRAY[p.user_id] AS ids,"
                        + " format('The gamification profile of user %s has no user row', p.user_id) AS message,"
                        + " jsonb_build_object('kind', 'profile-without-user', 'userId', p.user_id, 'points', p.points) AS details"
                        + " FROM gamification_profiles p WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = p.user_id)"
                        + " UNION ALL"
                        + " SELECT 'u' || lpad(u.id::text, 20, '0'), ARRAY[u.id],"
                        + " format('User %s (%s) has no gamification profile', u.id, u.status),"
                        + " jsonb_build_object('kind', 'user-without-profile', 'userId', u.id, 'status', u.status)"
                        + " FROM users u WHERE NOT EXISTS (SELECT 1 FROM gamification_profiles p WHERE p.user_id = u.id)"
                        + " AND " + String.format(NOT_IN_FLIGHT, "u"));
    }

    static IntegrityCheck pointsLedger() {
        return new SqlCheck(POINTS_LEDGER, Severity.CRITICAL, "Every profile's points equal the sum of its points ledger.",
                "SELECT lpad(coalesce(p.user_id, l.user_id)::text, 20, '0') AS k, ARRAY[coalesce(p.user_id, l.user_id)] AS ids,"
                        + " CASE WHEN p.user_id IS NULL"
                        + " THEN format('User %s has ledger entries summing to %s but no gamification profile', l.user_id, l.total)"
                        + " ELSE format('User %s has %s points but the ledger sums to %s', p.user_id, p.points, coalesce(l.total, 0)) END AS message,"
                        + " jsonb_build_object('userId', coalesce(p.user_id, l.user_id), 'points', p.points, 'ledgerSum', coalesce(l.total, 0),"
                        + " 'difference', p.points - coalesce(l.total, 0)) AS details"
                        + " FROM profile_totals p"
                        + " FULL JOIN (SELECT user_id, sum(delta) AS total FROM points_ledger GROUP BY user_id) l ON l.user_id = p.user_id"
                        + " WHERE p.user_id IS NULL OR p.points <> coalesce(l.total, 0)");
    }

    static IntegrityCheck referralCount() {
        return new SqlCheck(REFERRAL_COUNT, Severity.WARNING,
                "Every active user's referral count equals the number of users it referred (whatever their status now).",
                "SELECT lpad(m.user_id::text, 20, '0') AS k, ARRAY[m.user_id] AS ids,"
                        + " format('User %s has a referral count of %s but referred %s users', m.user_id, m.referral_count, m.referred) AS message,"
                        + " jsonb_build_object('userId', m.user_id, 'referralCount', m.referral_count, 'referred', m.referred) AS details"
                        + " FROM (" + ProfileCredits.REFERRAL_COUNT_MISMATCHES + ") m");
    }

    static IntegrityCheck stuckSagas(Duration stuckAfter) {
        return new SqlCheck(STUCK_SAGAS, Severity.WARNING,
                "No saga needs attention, and none is left unfinished by an instance whose lease expired long ago.",
                "SELECT to_char(s.created_at, 'YYYYMMDDHH24MISSUS') || s.id::text AS k,"
                        + " ARRAY(SELECT u.id FROM users u WHERE u.created_by_saga = s.id ORDER BY u.id) AS ids,"
                        + " CASE WHEN s.status = 'FAILED_NEEDS_ATTENTION'"
                        + " THEN format('Saga %s (%s) needs attention: %s', s.id, s.saga_type, coalesce(s.last_error, 'no error recorded'))"
                        + " ELSE format('Saga %s (%s) is %s, but its owner %s lost its lease %s ago and recovery has not taken it over',"
                        + " s.id, s.saga_type, s.status, coalesce(s.owner_instance, '(none)'), date_trunc('second', clock_timestamp() - s.lease_expires_at)) END AS message,"
                        + " jsonb_build_object('sagaId', s.id, 'type', s.saga_type, 'businessKey', s.business_key, 'status', s.status,"
                        + " 'owner', s.owner_instance, 'leaseExpiresAt', s.lease_expires_at, 'step', s.current_step, 'lastError', s.last_error) AS details"
                        + " FROM sagas s WHERE (s.status IN ('RUNNING', 'COMPENSATING') AND s.lease_expires_at < clock_timestamp() - make_interval(secs => ?))"
                        + " OR s.status = 'FAILED_NEEDS_ATTENTION'",
                seconds(stuckAfter));
    }

    static IntegrityCheck outboxBacklog(Duration maxAge) {
        double secs = seconds(maxAge);
        return new SqlCheck(OUTBOX_BACKLOG, Severity.WARNING,
                "The oldest unpublished outbox event is younger than checks.outbox-max-age.",
                "SELECT 'outbox' AS k,"
                        + " ARRAY(SELECT o.id FROM outbox_events o WHERE o.published_at IS NULL"
                        + " AND o.created_at < clock_timestamp() - make_interval(secs => ?) ORDER BY o.created_at LIMIT 100) AS ids,"
                        + " format('The oldest unpublished outbox event was written %s ago, longer than the %s allowed (checks.outbox-max-age);"
                        + " %s events wait to be published', date_trunc('second', clock_timestamp() - b.oldest), make_interval(secs => ?), b.unpublished) AS message,"
                        + " jsonb_build_object('oldestAgeSeconds', floor(extract(epoch FROM clock_timestamp() - b.oldest)), 'unpublished', b.unpublished,"
                        + " 'maxAgeSeconds', ?::float8) AS details"
                        + " FROM (SELECT min(created_at) AS oldest, count(*) AS unpublished FROM outbox_events WHERE published_at IS NULL) b"
                        + " WHERE b.oldest < clock_timestamp() - make_interval(secs => ?)",
                secs, secs, secs, secs);
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
