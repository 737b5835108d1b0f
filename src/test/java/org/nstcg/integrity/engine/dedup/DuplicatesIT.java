package org.nstcg.integrity.engine.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.store.DuplicateStore;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;

/**
 * Duplicate detection against real PostgreSQL: 2,000 unrelated users (300 of them Smiths), a few planted likely
 * duplicates, an archived user and a held legacy row sharing active users' mailboxes.
 */
@IntegrityTest
class DuplicatesIT {

    private static TestDatabase db;
    private static IntegrityEngine engine;
    private static long n;

    @BeforeAll
    static void fill(TestDatabase slice, IntegrityEngine started) throws Exception {
        db = slice;
        engine = started;
        Random random = new Random(42);
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO users (email, email_normalized,"
                + " referral_code, first_name, last_name, status) VALUES (?, ?, ?, ?, ?, ?)")) {
            int i = 0;
            for (; i < 2000; i++) {
                String first = word(random, 6);
                String last = i < 300 ? "Smith" : word(random, 7);
                String mail = word(random, 9).toLowerCase() + "@example.org";
                add(ps, mail, "CODE-" + i, first, last, "active");
            }
            add(ps, "jane.doe@gmail.com", "PLANT-1", "Jane", "Doe", "active");
            add(ps, "janedoe@outlook.com", "PLANT-2", "Jane", "Doe", "active");
            add(ps, "j.doe@example.net", "PLANT-3", "J", "Doe", "active");
            add(ps, "jdoe@yahoo.com", "PLANT-4", "John", "Doe", "active");
            add(ps, "kathy.brown@example.com", "PLANT-5", "Kathy", "Browne", "active");
            add(ps, "kathybrown@example.org", "PLANT-6", "Kathy", "Brown", "active");
            add(ps, "sam.lee@gmail.com", "PLANT-9", "Samantha", "Lee", "active");
            add(ps, "samlee@outlook.com", "PLANT-10", "Sam", "Leigh", "active");
            add(ps, "old@example.org", "PLANT-7", "Olda", "Archived", "archived");
            add(ps, "old@example.org", "PLANT-8", "Olda", "Active", "active");
            ps.executeBatch();
        }
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO gamification_profiles (user_id) SELECT id FROM users");
            n = LegacyImportIT.scalar(st, "SELECT count(*) FROM users WHERE status = 'active'");
        }
        engine.dedup().importer().importCsv(new StringReader("email,first_name\njane.doe@gmail.com,Janet\n"), "old.csv", Actor.operator("alice"), 1,
                ProgressListener.NONE);
    }

    private static void add(PreparedStatement ps, String mail, String code, String first, String last, String status) throws Exception {
        ps.setString(1, mail);
        ps.setString(2, ((org.nstcg.integrity.engine.email.EmailCheck.Valid) engine.emails().check(mail)).address().normalized());
        ps.setString(3, code);
        ps.setString(4, first);
        ps.setString(5, last);
        ps.setString(6, status);
        ps.addBatch();
    }

    private static String word(Random r, int len) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) {
            sb.append((char) ('a' + r.nextInt(26)));
        }
        return Character.toUpperCase(sb.charAt(0)) + sb.substring(1);
    }

    @Test
    void exactDuplicatesAreHeldLegacyRowsAndHistory() {
        List<DuplicateCandidate> exact = engine.dedup().duplicates().exact(TestActors.OPERATOR, 0, 10);
        assertThat(exact).hasSize(2);
        assertThat(exact).allMatch(d -> d.score() == 1.0 && d.kind() == DuplicateCandidate.Kind.EXACT);
        DuplicateCandidate legacy = exact.stream().filter(d -> d.right().legacyImport() != null).findFirst().orElseThrow();
        assertThat(legacy.left().email()).isEqualTo("jane.doe@gmail.com");
        assertThat(legacy.right().legacyLine()).isEqualTo(2);
        assertThat(legacy.reasons()).anyMatch(r -> r.contains("held at import"));
        DuplicateCandidate history = exact.stream().filter(d -> d.right().legacyImport() == null).findFirst().orElseThrow();
        assertThat(history.right().status()).isEqualTo("archived");
        assertThat(engine.dedup().duplicates().exact(TestActors.OPERATOR, 1, 10)).hasSize(1);
    }

    @Test
    void likelyDuplicatesAreRankedWithReasons() {
        List<DuplicateCandidate> likely = engine.dedup().duplicates().likely(TestActors.OPERATOR, 0, 10);
        assertThat(likely).isNotEmpty();
        assertThat(likely.get(0).score()).isGreaterThanOrEqualTo(likely.get(likely.size() - 1).score());
        DuplicateCandidate jane = find(likely, "jane.doe@gmail.com", "janedoe@outlook.com");
        assertThat(jane.score()).isEqualTo(1.0);
        assertThat(jane.reasons()).anyMatch(r -> r.contains("same mailbox name 'janedoe' at gmail.com and outlook.com"))
                .contains("same last name", "same first name");
        DuplicateCandidate jdoe = find(likely, "j.doe@example.net", "jdoe@yahoo.com");
        assertThat(jdoe.reasons()).anyMatch(r -> r.contains("spells the name")).contains("compatible first names");
        DuplicateCandidate kathy = find(likely, "kathy.brown@example.com", "kathybrown@example.org");
        assertThat(kathy.reasons()).contains("similar last names");
        DuplicateCandidate sam = find(likely, "sam.lee@gmail.com", "samlee@outlook.com");
        assertThat(sam.score()).isBetween(0.5, 0.9);
        assertThat(sam.reasons()).anyMatch(r -> r.startsWith("same mailbox name 'samlee'")).contains("compatible first names");
        assertThat(likely.indexOf(sam)).isGreaterThan(likely.indexOf(jane));
        // no two random users are reported, and a Smith shares only a surname with another Smith: not enough
        assertThat(likely).allMatch(d -> d.left().email().contains("doe") || d.left().email().contains("kathy")
                || d.left().email().contains("jane") || d.left().email().contains("j.") || d.left().email().contains("sam"));
        // paging: the second page starts where the first ended
        List<DuplicateCandidate> page2 = engine.dedup().duplicates().likely(TestActors.OPERATOR, 1, 1);
        assertThat(page2).hasSize(1);
        assertThat(page2.get(0)).isEqualTo(likely.get(1));
    }

    @Test
    void blockingComparesFarFewerPairsThanAllPairs() {
        DuplicateStore.BlockStats stats = engine.dedup().duplicates().blockStats();
        long allPairs = n * (n - 1) / 2;
        assertThat(stats.activeUsers()).isEqualTo(n);
        assertThat(stats.candidatePairs()).isPositive().isLessThan(allPairs / 100);
    }

    private static DuplicateCandidate find(List<DuplicateCandidate> list, String a, String b) {
        return list.stream().filter(d -> (d.left().email().equals(a) && d.right().email().equals(b))
                || (d.left().email().equals(b) && d.right().email().equals(a))).findFirst()
                .orElseThrow(() -> new AssertionError(a + " / " + b + " not among " + list));
    }
}
