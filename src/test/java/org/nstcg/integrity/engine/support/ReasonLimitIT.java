package org.nstcg.integrity.engine.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.dedup.MergeOutcome;
import org.nstcg.integrity.engine.dedup.UnmergeOutcome;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.engine.repair.Repair;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;

/** Every action that records an operator's reason refuses one over {@link Reasons#MAX_LENGTH} before doing anything. */
@IntegrityTest(perTest = true)
class ReasonLimitIT {

    private static final String TOO_LONG = "w".repeat(Reasons.MAX_LENGTH + 1);

    private TestDatabase db;
    private IntegrityEngine engine;

    @BeforeEach
    void start(TestDatabase slice, IntegrityEngine started) {
        db = slice;
        engine = started;
    }

    private static long count(TestDatabase db, String sql) throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void everyRepairRefusesItAndAuditsNothing() throws Exception {
        long audited = count(db, "SELECT count(*) FROM audit_log");
        assertThat(engine.repairs().all()).hasSizeGreaterThanOrEqualTo(7);
        for (Repair repair : engine.repairs().all()) {
            assertThatThrownBy(() -> repair.apply(TestActors.OPERATOR, TOO_LONG)).as(repair.kind())
                    .isInstanceOf(InvalidInputException.class).hasMessage("The reason is longer than 500 characters (it has 501);"
                            + " say why in fewer words.");
        }
        assertThat(count(db, "SELECT count(*) FROM audit_log")).isEqualTo(audited);
    }

    @Test
    void mergeAndUnmergeRefuseItAndChangeNothing() throws Exception {
        long a = ((RegistrationOutcome.Registered) engine.registration().register(
                new RegistrationRequest("reason.a@example.org", "Ann", "Lee", null))).userId();
        long b = ((RegistrationOutcome.Registered) engine.registration().register(
                new RegistrationRequest("reason.b@example.org", "Ann", "Lee", null))).userId();

        assertThat(engine.dedup().merges().merge(a, b, TestActors.OPERATOR, TOO_LONG)).isInstanceOfSatisfying(MergeOutcome.Refused.class,
                r -> assertThat(r.reason()).startsWith("the reason is longer than 500 characters"));
        assertThat(count(db, "SELECT count(*) FROM users WHERE status = 'active'")).isEqualTo(2);
        assertThat(count(db, "SELECT count(*) FROM user_merges")).isZero();
        assertThat(engine.dedup().merges().unmerge(b, TestActors.OPERATOR, TOO_LONG)).isInstanceOfSatisfying(UnmergeOutcome.Refused.class,
                r -> assertThat(r.reason()).startsWith("the reason is longer than 500 characters"));
        // 500 characters are fine
        assertThat(engine.dedup().merges().merge(a, b, TestActors.OPERATOR, "w".repeat(Reasons.MAX_LENGTH)))
                .isInstanceOf(MergeOutcome.Merged.class);
    }

    @Test
    void sagaRetryAndResolveRefuseItBeforeLookingTheSagaUp() {
        assertThatThrownBy(() -> engine.sagas().retry(UUID.randomUUID(), TestActors.OPERATOR, TOO_LONG))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("The reason is longer than 500 characters");
        assertThatThrownBy(() -> engine.sagas().resolve(UUID.randomUUID(), TestActors.OPERATOR, TOO_LONG))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("The reason is longer than 500 characters");
    }
}
