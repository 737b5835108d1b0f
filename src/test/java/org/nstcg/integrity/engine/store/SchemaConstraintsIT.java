package org.nstcg.integrity.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;
import org.postgresql.util.PSQLException;

/**
 * Proves that every invariant the V1 schema promises is enforced by PostgreSQL itself: each constraint or trigger
 * rejects its bad row (checked by SQL state and constraint name) while the good twin of that row is accepted, so
 * each test fails if its constraint is removed. Plain JDBC, one migrated schema for the class, unique rows per test.
 */
@IntegrityTest(engine = IntegrityTest.Engine.NONE)
class SchemaConstraintsIT {

    private static final String UNIQUE = "23505";
    private static final String CHECK = "23514";
    private static final String FOREIGN_KEY = "23503";
    /** Raised by our triggers ({@code ERRCODE integrity_constraint_violation}). */
    private static final String INTEGRITY = "23000";
    private static final String TOO_LONG = "22001";

    private static final AtomicInteger SEQ = new AtomicInteger();
    private static TestDatabase db;

    private Connection c;

    @BeforeAll
    static void migrate(TestDatabase slice) {
        db = slice;
        db.startEngine().close();
    }

    @BeforeEach
    void connect() throws SQLException {
        c = db.connect();
    }

    @AfterEach
    void disconnect() throws SQLException {
        c.close();
    }

    // users: email uniqueness among active users ---------------------------------------------------------------

    @Test
    void twoActiveUsersCannotShareANormalizedEmail() throws SQLException {
        assertSecondUserRejected("email_normalized", uniqueEmail(), uniqueEmail(), "users_email_normalized_active_uk");
    }

    @Test
    void aMergedOrArchivedUserLeavesItsEmailFreeForAnActiveOne() throws SQLException {
        long survivor = insertUser();
        String mergedEmail = uniqueEmail();
        String archivedEmail = uniqueEmail();
        insertUser("email_normalized", mergedEmail, "status", "merged", "merged_into", survivor);
        insertUser("email_normalized", archivedEmail, "status", "archived");

        insertUser("email_normalized", mergedEmail);
        insertUser("email_normalized", archivedEmail);
        assertThat(count("SELECT count(*) FROM users WHERE email_normalized IN (?, ?)", mergedEmail, archivedEmail))
                .isEqualTo(4);
    }

    // users: referral codes --------------------------------------------------------------------------------------

    @Test
    void twoUsersCannotShareAReferralCode() throws SQLException {
        assertSecondUserRejected("referral_code", uniqueCode(), uniqueCode(), "users_referral_code_uk");
    }

    @Test
    void aReplacedReferralCodeStaysIssuedForeverAsAnAlias() throws SQLException {
        String oldCode = uniqueCode();
        String newCode = uniqueCode();
        long user = insertUser("referral_code", oldCode);

        update("UPDATE users SET referral_code = ? WHERE id = ?", newCode, user);

        assertThat(strings("SELECT code || ':' || kind FROM referral_codes WHERE user_id = ? ORDER BY kind", user))
                .containsExactly(oldCode + ":alias", newCode + ":primary");
        assertRejected(() -> insertUser("referral_code", oldCode), UNIQUE, "referral_codes_pkey");
        insertUser("referral_code", uniqueCode());
    }

    @Test
    void issuedReferralCodesCannotBeDeletedReassignedOrTruncated() throws SQLException {
        String code = uniqueCode();
        long owner = insertUser("referral_code", code);
        long other = insertUser();

        assertRejectedByTrigger(() -> update("DELETE FROM referral_codes WHERE code = ?", code), "issued forever");
        assertRejectedByTrigger(() -> update("UPDATE referral_codes SET user_id = ? WHERE code = ?", other, code),
                "issued forever");
        assertRejectedByTrigger(() -> update("TRUNCATE referral_codes"), "TRUNCATE of a code is not allowed");
        assertThat(strings("SELECT user_id::text FROM referral_codes WHERE code = ?", code))
                .containsExactly(Long.toString(owner));
    }

