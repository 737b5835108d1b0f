package org.nstcg.integrity.engine.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nstcg.integrity.engine.dedup.LegacyImportIT.scalar;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.engine.saga.SagaDefinition;
import org.nstcg.integrity.engine.saga.SagaStore;
import org.nstcg.integrity.engine.saga.SagaOrchestrator;
import org.nstcg.integrity.engine.saga.SagaRegistry;
import org.nstcg.integrity.engine.saga.SagaSettings;
import org.nstcg.integrity.engine.saga.SagaStep;
import org.nstcg.integrity.engine.store.MergeStore;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;

/**
 * Merge and unmerge against real PostgreSQL. The fixture: Dee (janedoe@outlook.com) registered first; Jane
 * (jane.doe@gmail.com) and two more people registered with Dee's code; one person with Jane's code. Jane survives.
 */
@IntegrityTest(perTest = true)
class MergeIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What a merge followed by unmerge must leave exactly as it was. Left out, and why: users/profiles
     * {@code updated_at} and {@code version} only grow (the cache relies on it); points_ledger gets new rows (the
     * merge's and unmerge's entries, checked separately: the ledger is append-only); user_merges, sagas,
     * saga_events and audit_log get new rows that record the merge.
     */
    private static final Map<String, String> RESTORED = new LinkedHashMap<>(Map.of(
            "users", "id", "gamification_profiles", "user_id", "referral_codes", "code", "outbox_events", "id",
            "legacy_users", "import_id, line_no"));
    private static final Set<String> GROWING = Set.of("users.updated_at", "users.version", "gamification_profiles.updated_at",
            "gamification_profiles.version");

    private TestDatabase db;
    private IntegrityEngine engine;
    private long dee;
    private long jane;
    private long r1;
    private long r2;
    private long r3;
    private String deeCode;

    @BeforeEach
    void start(TestDatabase slice, IntegrityEngine started) {
        db = slice;
        engine = started;
        RegistrationOutcome.Registered d = register("janedoe@outlook.com", "Dee", "Doe", null);
        dee = d.userId();
        deeCode = d.referralCode();
        jane = register("jane.doe@gmail.com", "Jane", "Doe", deeCode).userId();
        r1 = register("r1@example.org", "Rob", "One", deeCode).userId();
        r2 = register("r2@example.org", "Rae", "Two", deeCode).userId();
        r3 = register("r3@example.org", "Ria", "Three", register0code()).userId();
    }

    private String register0code() {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT referral_code FROM users WHERE id = " + jane)) {
            rs.next();
            return rs.getString(1);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private RegistrationOutcome.Registered register(String email, String first, String last, String code) {
        return (RegistrationOutcome.Registered) engine.registration().register(new RegistrationRequest(email, first, last, code));
    }

    private Map<String, List<String>> snapshot() throws Exception {
        try (Connection c = db.connect()) {
            return TableSnapshot.of(c, RESTORED, GROWING);
        }
    }

    @Test
    void previewListsEveryChangeAndWritesNothing() throws Exception {
        Map<String, List<String>> before = snapshot();
        long ledger = count("points_ledger");
        MergeOutcome.Previewed p = (MergeOutcome.Previewed) engine.dedup().merges().preview(TestActors.OPERATOR, jane, dee);
        assertThat(p.plan().pointsMoved()).isEqualTo(10 + 3 * 25);
        assertThat(p.plan().referralCountMoved()).isEqualTo(2); // Dee referred Jane herself: that one stays with Dee
        assertThat(p.plan().referralsRepointed()).containsExactly(r1, r2);
        assertThat(p.plan().survivorReferrerCleared()).isTrue();
        assertThat(p.plan().codesBecomingAliases()).extracting(MergePlan.CodeChange::code).containsExactly(deeCode);
        assertThat(p.plan().changes()).anyMatch(l -> l.contains(deeCode + " (primary of user " + dee + ") becomes an alias of user " + jane))
                .anyMatch(l -> l.contains("status active → merged into " + jane));
        assertThat(snapshot()).isEqualTo(before);
        assertThat(count("points_ledger")).isEqualTo(ledger);
        assertThat(count("user_merges")).isZero();
    }

    @Test
    void mergeKeepsEveryPointAndEveryReferral() throws Exception {
        long totalBefore = scalarSql("SELECT sum(points) FROM gamification_profiles");
        long janeBefore = scalarSql("SELECT points FROM gamification_profiles WHERE user_id = " + jane);

        MergeOutcome.Merged m = (MergeOutcome.Merged) engine.dedup().merges().merge(jane, dee, Actor.operator("support-sam"), "same person");

        assertThat(scalarSql("SELECT sum(points) FROM gamification_profiles")).isEqualTo(totalBefore);
        assertThat(scalarSql("SELECT points FROM gamification_profiles WHERE user_id = " + jane)).isEqualTo(janeBefore + 85);
        assertThat(scalarSql("SELECT points FROM gamification_profiles WHERE user_id = " + dee)).isZero();
        assertThat(scalarSql("SELECT referral_count FROM gamification_profiles WHERE user_id = " + jane)).isEqualTo(1 + 2);
        // every active user's referral count still equals the users it referred (the integrity check's invariant)
        assertThat(scalarSql("SELECT count(*) FROM gamification_profiles p JOIN users u ON u.id = p.user_id AND u.status = 'active'"
                + " WHERE p.referral_count <> (SELECT count(*) FROM users r WHERE r.referred_by = p.user_id)")).isZero();
        assertThat(scalarSql("SELECT count(*) FROM users WHERE referred_by = " + dee)).isZero();
        assertThat(scalarSql("SELECT count(*) FROM users WHERE referred_by = " + jane + " AND id IN (" + r1 + "," + r2 + "," + r3 + ")")).isEqualTo(3);
        assertThat(scalarSql("SELECT count(*) FROM users WHERE id = " + jane + " AND referred_by IS NULL")).isEqualTo(1);
        assertThat(scalarSql("SELECT count(*) FROM referral_codes WHERE code = '" + deeCode + "' AND user_id = " + jane + " AND kind = 'alias'")).isEqualTo(1);
        assertThat(scalarSql("SELECT count(*) FROM users WHERE id = " + dee + " AND status = 'merged' AND merged_into = " + jane)).isEqualTo(1);
        assertThat(scalarSql("SELECT count(*) FROM points_ledger WHERE reason = 'merge' AND saga_id = '" + m.sagaId() + "'")).isEqualTo(2);
        // the merged code now finds the survivor
        assertThat(((org.nstcg.integrity.engine.referral.ReferralCheck.Known) engine.referralCodes().check(deeCode)).owner().userId())
                .isEqualTo(jane);
        assertThat(scalarSql("SELECT count(*) FROM audit_log WHERE action = 'user.merge' AND actor = 'support-sam' AND target_id = '" + dee + "'")).isEqualTo(1);
        assertThat(m.plan().referralsRepointed()).containsExactly(r1, r2);
        // a new registration with the merged code credits the survivor
        long r4 = register("r4@example.org", "Ron", "Four", deeCode).userId();
        assertThat(scalarSql("SELECT referred_by FROM users WHERE id = " + r4)).isEqualTo(jane);
    }

    private boolean knownMarker(String mailbox) {
        try (redis.clients.jedis.RedisClient r = redis.clients.jedis.RedisClient.create(org.nstcg.integrity.support.TestServers.redisUri())) {
            return r.exists(db.redisPrefix() + "known:email:" + mailbox);
        }
    }

    /** Regression (issue 12): the fast path answered "already registered" for up to 120 s after a merge freed the mailbox. */
    @Test
    void aMailboxMergedAwayCanRegisterAgainAtOnce() {
        assertThat(knownMarker("janedoe@outlook.com")).as("dee's sign-up left the fast-path marker").isTrue();

        engine.dedup().merges().merge(jane, dee, Actor.operator("support-sam"), "same person");

        assertThat(knownMarker("janedoe@outlook.com")).as("the merge forgot the freed mailbox").isFalse();
        assertThat(engine.registration().register(new RegistrationRequest("JaneDoe@outlook.com", "Dee", "Again", null)))
                .isInstanceOf(RegistrationOutcome.Registered.class);
    }

    @Test
    void anUnmergeForgetsTheMarkerOfTheRestoredMailbox() {
        engine.dedup().merges().merge(jane, dee, Actor.operator("support-sam"), null);
        try (redis.clients.jedis.RedisClient r = redis.clients.jedis.RedisClient.create(org.nstcg.integrity.support.TestServers.redisUri())) {
            r.set(db.redisPrefix() + "known:email:janedoe@outlook.com", "1"); // as a stale marker would be
        }

        assertThat(engine.dedup().merges().unmerge(dee, Actor.operator("support-sam"), "not the same person")).isInstanceOf(UnmergeOutcome.Unmerged.class);

        assertThat(knownMarker("janedoe@outlook.com")).isFalse();
        assertThat(engine.registration().register(new RegistrationRequest("janedoe@outlook.com", "Dee", "Again", null)))
                .as("the database still decides: the restored user holds the mailbox").isInstanceOf(RegistrationOutcome.AlreadyRegistered.class);
    }

    @Test
    void mergeThenUnmergeRestoresTheDatabaseExactly() throws Exception {
        Map<String, List<String>> before = snapshot();
        List<String> ledgerBefore = ledgerRows();

        MergeOutcome.Merged m = (MergeOutcome.Merged) engine.dedup().merges().merge(jane, dee, Actor.operator("support-sam"), null);
        assertThat(snapshot()).isNotEqualTo(before);
        UnmergeOutcome.Unmerged u = (UnmergeOutcome.Unmerged) engine.dedup().merges().unmerge(dee, Actor.operator("support-sam"), "not the same person");

        assertThat(u.mergeId()).isEqualTo(m.mergeId());
        assertThat(u.pointsReturned()).isEqualTo(85);
        assertThat(snapshot()).isEqualTo(before);
        List<String> ledgerAfter = ledgerRows();
        assertThat(ledgerAfter.subList(0, ledgerBefore.size())).isEqualTo(ledgerBefore);
        // the only new ledger rows are the merge's and the unmerge's, and they cancel out per user
        assertThat(scalarSql("SELECT count(*) FROM points_ledger WHERE reason NOT IN ('merge', 'unmerge') AND id > "
                + (ledgerBefore.size() == 0 ? 0 : scalarSql("SELECT max(id) FROM points_ledger WHERE reason NOT IN ('merge', 'unmerge')")))).isZero();
        assertThat(scalarSql("SELECT count(*) FROM (SELECT user_id FROM points_ledger WHERE reason IN ('merge', 'unmerge')"
                + " GROUP BY user_id HAVING sum(delta) <> 0) x")).isZero();
        assertThat(scalarSql("SELECT count(*) FROM points_ledger WHERE reason IN ('merge', 'unmerge')")).isEqualTo(4);
        assertThat(scalarSql("SELECT count(*) FROM user_merges WHERE status = 'unmerged'")).isEqualTo(1);
        assertThat(scalarSql("SELECT count(*) FROM audit_log WHERE action = 'user.unmerge'")).isEqualTo(1);
        assertThat(engine.audit().verify(TestActors.OPERATOR).intact()).isTrue();
        // and it can be merged again
        assertThat(engine.dedup().merges().merge(jane, dee, Actor.operator("support-sam"), null)).isInstanceOf(MergeOutcome.Merged.class);
    }

    @Test
    void codesMoveOnlyAsAMergeRecordedThem() throws Exception {
        String janeCode = register0code();
        assertThat(sqlError("UPDATE referral_codes SET user_id = " + jane + ", kind = 'alias' WHERE code = '" + deeCode + "'"))
                .contains("referral codes are issued forever");
        engine.dedup().merges().merge(jane, dee, Actor.operator("a"), null);
        // the survivor's own code cannot be handed to the merged user, nor can a moved code be renamed or deleted
        assertThat(sqlError("UPDATE referral_codes SET user_id = " + dee + " WHERE code = '" + janeCode + "'"))
                .contains("referral codes are issued forever");
        assertThat(sqlError("UPDATE referral_codes SET code = 'RENAMED-1' WHERE code = '" + deeCode + "'")).contains("issued forever");
        assertThat(sqlError("DELETE FROM referral_codes WHERE code = '" + deeCode + "'")).contains("issued forever");
    }

    private String sqlError(String sql) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.executeUpdate(sql);
            return "no error";
        } catch (java.sql.SQLException e) {
            return e.getMessage();
        }
    }

    @Test
    void refusalsSayWhyAndChangeNothing() throws Exception {
        MergeService merges = engine.dedup().merges();
        assertThat(((MergeOutcome.Refused) merges.merge(jane, jane, Actor.operator("a"), null)).reason()).contains("cannot be merged into itself");
        assertThat(((MergeOutcome.Refused) merges.merge(jane, 999_999, Actor.operator("a"), null)).reason()).isEqualTo("there is no user 999999");
        assertThat(((MergeOutcome.Refused) merges.merge(999_999, jane, Actor.operator("a"), null)).reason()).isEqualTo("there is no user 999999");
        assertThat(((UnmergeOutcome.Refused) merges.unmerge(dee, Actor.operator("a"), null)).reason()).contains("is active, not merged");
        assertThat(merges.merge(jane, dee, Actor.operator("a"), null)).isInstanceOf(MergeOutcome.Merged.class);
        assertThat(((MergeOutcome.Refused) merges.merge(jane, dee, Actor.operator("a"), null)).reason()).contains("already merged into user " + jane);
        assertThat(((MergeOutcome.Refused) merges.merge(dee, r1, Actor.operator("a"), null)).reason()).contains("is itself merged into user " + jane);
        assertThat(merges.merge(r3, jane, Actor.operator("a"), null)).isInstanceOf(MergeOutcome.Merged.class);
        assertThat(((UnmergeOutcome.Refused) merges.unmerge(dee, Actor.operator("a"), null)).reason())
                .contains("has since been merged into user " + r3).contains("unmerge user " + jane + " first");
        assertThat(merges.unmerge(jane, Actor.operator("a"), null)).isInstanceOf(UnmergeOutcome.Unmerged.class);
        assertThat(merges.unmerge(dee, Actor.operator("a"), null)).isInstanceOf(UnmergeOutcome.Unmerged.class);
        assertThat(scalarSql("SELECT count(*) FROM users WHERE status = 'active'")).isEqualTo(5);
    }

    @Test
    void aMergeFailingBeforeItsPivotIsUndoneExactly() throws Exception {
        Map<String, List<String>> before = snapshot();
        List<String> ledgerBefore = ledgerRows();
        for (String failing : List.of(MergeSaga.CODES.name(), MergeSaga.REFERRALS.name(), MergeSaga.MOVE.name())) {
            MergeService merges = mergesWithFault(failing, new AtomicInteger(1));
            MergeOutcome o = merges.merge(jane, dee, Actor.operator("a"), null);
            assertThat(o).as(failing).isInstanceOf(MergeOutcome.RolledBack.class);
            assertThat(((MergeOutcome.RolledBack) o).message()).contains(failing);
            assertThat(snapshot()).as(failing).isEqualTo(before);
            assertThat(ledgerRows()).isEqualTo(ledgerBefore);
        }
        assertThat(scalarSql("SELECT count(*) FROM user_merges WHERE status = 'rolled_back'")).isEqualTo(3);
        assertThat(scalarSql("SELECT count(*) FROM sagas WHERE saga_type = '" + MergeSaga.TYPE + "' AND status = 'COMPENSATED'")).isEqualTo(3);
        assertThat(scalarSql("SELECT count(*) FROM audit_log WHERE action = 'user.merge'")).isZero();
    }

    @Test
    void aMergeFailingAfterItsPivotIsFinishedForward() throws Exception {
        MergeService merges = mergesWithFault(MergeSaga.CACHE.name(), new AtomicInteger(1));
        assertThat(merges.merge(jane, dee, Actor.operator("a"), null)).isInstanceOf(MergeOutcome.Merged.class);
        assertThat(scalarSql("SELECT count(*) FROM users WHERE id = " + dee + " AND status = 'merged'")).isEqualTo(1);
        assertThat(scalarSql("SELECT count(*) FROM sagas WHERE saga_type = '" + MergeSaga.TYPE + "' AND status = 'COMPLETED'")).isEqualTo(1);
    }

    /** Thrown to simulate the process dying: an Error, which the orchestrator does not handle. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash() {
            super("simulated crash");
        }
    }

    @Test
    void aMergeInterruptedBeforeItsPivotIsUndoneByRecovery() throws Exception {
        Map<String, List<String>> before = snapshot();
        MergeService crashing = mergesWithFault(MergeSaga.MOVE.name(), new AtomicInteger(1), true);
        try {
            crashing.merge(jane, dee, Actor.operator("a"), null);
            throw new AssertionError("the merge should have crashed");
        } catch (SimulatedCrash expected) {
            // the process "died" after RepointReferrals committed
        }
        assertThat(scalarSql("SELECT count(*) FROM referral_codes WHERE code = '" + deeCode + "' AND user_id = " + jane)).isEqualTo(1);
        expireLeases();

        var outcomes = engine.sagas().recoverExpired();

        assertThat(outcomes).hasSize(1);
        assertThat(outcomes.get(0)).isInstanceOf(org.nstcg.integrity.engine.saga.SagaOutcome.Compensated.class);
        assertThat(snapshot()).isEqualTo(before);
        assertThat(scalarSql("SELECT count(*) FROM user_merges WHERE status = 'rolled_back'")).isEqualTo(1);
    }

    @Test
    void aMergeInterruptedAfterItsPivotIsFinishedByRecovery() throws Exception {
        MergeService crashing = mergesWithFault(MergeSaga.CACHE.name(), new AtomicInteger(1), true);
        try {
            crashing.merge(jane, dee, Actor.operator("a"), null);
            throw new AssertionError("the merge should have crashed");
        } catch (SimulatedCrash expected) {
            // the process "died" after the pivot committed
        }
        expireLeases();

        var outcomes = engine.sagas().recoverExpired();

        assertThat(outcomes).hasSize(1);
        assertThat(outcomes.get(0)).isInstanceOf(org.nstcg.integrity.engine.saga.SagaOutcome.Completed.class);
        assertThat(scalarSql("SELECT count(*) FROM users WHERE id = " + dee + " AND status = 'merged'")).isEqualTo(1);
        assertThat(scalarSql("SELECT count(*) FROM user_merges WHERE status = 'merged'")).isEqualTo(1);
    }

    private void expireLeases() throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE sagas SET lease_expires_at = now() - interval '1 second' WHERE saga_type = '" + MergeSaga.TYPE + "'");
        }
    }

    private MergeService mergesWithFault(String failing, AtomicInteger failures) {
        return mergesWithFault(failing, failures, false);
    }

    /**
     * A merge service whose saga fails in step {@code failing} as many times as {@code failures} says: after doing its
     * work, or, with {@code crash}, by "dying" before it starts.
     */
    private MergeService mergesWithFault(String failing, AtomicInteger failures, boolean crash) {
        MergeStore store = new MergeStore();
        MergeSaga real = new MergeSaga(store, engine.auditTrail(), engine.cache().coordinator(),
                new org.nstcg.integrity.engine.registration.KnownMailboxes(engine.redis()), JSON);
        SagaDefinition.Builder<MergeSagaData> b = SagaDefinition.builder(MergeSaga.TYPE, MergeSagaData.class);
        for (SagaStep<MergeSagaData, ?> s : real.definition().steps()) {
            addFaulty(b, s, s.name().equals(failing), failures, crash);
            if (s.name().equals(MergeSaga.MOVE.name())) {
                b.pivot();
            }
        }
        MergeSaga faulty = new MergeSaga(b.build());
        SagaSettings quick = SagaSettings.defaults().withBackoff(Duration.ofMillis(1), Duration.ofMillis(2));
        SagaOrchestrator orchestrator = new SagaOrchestrator(new SagaStore(engine.database().jdbc(), JSON), new SagaRegistry(),
                "merge-test", quick, Clock.systemUTC(), d -> { }, a -> { });
        return new MergeService(engine.database().jdbc(), store, faulty, orchestrator, engine.auditTrail(), engine.cache().coordinator(),
                new org.nstcg.integrity.engine.registration.KnownMailboxes(engine.redis()), JSON);
    }

    /** Adds {@code s} to {@code b}, failing (or crashing) when {@code inject} and {@code failures} say so. */
    private static <R> void addFaulty(SagaDefinition.Builder<MergeSagaData> b, SagaStep<MergeSagaData, R> s, boolean inject,
                                      AtomicInteger failures, boolean crash) {
        if (s.local()) {
            b.local(s.key(), (ctx, d, c) -> {
                if (crash && inject && failures.getAndDecrement() > 0) {
                    throw new SimulatedCrash();
                }
                var r = s.localAction().run(ctx, d, c);
                if (inject && failures.getAndDecrement() > 0) {
                    throw new IllegalStateException("injected fault in " + s.name());
                }
                return r;
            }, s.localCompensation().orElse(null));
        } else {
            b.remote(s.key(), (ctx, d) -> {
                if (crash && inject && failures.getAndDecrement() > 0) {
                    throw new SimulatedCrash();
                }
                var r = s.remoteAction().run(ctx, d);
                if (inject && failures.getAndDecrement() > 0) {
                    throw new IllegalStateException("injected fault in " + s.name());
                }
                return r;
            }, s.remoteCompensation().orElse(null));
        }
    }

    private List<String> ledgerRows() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT id, user_id, delta, reason, idempotency_key, saga_id, created_at FROM points_ledger"
                     + " WHERE reason NOT IN ('merge', 'unmerge') ORDER BY id")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4) + " " + rs.getString(5)
                        + " " + rs.getString(6) + " " + rs.getString(7));
            }
        }
        return rows;
    }

    private long count(String table) throws Exception {
        return scalarSql("SELECT count(*) FROM " + table);
    }

    private long scalarSql(String sql) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            return scalar(st, sql);
        }
    }
}
