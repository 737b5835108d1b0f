package org.nstcg.integrity.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import jakarta.persistence.OptimisticLockException;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.hibernate.Session;
import org.hibernate.StaleObjectStateException;
import org.hibernate.Transaction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.support.TestDatabase;

/**
 * Proves that the Hibernate entities round-trip through the migrated schema: generated ids, database-filled
 * timestamps, the status converter, the ledger's deferred agreement with the profile, and optimistic locking
 * through {@code @Version} (a stale update is refused, not silently lost).
 */
class EntityMappingIT {

    private static final AtomicInteger SEQ = new AtomicInteger();
    private static TestDatabase db;
    private static IntegrityEngine engine;
    private static Database database;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        engine = db.startEngine();
        database = engine.database();
    }

    @AfterAll
    static void stop() throws SQLException {
        engine.close();
        db.close();
    }

    @Test
    void userRoundTripsWithGeneratedIdAndDatabaseTimestamps() {
        UserEntity created = database.inTransaction(s -> persist(s, newUser()));

        assertThat(created.getId()).isNotNull().isPositive();
        UserEntity read = database.inTransaction(s -> s.find(UserEntity.class, created.getId()));
        assertThat(read.getEmail()).isEqualTo(created.getEmail());
        assertThat(read.getEmailNormalized()).isEqualTo(created.getEmailNormalized());
        assertThat(read.getReferralCode()).isEqualTo(created.getReferralCode());
        assertThat(read.getFirstName()).isEqualTo("Ada");
        assertThat(read.getLastName()).isEqualTo("Lovelace");
        assertThat(read.getStatus()).isEqualTo(UserStatus.ACTIVE);
        assertThat(read.getMergedInto()).isNull();
        assertThat(read.getVersion()).isZero();
        assertThat(read.getCreatedAt()).isNotNull();
        assertThat(read.getUpdatedAt()).isNotNull().isEqualTo(read.getCreatedAt());
    }

    @Test
    void refreshFillsTheTimestampsTheDatabaseWrote() {
        UserEntity refreshed = database.inTransaction(EntityMappingIT::persistAndRefresh);

        assertThat(refreshed.getCreatedAt()).isNotNull();
        assertThat(refreshed.getUpdatedAt()).isNotNull();
    }

    @Test
    void statusIsStoredInTheLowerCaseTheSchemaAllows() {
        long survivor = database.inTransaction(s -> persist(s, newUser())).getId();
        long merged = database.inTransaction(s -> persist(s, newUser())).getId();

        database.inTransaction(s -> {
            s.find(UserEntity.class, merged).setStatus(UserStatus.MERGED, survivor);
            return null;
        });

        String stored = database.inTransaction(s -> s.createNativeQuery("SELECT status FROM users WHERE id = :id",
                String.class).setParameter("id", merged).getSingleResult());
        assertThat(stored).isEqualTo("merged");
        UserEntity read = database.inTransaction(s -> s.find(UserEntity.class, merged));
        assertThat(read.getStatus()).isEqualTo(UserStatus.MERGED);
        assertThat(read.getMergedInto()).isEqualTo(survivor);
    }

    @Test
    void profileAndLedgerEntryRoundTripInOneTransaction() {
        long userId = database.inTransaction(s -> persist(s, newUser())).getId();
        UUID saga = UUID.randomUUID();

        long entryId = database.inTransaction(s -> {
            s.persist(new GamificationProfileEntity(userId, 0, 1)); // the ledger entry brings the points (V14)
            PointsLedgerEntryEntity entry = new PointsLedgerEntryEntity(userId, 25, "signup.bonus", "signup:" + userId, saga);
            s.persist(entry);
            return entry.getId();
        });

        GamificationProfileEntity profile = database.inTransaction(s -> s.find(GamificationProfileEntity.class, userId));
        assertThat(profile.getPoints()).isEqualTo(25);
        assertThat(profile.getReferralCount()).isEqualTo(1);
        assertThat(profile.getVersion()).as("one update: the ledger's points").isEqualTo(1);
        assertThat(profile.getUpdatedAt()).isNotNull();
        PointsLedgerEntryEntity entry = database.inTransaction(s -> s.find(PointsLedgerEntryEntity.class, entryId));
        assertThat(entry.getUserId()).isEqualTo(userId);
        assertThat(entry.getDelta()).isEqualTo(25);
        assertThat(entry.getReason()).isEqualTo("signup.bonus");
        assertThat(entry.getIdempotencyKey()).isEqualTo("signup:" + userId);
        assertThat(entry.getSagaId()).isEqualTo(saga);
        assertThat(entry.getCreatedAt()).isNotNull();
    }

    @Test
    void updateIncrementsTheVersionAndTheDatabaseBumpsUpdatedAt() {
        UserEntity before = database.inTransaction(EntityMappingIT::persistAndRefresh);
        String newCode = uniqueCode();

        database.inTransaction(s -> {
            s.find(UserEntity.class, before.getId()).setReferralCode(newCode);
            return null;
        });

        UserEntity after = database.inTransaction(s -> s.find(UserEntity.class, before.getId()));
        assertThat(after.getVersion()).isEqualTo(before.getVersion() + 1);
        assertThat(after.getReferralCode()).isEqualTo(newCode);
        assertThat(after.getUpdatedAt()).isAfter(before.getUpdatedAt());
        assertThat(after.getCreatedAt()).isEqualTo(before.getCreatedAt());
    }

    @Test
    void staleUpdateIsRefusedNotLost() {
        long id = database.inTransaction(s -> persist(s, newUser())).getId();
        String winnerCode = uniqueCode();

        Throwable thrown;
        try (Session first = database.sessionFactory().openSession();
             Session second = database.sessionFactory().openSession()) {
            Transaction firstTx = first.beginTransaction();
            Transaction secondTx = second.beginTransaction();
            UserEntity firstCopy = first.find(UserEntity.class, id);
            UserEntity secondCopy = second.find(UserEntity.class, id);

            firstCopy.setReferralCode(winnerCode);
            firstTx.commit();
            secondCopy.setStatus(UserStatus.ARCHIVED, null);
            thrown = catchThrowable(secondTx::commit);
            if (secondTx.isActive()) {
                secondTx.rollback();
            }
        }

        assertThat(thrown).isInstanceOfAny(OptimisticLockException.class, StaleObjectStateException.class);
        UserEntity stored = database.inTransaction(s -> s.find(UserEntity.class, id));
        assertThat(stored.getReferralCode()).isEqualTo(winnerCode);
        assertThat(stored.getStatus()).isEqualTo(UserStatus.ACTIVE);
        assertThat(stored.getVersion()).isEqualTo(1);
    }

    private static UserEntity persist(Session session, UserEntity user) {
        session.persist(user);
        return user;
    }

    /** Persists a new user and reads back what the database filled in (timestamps are not insertable). */
    private static UserEntity persistAndRefresh(Session session) {
        UserEntity user = persist(session, newUser());
        session.flush();
        session.refresh(user);
        return user;
    }

    private static UserEntity newUser() {
        String email = "entity" + SEQ.incrementAndGet() + "@example.org";
        return new UserEntity(email, email, uniqueCode(), "Ada", "Lovelace", null);
    }

    private static String uniqueCode() {
        return "ENTITY-" + SEQ.incrementAndGet();
    }
}
