package org.nstcg.integrity.engine.saga;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;

/**
 * {@link SagaService#page}: keyset pages over the saga log, newest first, filtered by status, type and time, with
 * sagas started at the same instant neither lost nor repeated between pages.
 */
@IntegrityTest
class SagaPageIT {

    private static TestDatabase db;
    private static IntegrityEngine engine;
    private static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");

    @BeforeAll
    static void fill(TestDatabase slice, IntegrityEngine started) throws Exception {
        db = slice;
        engine = started;
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO sagas (id, saga_type, business_key,"
                + " status, current_step, step_count, created_at, finished_at) VALUES (?, ?, ?, ?, 1, 2, ?::timestamptz,"
                + " CASE WHEN ? THEN now() END)")) {
            // 25 sagas, started in pairs at the same instant: ties must page by id.
            for (int i = 0; i < 25; i++) {
                SagaStatus status = i % 5 == 0 ? SagaStatus.FAILED_NEEDS_ATTENTION : SagaStatus.COMPLETED;
                ps.setObject(1, UUID.randomUUID());
                ps.setString(2, i % 2 == 0 ? "registration" : "merge");
                ps.setString(3, "key " + i);
                ps.setString(4, status.name());
                ps.setString(5, T0.plusSeconds(i / 2).toString());
                ps.setBoolean(6, status.finished());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private List<SagaRecord> all(SagaQuery query, int size) {
        List<SagaRecord> out = new ArrayList<>();
        Optional<SagaPage.Cursor> after = Optional.empty();
        do {
            SagaPage page = engine.sagas().page(TestActors.OPERATOR, query, after, size);
            assertThat(page.sagas().size()).isLessThanOrEqualTo(size);
            out.addAll(page.sagas());
            after = page.next();
        } while (after.isPresent());
        return out;
    }

    @Test
    void pagesCoverEverySagaOnceNewestFirst() {
        List<SagaRecord> paged = all(SagaQuery.ALL, 4);

        assertThat(paged).hasSize(25);
        assertThat(paged).extracting(SagaRecord::id).doesNotHaveDuplicates();
        for (int i = 1; i < paged.size(); i++) {
            assertThat(paged.get(i).createdAt()).isBeforeOrEqualTo(paged.get(i - 1).createdAt());
        }
        SagaPage last = engine.sagas().page(TestActors.OPERATOR, SagaQuery.ALL, Optional.empty(), 25);
        assertThat(last.next()).as("a page that holds the rest has no next").isEmpty();
    }

    @Test
    void filtersByStatusTypeAndTime() {
        assertThat(all(new SagaQuery(Optional.of(SagaStatus.FAILED_NEEDS_ATTENTION), Optional.empty(), Optional.empty(),
                Optional.empty()), 2)).extracting(SagaRecord::businessKey).containsExactly("key 20", "key 15", "key 10", "key 5", "key 0");
        assertThat(all(new SagaQuery(Optional.empty(), Optional.of("merge"), Optional.empty(), Optional.empty()), 5)).hasSize(12)
                .allSatisfy(r -> assertThat(r.type()).isEqualTo("merge"));
        assertThat(all(new SagaQuery(Optional.empty(), Optional.empty(), Optional.of(T0.plusSeconds(10)), Optional.of(T0.plusSeconds(12))), 5))
                .extracting(SagaRecord::businessKey).containsExactlyInAnyOrder("key 20", "key 21", "key 22", "key 23");
        assertThat(engine.sagas().types(TestActors.OPERATOR)).as("the types this engine runs, sorted").containsExactly("registration", "user-merge");
    }

    @Test
    void theNextPageIsReadThroughAnIndex() throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("SET enable_seqscan = off");
            try (ResultSet rs = st.executeQuery("EXPLAIN SELECT id FROM sagas WHERE created_at <= now() AND (created_at < now() OR id < '"
                    + UUID.randomUUID() + "'::uuid) ORDER BY created_at DESC, id DESC LIMIT 51")) {
                StringBuilder plan = new StringBuilder();
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
                assertThat(plan.toString()).contains("sagas_created_ix");
            }
        }
    }
}
