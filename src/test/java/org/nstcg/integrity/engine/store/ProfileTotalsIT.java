package org.nstcg.integrity.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;

/** What readers of profile figures see with striped credits (V17): the leaderboard and cached user rows count them. */
@IntegrityTest
class ProfileTotalsIT {

    private static TestDatabase db;
    private static IntegrityEngine engine;

    @BeforeAll
    static void start(TestDatabase slice, IntegrityEngine started) {
        db = slice;
        engine = started;
    }

    private static long register(String local) {
        RegistrationOutcome o = engine.registration().register(new RegistrationRequest(local + "@example.org", "Lena", null, null));
        return ((RegistrationOutcome.Registered) o).userId();
    }

    private static void sql(String... statements) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    /** Credits as the ledger trigger leaves them when the profile row is held elsewhere: in a stripe, with their entry. */
    private static void stripedCredit(long user, int points, int referrals) throws SQLException {
        sql("ALTER TABLE points_ledger DISABLE TRIGGER points_ledger_applies_inserts",
                // the ledger trigger writes stripes unchecked (trigger depth 1); the version trigger stays on
                "ALTER TABLE profile_credit_stripes DISABLE TRIGGER profile_credit_stripes_insert_follows_ledger",
                "ALTER TABLE profile_credit_stripes DISABLE TRIGGER profile_credit_stripes_update_follows_ledger",
                "INSERT INTO points_ledger (user_id, delta, reason, idempotency_key) VALUES (" + user + ", " + points
                        + ", 'test.award', 'striped-" + user + "-" + System.nanoTime() + "')",
                "INSERT INTO profile_credit_stripes AS s (user_id, stripe, points, referral_count) VALUES (" + user + ", 7, " + points
                        + ", " + referrals + ") ON CONFLICT (user_id, stripe) DO UPDATE SET points = s.points + excluded.points,"
                        + " referral_count = s.referral_count + excluded.referral_count",
                "ALTER TABLE profile_credit_stripes ENABLE TRIGGER profile_credit_stripes_insert_follows_ledger",
                "ALTER TABLE profile_credit_stripes ENABLE TRIGGER profile_credit_stripes_update_follows_ledger",
                "ALTER TABLE points_ledger ENABLE TRIGGER points_ledger_applies_inserts");
    }

    @Test
    void theLeaderboardRanksByRowPlusStripesEvenBeyondTheTopRows() throws Exception {
        List<Long> ranked = new ArrayList<>();
        for (int i = 0; i < CacheRows.LEADERBOARD_SIZE + 2; i++) {
            long id = register("ranked" + i);
            ranked.add(id);
            sql("INSERT INTO points_ledger (user_id, delta, reason, idempotency_key) VALUES (" + id + ", " + (100 + i)
                    + ", 'test.award', 'rank-" + id + "')",
                    "UPDATE gamification_profiles SET referral_count = 1 WHERE user_id = " + id);
        }
        // Its row has 10 points and no referral: only its stripes put it on the board, at the top.
        long striped = register("striped");
        stripedCredit(striped, 500, 3);

        JsonNode board = new ObjectMapper().readTree(new CacheRows(engine.database().jdbc()).leaderboard().json());

        assertThat(board).hasSize(CacheRows.LEADERBOARD_SIZE);
        assertThat(board.get(0).path("userId").asLong()).isEqualTo(striped);
        assertThat(board.get(0).path("points").asLong()).isEqualTo(510);
        assertThat(board.get(0).path("referralCount").asLong()).isEqualTo(3);
        assertThat(board.get(1).path("userId").asLong()).isEqualTo(ranked.get(ranked.size() - 1));
    }

    @Test
    void aCachedUserRowCarriesStripedFiguresAndAVersionThatGrowsWithThem() throws Exception {
        long user = register("versioned");
        CacheRows rows = new CacheRows(engine.database().jdbc());
        CacheRows.Row before = rows.user(user).orElseThrow();

        stripedCredit(user, 25, 1);
        CacheRows.Row striped = rows.user(user).orElseThrow();
        stripedCredit(user, 25, 1);
        CacheRows.Row again = rows.user(user).orElseThrow();
        sql("SELECT fold_profile_credits(ARRAY[" + user + "::bigint])");
        CacheRows.Row folded = rows.user(user).orElseThrow();

        assertThat(new ObjectMapper().readTree(striped.json()).path("points").asLong()).isEqualTo(35);
        assertThat(new ObjectMapper().readTree(again.json()).path("referralCount").asLong()).isEqualTo(2);
        assertThat(striped.version()).isGreaterThan(before.version());
        assertThat(again.version()).isGreaterThan(striped.version());
        assertThat(folded.version()).isGreaterThan(again.version());
        assertThat(folded.json()).isEqualTo(again.json());
    }
}