    /** Regression: the trigger functions resolved table names through the caller's search_path. */
    @Test
    void triggersUseTheirOwnSchemaWhateverTheSessionsSearchPath() throws SQLException {
        String code = uniqueCode();
        String email = uniqueEmail();
        String schema = db.schema();
        try (Connection outside = TestServers.connect(); Statement st = outside.createStatement()) {
            outside.setAutoCommit(false);
            st.execute("INSERT INTO " + schema + ".users (email, email_normalized, referral_code, first_name)"
                    + " VALUES ('" + email + "', '" + email + "', '" + code + "', 'Ada')");
            st.execute("INSERT INTO " + schema + ".gamification_profiles (user_id, points)"
                    + " SELECT id, 0 FROM " + schema + ".users WHERE referral_code = '" + code + "'");
            st.execute("INSERT INTO " + schema + ".points_ledger (user_id, delta, reason, idempotency_key)"
                    + " SELECT id, 5, 'test.award', 'outside:" + code + "' FROM " + schema + ".users"
                    + " WHERE referral_code = '" + code + "'");
            outside.commit();
        }

        assertThat(strings("SELECT kind FROM referral_codes WHERE code = ?", code)).containsExactly("primary");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abcd-1234", "AB_12", "ABC", "ABCD 1234", "ÄBCD"})
    void malformedReferralCodesAreRejected(String code) {
        assertRejected(() -> insertUser("referral_code", code), CHECK, "users_referral_code_ck");
    }

    @Test
    void wellFormedReferralCodeIsAccepted() throws SQLException {
        insertUser("referral_code", "ABCD-" + SEQ.incrementAndGet() + "-XYZ0123456789");
    }

    // users: status and merges -----------------------------------------------------------------------------------

    @Test
    void unknownStatusIsRejected() {
        assertRejected(() -> insertUser("status", "deleted"), CHECK, "users_status_ck");
        assertRejected(() -> insertUser("status", "ACTIVE"), CHECK, "users_status_ck");
    }

    @Test
    void mergedUserMustNameItsSurvivorAndOnlyAMergedUserMay() throws SQLException {
        long survivor = insertUser();

        assertRejected(() -> insertUser("status", "merged"), CHECK, "users_merged_into_ck");
        assertRejected(() -> insertUser("merged_into", survivor), CHECK, "users_merged_into_ck");
        assertRejected(() -> insertUser("status", "archived", "merged_into", survivor), CHECK, "users_merged_into_ck");
        insertUser("status", "merged", "merged_into", survivor);
    }

    @Test
    void userCannotBeMergedIntoItself() throws SQLException {
        long user = insertUser();
        long survivor = insertUser();

        assertRejected(() -> update("UPDATE users SET status = 'merged', merged_into = id WHERE id = ?", user),
                CHECK, "users_merged_into_other_ck");
        update("UPDATE users SET status = 'merged', merged_into = ? WHERE id = ?", survivor, user);
    }

    @Test
    void mergeTargetMustExist() {
        assertRejected(() -> insertUser("status", "merged", "merged_into", Long.MAX_VALUE), FOREIGN_KEY,
                "users_merged_into_fkey");
    }

    // users: referrals -------------------------------------------------------------------------------------------

    @Test
    void referrerMustExist() throws SQLException {
        long referrer = insertUser();

        assertRejected(() -> insertUser("referred_by", Long.MAX_VALUE), FOREIGN_KEY, "users_referred_by_fkey");
        insertUser("referred_by", referrer);
    }

    @Test
    void userCannotReferThemselves() throws SQLException {
        long user = insertUser();
        long referrer = insertUser();

        assertRejected(() -> update("UPDATE users SET referred_by = id WHERE id = ?", user), CHECK,
                "users_not_self_referred_ck");
        update("UPDATE users SET referred_by = ? WHERE id = ?", referrer, user);
    }

    // users: names and addresses ---------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "   ", "\t", "Ada\u0007", "Ada\nLovelace",
            "Ada\u007f", "Ada\u0085", "Ada\u009b"})
    void emptyBlankOrControlCharacterFirstNamesAreRejected(String firstName) {
        assertRejected(() -> insertUser("first_name", firstName), CHECK, "users_first_name_ck");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Ada\u0007", "Love\nlace", "Love\rlace", "Love\u0085lace"})
    void controlCharacterLastNamesAreRejected(String lastName) {
        assertRejected(() -> insertUser("last_name", lastName), CHECK, "users_last_name_ck");
    }

    @Test
    void namesLongerThanOneHundredCharactersAreRejected() throws SQLException {
        assertRejected(() -> insertUser("first_name", "A".repeat(101)), TOO_LONG, null);
        assertRejected(() -> insertUser("last_name", "L".repeat(101)), TOO_LONG, null);
        insertUser("first_name", "A".repeat(100), "last_name", "L".repeat(100));
    }

    @Test
    void ordinaryNamesInAnyScriptAreAccepted() throws SQLException {
        insertUser("first_name", "Zoë-Ōkami", "last_name", "O'Brien Müller");
        insertUser("first_name", "Анна", "last_name", null);
        insertUser("first_name", " Ada ", "last_name", "");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ada.example.org", "@example.org", "a@"})
    void emailWithoutALocalPartAndAtSignIsRejected(String email) {
        assertRejected(() -> insertUser("email", email), CHECK, "users_email_ck");
        assertRejected(() -> insertUser("email_normalized", email.toLowerCase(java.util.Locale.ROOT)), CHECK,
                "users_email_normalized_ck");
    }

    @Test
    void normalizedEmailMustBeLowerCase() throws SQLException {
        String email = uniqueEmail();

        assertRejected(() -> insertUser("email_normalized", "Ada." + email), CHECK, "users_email_normalized_ck");
        insertUser("email", "Ada." + email, "email_normalized", "ada." + email);
    }

    @Test
    void updatedAtIsBumpedOnEveryUpdateWhateverTheClientSends() throws SQLException {
        long user = insertUser("created_at", OffsetDateTime.parse("2000-01-01T00:00Z"),
                "updated_at", OffsetDateTime.parse("2000-01-01T00:00Z"));

        try (PreparedStatement ps = c.prepareStatement("UPDATE users SET first_name = 'Grace',"
                + " updated_at = '2001-01-01T00:00Z' WHERE id = ? RETURNING updated_at = now(), created_at")) {
            ps.setLong(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).as("updated_at set to the transaction's now()").isTrue();
                assertThat(rs.getObject(2, OffsetDateTime.class)).isEqualTo(OffsetDateTime.parse("2000-01-01T00:00Z"));
            }
        }
    }

    // gamification_profiles ------------------------------------------------------------------------------------

    @Test
    void profileNeedsAnExistingUserAndAtMostOnePerUser() throws SQLException {
        long user = insertUser();

        assertRejected(() -> update("INSERT INTO gamification_profiles (user_id) VALUES (?)", Long.MAX_VALUE),
                FOREIGN_KEY, "gamification_profiles_user_id_fkey");
        update("INSERT INTO gamification_profiles (user_id) VALUES (?)", user);
        assertRejected(() -> update("INSERT INTO gamification_profiles (user_id) VALUES (?)", user),
                UNIQUE, "gamification_profiles_pkey");
    }

    @Test
    void pointsAndReferralCountCannotBeNegative() throws SQLException {
        long user = insertUser();

        assertRejected(() -> update("INSERT INTO gamification_profiles (user_id, points) VALUES (?, -1)", user),
                CHECK, "gamification_points_ck");
        assertRejected(() -> update("INSERT INTO gamification_profiles (user_id, referral_count) VALUES (?, -1)", user),
                CHECK, "gamification_referral_count_ck");
        update("INSERT INTO gamification_profiles (user_id, referral_count) VALUES (?, 3)", user);
    }

    // points_ledger --------------------------------------------------------------------------------------------

    @Test
    void ledgerIdempotencyKeyAwardsAtMostOnce() throws SQLException {
        long user = insertUserWithPoints(10);
        String key = "signup:" + user;

        c.setAutoCommit(false);
        assertRejected(() -> insertLedger(user, 10, key), UNIQUE, "points_ledger_idempotency_uk");
        c.rollback();
        inTransaction(() -> insertLedger(user, 10, key + ":again"));
        assertThat(count("SELECT points FROM gamification_profiles WHERE user_id = ?", user)).isEqualTo(20);
    }

    @Test
    void ledgerEntryMustChangePointsAndNameItsReason() throws SQLException {
        long user = insertUser();
        update("INSERT INTO gamification_profiles (user_id) VALUES (?)", user);

        assertRejected(() -> insertLedger(user, 0, "zero:" + user), CHECK, "points_ledger_delta_ck");
        assertRejected(() -> update("INSERT INTO points_ledger (user_id, delta, reason, idempotency_key)"
                + " VALUES (?, 5, 'Signup Bonus', ?)", user, "reason:" + user), CHECK, "points_ledger_reason_ck");
    }

    @Test
    void ledgerRowsCannotBeUpdatedDeletedOrTruncated() throws SQLException {
        long user = insertUserWithPoints(7);

        assertRejectedByTrigger(() -> update("UPDATE points_ledger SET delta = 8 WHERE user_id = ?", user),
                "points_ledger is append-only: UPDATE");
        assertRejectedByTrigger(() -> update("DELETE FROM points_ledger WHERE user_id = ?", user),
                "points_ledger is append-only: DELETE");
        assertRejectedByTrigger(() -> update("TRUNCATE points_ledger"), "points_ledger is append-only: TRUNCATE");
        assertThat(count("SELECT sum(delta) FROM points_ledger WHERE user_id = ?", user)).isEqualTo(7);
    }

    // points = sum of the ledger: ledger entries bring the points (V14) ----------------------------------------

    @Test
    void ledgerEntriesBringTheirPointsToTheProfile() throws SQLException {
        long first = insertUser();
        long second = insertUser();

        inTransaction(() -> {
            update("INSERT INTO gamification_profiles (user_id, points) VALUES (?, 0)", first);
            insertLedger(first, 10, "signup:" + first);
            update("INSERT INTO gamification_profiles (user_id, points) VALUES (?, 0)", second);
            update("INSERT INTO points_ledger (user_id, delta, reason, idempotency_key) VALUES (?, 4, 'test.award', ?),"
                    + " (?, 25, 'test.award', ?)", second, "signup:" + second, second, "bonus:" + second);
        });
        assertThat(count("SELECT points FROM gamification_profiles WHERE user_id = ?", first)).isEqualTo(10);
        assertThat(count("SELECT points FROM gamification_profiles WHERE user_id = ?", second)).isEqualTo(29);
    }

    @Test
    void aProfileCreatedWithPointsItsLedgerDoesNotHoldDoesNotCommit() throws SQLException {
        long user = insertUser();

        assertCommitRejected(() -> {
            update("INSERT INTO gamification_profiles (user_id, points) VALUES (?, 10)", user);
            insertLedger(user, 5, "signup:" + user);
        }, "ledger sums to 5");
        assertThat(count("SELECT count(*) FROM gamification_profiles WHERE user_id = ?", user)).isZero();
        // A profile created for a ledger that exists already (a repair recreating it) starts from its sum.
        long other = insertUser();
        try (Statement st = c.createStatement()) {
            st.execute("ALTER TABLE points_ledger DISABLE TRIGGER points_ledger_applies_inserts");
            try {
                insertLedger(other, 6, "earlier:" + other);
            } finally {
                st.execute("ALTER TABLE points_ledger ENABLE TRIGGER points_ledger_applies_inserts");
            }
        }
        update("INSERT INTO gamification_profiles (user_id, points) VALUES (?, 6)", other);
        assertThat(count("SELECT points FROM gamification_profiles WHERE user_id = ?", other)).isEqualTo(6);
    }

    @Test
    void pointsChangedWithoutALedgerEntryAreRefused() throws SQLException {
        long user = insertUserWithPoints(10);

        assertRejectedByTrigger(() -> update("UPDATE gamification_profiles SET points = 25 WHERE user_id = ?", user),
                "ledger sums to 10");
        assertRejectedByTrigger(() -> inTransaction(() -> {
            insertLedger(user, 15, "referral:" + user);
            update("UPDATE gamification_profiles SET points = points + 15 WHERE user_id = ?", user); // counted twice
        }), "ledger sums to 25");
        // Setting points to the ledger's sum (what the points repair does) is allowed.
        update("UPDATE gamification_profiles SET points = 10 WHERE user_id = ?", user);
        assertThat(count("SELECT points FROM gamification_profiles WHERE user_id = ?", user)).isEqualTo(10);
    }

    @Test
    void aCompensationRemovingItsLedgerEntryTakesItsPointsBack() throws SQLException {
        long user = insertUserWithPoints(10);
        UUID saga = UUID.randomUUID();
        update("INSERT INTO points_ledger (user_id, delta, reason, idempotency_key, saga_id) VALUES (?, 25, 'referral_bonus', ?, ?)",
                user, "bonus:" + user, saga);
        assertThat(count("SELECT points FROM gamification_profiles WHERE user_id = ?", user)).isEqualTo(35);

        inTransaction(() -> {
            strings("SELECT set_config('integrity.compensating_saga', ?, true)", saga.toString());
            update("DELETE FROM points_ledger WHERE saga_id = ?", saga);
        });
        assertThat(count("SELECT points FROM gamification_profiles WHERE user_id = ?", user)).isEqualTo(10);
    }

    // striped credits (V17): a held profile row does not make credits wait --------------------------------------

    /** Holds the profile row of {@code user} on a second connection while {@code work} runs on this one. */
    private void whileAnotherTransactionHoldsTheProfile(long user, SqlWork work) throws SQLException {
        try (Connection other = db.connect()) {
            other.setAutoCommit(false);
            try (PreparedStatement ps = other.prepareStatement("SELECT 1 FROM gamification_profiles WHERE user_id = ? FOR NO KEY UPDATE")) {
                ps.setLong(1, user);
                ps.executeQuery().close();
            }
            try (Statement st = c.createStatement()) {
                st.execute("SET lock_timeout = '2s'"); // a credit that waited for the row would fail the test, not hang it
            }
            try {
                work.run();
            } finally {
                other.rollback();
                try (Statement st = c.createStatement()) {
                    st.execute("RESET lock_timeout");
                }
            }
        }
    }

    @Test
    void creditsToAProfileHeldElsewhereGoToAStripeAndTheTotalsStayTheLedgerSum() throws SQLException {
        long user = insertUserWithPoints(10);
        long versionBefore = count("SELECT version FROM profile_totals WHERE user_id = ?", user);

        whileAnotherTransactionHoldsTheProfile(user, () -> {
            insertLedger(user, 25, "bonus:" + user);
            update("INSERT INTO profile_credit_stripes AS s (user_id, stripe, referral_count) VALUES (?, credit_stripe(), 1)"
                    + " ON CONFLICT (user_id, stripe) DO UPDATE SET referral_count = s.referral_count + 1", user);
        });

        assertThat(count("SELECT points FROM gamification_profiles WHERE user_id = ?", user)).isEqualTo(10);
        assertThat(count("SELECT sum(points) FROM profile_credit_stripes WHERE user_id = ?", user)).isEqualTo(25);
        assertThat(count("SELECT points FROM profile_totals WHERE user_id = ?", user)).isEqualTo(35);
        assertThat(count("SELECT referral_count FROM profile_totals WHERE user_id = ?", user)).isEqualTo(1);
        long versionStriped = count("SELECT version FROM profile_totals WHERE user_id = ?", user);
        assertThat(versionStriped).isGreaterThan(versionBefore);
        // With the row free again, a credit goes to the row.
        insertLedger(user, 5, "later:" + user);
        assertThat(count("SELECT points FROM gamification_profiles WHERE user_id = ?", user)).isEqualTo(15);
        assertThat(count("SELECT points FROM profile_totals WHERE user_id = ?", user)).isEqualTo(40);
        assertThat(count("SELECT sum(delta) FROM points_ledger WHERE user_id = ?", user)).isEqualTo(40);
    }

    @Test
    void aDebitFoldsTheStripesIntoTheRowFirstSoNoFigureGoesBelowZeroAndTheVersionNeverDrops() throws SQLException {
        long user = insertUserWithPoints(10);
        whileAnotherTransactionHoldsTheProfile(user, () -> insertLedger(user, 30, "bonus:" + user));
        long versionStriped = count("SELECT version FROM profile_totals WHERE user_id = ?", user);

        // 35 taken from a row of 10: only possible once the 30 striped points are in the row.
        insertLedger(user, -35, "merge.out:" + user);

        assertThat(count("SELECT count(*) FROM profile_credit_stripes WHERE user_id = ?", user)).isZero();
        assertThat(count("SELECT points FROM gamification_profiles WHERE user_id = ?", user)).isEqualTo(5);
        assertThat(count("SELECT points FROM profile_totals WHERE user_id = ?", user)).isEqualTo(5);
        assertThat(count("SELECT version FROM profile_totals WHERE user_id = ?", user)).isGreaterThan(versionStriped);
        // And a debit larger than everything is refused by the row's check, stripes or not.
        assertRejected(() -> insertLedger(user, -6, "too.much:" + user), CHECK, "gamification_points_ck");
    }

    @Test
    void stripedPointsChangedWithoutALedgerEntryAreRefusedAtCommit() throws SQLException {
        long user = insertUserWithPoints(10);
        whileAnotherTransactionHoldsTheProfile(user, () -> insertLedger(user, 20, "bonus:" + user));

        assertRejectedByTrigger(() -> update("UPDATE profile_credit_stripes SET points = points + 100 WHERE user_id = ?", user),
                "ledger sums to 30");
        assertRejectedByTrigger(() -> update("DELETE FROM profile_credit_stripes WHERE user_id = ?", user), "ledger sums to 30");
        assertRejectedByTrigger(() -> update("INSERT INTO profile_credit_stripes (user_id, stripe, points) VALUES (?, 31, 1)"
                + " ON CONFLICT DO NOTHING", user), "ledger sums to 30");
        // The row's own guard counts the stripes: setting the row to the whole ledger sum would count them twice.
        assertRejectedByTrigger(() -> update("UPDATE gamification_profiles SET points = 30 WHERE user_id = ?", user),
                "ledger sums to 30");
        // Folding moves, it does not change: allowed from anywhere.
        strings("SELECT fold_profile_credits(ARRAY[?::bigint])::text", user);
        assertThat(count("SELECT points FROM gamification_profiles WHERE user_id = ?", user)).isEqualTo(30);
        assertThat(count("SELECT points FROM profile_totals WHERE user_id = ?", user)).isEqualTo(30);
        assertRejected(() -> update("INSERT INTO profile_credit_stripes (user_id, stripe) VALUES (?, 32)", user),
                CHECK, "profile_credit_stripes_stripe_ck");
    }

    @Test
    void ledgerEntryForAUserWithoutProfileIsRefused() throws SQLException {
        long user = insertUser();

        assertRejectedByTrigger(() -> insertLedger(user, 5, "orphan:" + user), "has no gamification profile");
        assertThat(count("SELECT count(*) FROM points_ledger WHERE user_id = ?", user)).isZero();
    }

    // audit_log and the saga log -------------------------------------------------------------------------------

    @Test
    void auditLogIsAppendOnly() throws SQLException {
        String hash = hash();
        update("INSERT INTO audit_log (actor, action, prev_hash, hash) VALUES ('test', 'user.merge', ?, ?)",
                "0".repeat(64), hash);

        assertRejectedByTrigger(() -> update("UPDATE audit_log SET actor = 'mallory' WHERE hash = ?", hash),
                "audit_log is append-only: UPDATE");
        assertRejectedByTrigger(() -> update("DELETE FROM audit_log WHERE hash = ?", hash),
                "audit_log is append-only: DELETE");
        assertRejectedByTrigger(() -> update("TRUNCATE audit_log"), "audit_log is append-only: TRUNCATE");
        assertThat(strings("SELECT actor FROM audit_log WHERE hash = ?", hash)).containsExactly("test");
    }

    @Test
    void auditHashesMustBeLowerCaseHex() {
        assertRejected(() -> update("INSERT INTO audit_log (actor, action, prev_hash, hash) VALUES ('t', 'a', ?, ?)",
                "0".repeat(64), hash().toUpperCase(java.util.Locale.ROOT)), CHECK, "audit_log_hash_ck");
    }

    @Test
    void sagaEventsAreAppendOnly() throws SQLException {
        UUID saga = insertSaga("RUNNING", null);
        update("INSERT INTO saga_event_batches (saga_id, first_seq, events) VALUES (?, 0, '[{\"type\": \"STARTED\"}]')", saga);

        assertRejectedByTrigger(() -> update("UPDATE saga_event_batches SET events = '[{\"type\": \"COMPLETED\"}]' WHERE saga_id = ?",
                saga), "saga_event_batches is append-only: UPDATE");
        assertRejectedByTrigger(() -> update("DELETE FROM saga_event_batches WHERE saga_id = ?", saga),
                "saga_event_batches is append-only: DELETE");
        assertRejectedByTrigger(() -> update("TRUNCATE saga_event_batches"), "saga_event_batches is append-only: TRUNCATE");
        assertRejected(() -> update("INSERT INTO saga_event_batches (saga_id, first_seq, events) VALUES (?, 0, '[{\"type\": \"COMPLETED\"}]')",
                saga), UNIQUE, "saga_event_batches_pkey");
        assertThat(strings("SELECT event_type FROM saga_events WHERE saga_id = ?", saga)).containsExactly("STARTED");
    }

    @Test
    void sagaEventBatchesHoldOnlyKnownEventsAndReadBackOnePerRowInOrder() throws SQLException {
        UUID saga = insertSaga("RUNNING", null);
        for (String bad : List.of("[]", "{\"type\": \"STARTED\"}", "[{\"type\": \"STARTED\"}, {\"type\": \"EXPLODED\"}]",
                "[{\"step\": \"A\"}]", "[\"STARTED\"]", "[{\"type\": \"STEP_COMPLETED\", \"step\": \"" + "s".repeat(101) + "\"}]")) {
            assertRejected(() -> update("INSERT INTO saga_event_batches (saga_id, first_seq, events) VALUES (?, 0, ?::jsonb)", saga, bad),
                    CHECK, "saga_event_batches_events_ck");
        }
        assertRejected(() -> update("INSERT INTO saga_event_batches (saga_id, first_seq, events) VALUES (?, -1, '[{\"type\": \"STARTED\"}]')",
                saga), CHECK, "saga_event_batches_seq_ck");
        update("INSERT INTO saga_event_batches (saga_id, first_seq, events) VALUES (?, 0, ?::jsonb)", saga,
                "[{\"type\": \"STARTED\"}, {\"type\": \"STEP_COMPLETED\", \"step\": \"A\", \"payload\": {\"n\": 1}}]");
        update("INSERT INTO saga_event_batches (saga_id, first_seq, events) VALUES (?, 2, ?::jsonb)", saga,
                "[{\"type\": \"STEP_FAILED\", \"step\": \"B\", \"error\": \"boom\"}]");

        assertThat(strings("SELECT seq || ':' || event_type || ':' || coalesce(step_name, '-') || ':' || coalesce(payload->>'n', '-')"
                + " || ':' || coalesce(error, '-') FROM saga_events WHERE saga_id = ? ORDER BY seq", saga))
                .containsExactly("0:STARTED:-:-:-", "1:STEP_COMPLETED:A:1:-", "2:STEP_FAILED:B:-:boom");
    }

    @Test
    void sagaStatusMustBeKnownAndFinishedExactlyWhenDone() throws SQLException {
        OffsetDateTime now = OffsetDateTime.now();

        assertRejected(() -> insertSaga("DONE", null), CHECK, "sagas_status_ck");
        assertRejected(() -> insertSaga("COMPLETED", null), CHECK, "sagas_finished_ck");
        assertRejected(() -> insertSaga("COMPENSATED", null), CHECK, "sagas_finished_ck");
        assertRejected(() -> insertSaga("RUNNING", now), CHECK, "sagas_finished_ck");
        insertSaga("COMPLETED", now);
        insertSaga("COMPENSATED", now);
        insertSaga("FAILED_NEEDS_ATTENTION", null);
    }

    // helpers --------------------------------------------------------------------------------------------------

    private interface SqlWork {
        void run() throws SQLException;
    }

    /** Expects the statement to fail with this SQL state and, when given, this constraint. */
    private static void assertRejected(ThrowingCallable statement, String sqlState, String constraint) {
        assertServerError(catchThrowable(statement), sqlState, constraint);
    }

    /** Expects one of our triggers to refuse the statement with a message containing {@code reason}. */
    private static void assertRejectedByTrigger(ThrowingCallable statement, String reason) {
        Throwable thrown = catchThrowable(statement);
        assertServerError(thrown, INTEGRITY, null);
        assertThat(thrown).hasMessageContaining(reason);
    }

    private static void assertServerError(Throwable thrown, String sqlState, String constraint) {
        assertThat(thrown).as("expected SQL state " + sqlState).isInstanceOfSatisfying(PSQLException.class, e -> {
            assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo(sqlState);
            if (constraint != null) {
                assertThat(e.getServerErrorMessage().getConstraint()).as(e.getMessage()).isEqualTo(constraint);
            }
        });
    }

    /** A second user with {@code value} in {@code column} is refused by {@code constraint}; a fresh value is accepted. */
    private void assertSecondUserRejected(String column, String value, String freshValue, String constraint)
            throws SQLException {
        insertUser(column, value);
        assertRejected(() -> insertUser(column, value), UNIQUE, constraint);
        insertUser(column, freshValue);
    }

    /** Expects the work to run but its transaction to be refused at COMMIT (deferred constraint triggers). */
    private void assertCommitRejected(SqlWork work, String reason) throws SQLException {
        c.setAutoCommit(false);
        try {
            work.run();
            assertRejectedByTrigger(c::commit, reason);
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    private void inTransaction(SqlWork work) throws SQLException {
        c.setAutoCommit(false);
        try {
            work.run();
            c.commit();
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static String uniqueEmail() {
        return "user" + SEQ.incrementAndGet() + "@example.org";
    }

    private static String uniqueCode() {
        return "CODE-" + SEQ.incrementAndGet();
    }

    private static String hash() {
        return String.format("abcdef%058x", SEQ.incrementAndGet());
    }

    /** Inserts a valid active user, with the given column values replacing the defaults; returns its id. */
    private long insertUser(Object... columnValues) throws SQLException {
        String email = uniqueEmail();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("email", email);
        row.put("email_normalized", email);
        row.put("referral_code", uniqueCode());
        row.put("first_name", "Ada");
        row.put("last_name", "Lovelace");
        for (int i = 0; i < columnValues.length; i += 2) {
            row.put((String) columnValues[i], columnValues[i + 1]);
        }
        String sql = "INSERT INTO users (" + String.join(", ", row.keySet()) + ") VALUES ("
                + String.join(", ", row.keySet().stream().map(k -> "?").toList()) + ") RETURNING id";
        return count(sql, row.values().toArray());
    }

    /** A user whose profile holds {@code points}, earned by one ledger entry keyed {@code signup:<id>}. */
    private long insertUserWithPoints(int points) throws SQLException {
        long user = insertUser();
        inTransaction(() -> {
            update("INSERT INTO gamification_profiles (user_id, points) VALUES (?, 0)", user);
            insertLedger(user, points, "signup:" + user);
        });
        return user;
    }

    private void insertLedger(long user, int delta, String idempotencyKey) throws SQLException {
        update("INSERT INTO points_ledger (user_id, delta, reason, idempotency_key) VALUES (?, ?, 'test.award', ?)",
                user, delta, idempotencyKey);
    }

    private UUID insertSaga(String status, OffsetDateTime finishedAt) throws SQLException {
        UUID id = UUID.randomUUID();
        update("INSERT INTO sagas (id, saga_type, business_key, status, finished_at) VALUES (?, 'registration', ?, ?, ?)",
                id, "key-" + id, status, finishedAt);
        return id;
    }

    private int update(String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(sql, params)) {
            return ps.executeUpdate();
        }
    }

    /** The first column of the first row, as a number (an id, a count or a sum). */
    private long count(String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(sql, params); ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getLong(1);
        }
    }

    private List<String> strings(String sql, Object... params) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement ps = prepare(sql, params); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private PreparedStatement prepare(String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
        return ps;
    }
}
