package org.nstcg.integrity.engine.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.email.EmailCheck;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;

/**
 * Look-alike addresses against real PostgreSQL: {@code ada@example.com}, its Cyrillic-а, fullwidth-ａ and
 * Cyrillic-domain twins (each with unrelated names, so nothing but the address links them) are likely duplicates;
 * a Cyrillic {@code bоb@} with no twin and unrelated ASCII users are not.
 */
@IntegrityTest
class LookAlikeDuplicatesIT {

    private static final String ADA = "ada@example.com";
    private static final String CYRILLIC = "\u0430da@example.com";
    private static final String FULLWIDTH = "\uFF41da@example.com";
    private static final String CYRILLIC_DOMAIN = "ada@ex\u0430mple.com";
    private static IntegrityEngine engine;

    @BeforeAll
    static void fill(TestDatabase db, IntegrityEngine started) throws Exception {
        engine = started;
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO users (email, email_normalized,"
                + " referral_code, first_name, last_name, status) VALUES (?, ?, ?, ?, ?, 'active')")) {
            add(ps, ADA, "LOOK-1", "Ada", "Byron");
            add(ps, CYRILLIC, "LOOK-2", "Mira", "Quist");
            add(ps, FULLWIDTH, "LOOK-3", "Olek", "Tran");
            add(ps, CYRILLIC_DOMAIN, "LOOK-4", "Pia", "Holm");
            add(ps, "b\u043Eb@example.com", "LOOK-5", "Rex", "Stone");
            add(ps, "zed@example.com", "LOOK-6", "Zoe", "Wong");
            add(ps, "bobby@example.org", "LOOK-7", "Una", "Vance");
            ps.executeBatch();
        }
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO gamification_profiles (user_id) SELECT id FROM users");
        }
    }

    private static void add(PreparedStatement ps, String mail, String code, String first, String last) throws Exception {
        ps.setString(1, mail);
        ps.setString(2, ((EmailCheck.Valid) engine.emails().check(mail)).address().normalized());
        ps.setString(3, code);
        ps.setString(4, first);
        ps.setString(5, last);
        ps.addBatch();
    }

    @Test
    void lookAlikeAddressesAreLikelyDuplicatesAndUnrelatedOnesAreNot() {
        List<DuplicateCandidate> likely = engine.dedup().duplicates().likely(TestActors.OPERATOR, 0, 50);
        List<String> four = List.of(ADA, CYRILLIC, FULLWIDTH, CYRILLIC_DOMAIN);
        for (int i = 0; i < four.size(); i++) {
            for (int j = i + 1; j < four.size(); j++) {
                DuplicateCandidate d = find(likely, four.get(i), four.get(j));
                assertThat(d.score()).isGreaterThanOrEqualTo(0.5);
                assertThat(d.reasons()).anyMatch(r -> r.startsWith("look-alike address: "));
            }
        }
        assertThat(find(likely, ADA, CYRILLIC).reasons()).anyMatch(r -> r.contains("U+0430 for a"));
        assertThat(find(likely, ADA, FULLWIDTH).reasons()).anyMatch(r -> r.contains("U+FF41 for a"));
        assertThat(likely).hasSize(6).allMatch(d -> four.contains(d.left().email()) && four.contains(d.right().email()));
    }

    private static DuplicateCandidate find(List<DuplicateCandidate> list, String a, String b) {
        return list.stream().filter(d -> (d.left().email().equals(a) && d.right().email().equals(b))
                || (d.left().email().equals(b) && d.right().email().equals(a))).findFirst()
                .orElseThrow(() -> new AssertionError(a + " / " + b + " not among " + list));
    }
}
