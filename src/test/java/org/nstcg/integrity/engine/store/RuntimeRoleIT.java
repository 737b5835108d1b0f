package org.nstcg.integrity.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.audit.AuditVerification;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.dedup.ImportResult;
import org.nstcg.integrity.engine.dedup.MergeOutcome;
import org.nstcg.integrity.engine.dedup.UnmergeOutcome;
import org.nstcg.integrity.engine.integrity.CheckResult;
import org.nstcg.integrity.engine.integrity.CheckRun;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.engine.registration.RegistrationSagaData;
import org.nstcg.integrity.engine.saga.SagaFaults;
import org.nstcg.integrity.engine.saga.SagaOutcome;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;

/**
 * The owner and runtime roles (decision record 0010): a service engine whose Flyway runs as the owner (the test
 * superuser) and whose connections log in as a runtime role of their own does its work, and the runtime role cannot
 * rewrite the audit trail, the ledger or the saga log. Each refused statement is also run as the owner, as a
 * single-login engine would, to show that there it is not refused for want of privileges: what refuses it is the
 * runtime role, not something else.
 */
class RuntimeRoleIT {

    private static final Path DECISION = Path.of("docs/decisions/0010-owner-and-runtime-roles.md");
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private static String role;
    private static String password;
    private static TestDatabase db;
    private static IntegrityEngine engine;

    @BeforeAll
    static void start() throws SQLException {
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        role = "ic_rt_" + id; // roles are cluster-wide: one of its own per run
        password = "rt-" + UUID.randomUUID();
        try (Connection c = TestServers.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'");
        }
        db = TestDatabase.empty(); // the engine's Flyway builds it, as the owner
        engine = IntegrityEngine.start(db.config(Map.of(ConfigKey.DB_USER, role, ConfigKey.DB_PASSWORD, password,
                ConfigKey.DB_MIGRATION_USER, TestServers.dbUser(), ConfigKey.DB_MIGRATION_PASSWORD, TestServers.dbPassword())),
                ProgressListener.NONE);
    }

    @AfterAll
    static void stop() throws SQLException {
        if (engine != null) {
            engine.close();
        }
        if (db != null) {
            db.close();
        }
        try (Connection c = TestServers.connect(); Statement st = c.createStatement()) {
            st.execute("DROP OWNED BY " + role);
            st.execute("DROP ROLE " + role);
        }
    }

    /** A connection as the runtime role, in the test's schema, with autocommit off. */
    private static Connection asRuntimeRole() throws SQLException {
        return inSchema(DriverManager.getConnection(TestServers.jdbcUrl(), role, password));
    }

    /** A connection as the owner (the migration login), in the test's schema, with autocommit off. */
    private static Connection asOwner() throws SQLException {
        return inSchema(TestServers.connect());
    }

    private static Connection inSchema(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET search_path TO " + db.schema());
        }
        c.setAutoCommit(false);
        return c;
    }

    /** Runs {@code sql} (statements separated by ";") in a transaction that is rolled back; the SQL state it failed with, if any. */
    private static Optional<String> attempt(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String statement : sql.split(";")) {
                st.execute(statement);
            }
            return Optional.empty();
        } catch (SQLException e) {
            return Optional.of(e.getSQLState() + " " + e.getMessage());
        } finally {
            c.rollback();
        }
    }

    private static long queryLong(String sql) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> snapshot() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            for (String q : List.of(
                    "SELECT 'user', id, email_normalized, referral_code, status FROM users ORDER BY id",
                    "SELECT 'code', code, user_id, kind FROM referral_codes ORDER BY code",
                    "SELECT 'profile', user_id, points, referral_count FROM profile_totals ORDER BY user_id",
                    "SELECT 'ledger', id, user_id, delta, reason FROM points_ledger ORDER BY id")) {
                try (ResultSet rs = st.executeQuery(q)) {
                    int n = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        StringBuilder sb = new StringBuilder();
                        for (int i = 1; i <= n; i++) {
                            sb.append(rs.getString(i)).append('|');
                        }
                        rows.add(sb.toString());
                    }
                }
            }
        }
        return rows;
    }

    private static RegistrationOutcome.Registered register(String email, String code) {
        RegistrationOutcome o = engine.registration().register(new RegistrationRequest(email, "Rita", null, code));
        assertThat(o).isInstanceOf(RegistrationOutcome.Registered.class);
        return (RegistrationOutcome.Registered) o;
    }

    @Test
    void theEngineLogsInAsTheRuntimeRoleWhichOwnsNothing() throws SQLException {
        DatabaseRoles roles = engine.databaseRoles();

        assertThat(roles.runtimeUser()).isEqualTo(role);
        assertThat(roles.migrationUser()).isEqualTo(TestServers.dbUser());
        assertThat(roles.runtimeOwnsSchema()).isFalse();
        assertThat(roles.warning()).isEmpty();
        String login = engine.database().jdbc().read("read the login", tx -> tx.single("SELECT current_user::text", r -> r.getString(1)));
        assertThat(login).isEqualTo(role);
        assertThat(queryLong("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = '" + db.schema() + "' AND pg_get_userbyid(c.relowner) = '" + role + "'"))
                .as("objects the runtime role owns").isZero();
    }

    @Test
    void aSingleLoginEngineSaysItsLoginOwnsTheSchema() {
        try (IntegrityEngine single = IntegrityEngine.start(db.config(), java.time.Clock.systemUTC(), ProgressListener.NONE,
                IntegrityEngine.Mode.ONE_SHOT)) {
            DatabaseRoles roles = single.databaseRoles();

            assertThat(roles.singleLogin()).isTrue();
            assertThat(roles.runtimeOwnsSchema()).isTrue();
            assertThat(roles.warning()).hasValueSatisfying(w -> assertThat(w).startsWith("single login: the engine's login owns the schema"));
        }
    }

    @Test
    void registrationsCompensationChecksImportsMergesAndAuditedActionsWorkUnderTheRuntimeRole() throws Exception {
        RegistrationOutcome.Registered referrer = register("rhea@example.org", null);
        RegistrationOutcome.Registered referred = register("fay@example.org", referrer.referralCode());
        assertThat(queryLong("SELECT points FROM profile_totals WHERE user_id = " + referrer.userId())).as("bonus paid").isPositive();

        // A registration whose last step fails without a pivot: every step is undone, the bonus and both codes included.
        List<String> before = snapshot();
        var failing = SagaFaults.failingOnceWithoutPivot(engine.registration().saga().definition(), 4, "registration-rt-fault");
        SagaOutcome undone = engine.sagas().orchestrator().run(failing, "gus@example.org",
                new RegistrationSagaData("gus@example.org", "gus@example.org", "Gus", null, referrer.userId(), true, referrer.referralCode()));
        assertThat(undone).as(String.valueOf(undone)).isInstanceOf(SagaOutcome.Compensated.class);
        assertThat(snapshot()).as("database equals its state before the saga").isEqualTo(before);

        CheckRun clean = engine.checks().run(TestActors.OPERATOR, List.of(), ProgressListener.NONE);
        assertThat(clean.results()).allSatisfy(r -> assertThat(r.status()).as(r.name() + " " + r.error()).isEqualTo(CheckResult.Status.PASSED));

        assertThat(engine.cacheAdministration().invalidate(TestActors.OPERATOR, "user:*")).isPresent();

        ImportResult imported = engine.dedup().importer().importCsv(new StringReader(
                        "email,first_name,last_name,referral_code,points\nlegacy1@example.org,Lia,Old,,5\nlegacy2@example.org,Lou,Old,,0\n"),
                "legacy.csv", TestActors.OPERATOR, -1, ProgressListener.NONE);
        assertThat(imported.imported()).isEqualTo(2);

        RegistrationOutcome.Registered duplicate = register("fay.again@example.org", null);
        MergeOutcome merged = engine.dedup().merges().merge(referred.userId(), duplicate.userId(), TestActors.OPERATOR, "same person");
        assertThat(merged).as(String.valueOf(merged)).isInstanceOf(MergeOutcome.Merged.class);
        UnmergeOutcome unmerged = engine.dedup().merges().unmerge(duplicate.userId(), TestActors.OPERATOR, "not the same after all");
        assertThat(unmerged).as(String.valueOf(unmerged)).isInstanceOf(UnmergeOutcome.Unmerged.class);

        CheckRun after = engine.checks().run(TestActors.OPERATOR, List.of(), ProgressListener.NONE);
        assertThat(after.results()).as("no check fails for want of a privilege")
                .allSatisfy(r -> assertThat(r.status()).as(r.name() + " " + r.error()).isNotEqualTo(CheckResult.Status.ERROR));
        AuditVerification audit = engine.audit().verify(TestActors.OPERATOR);
        assertThat(audit.intact()).as(audit.problem().orElse("")).isTrue();
        assertThat(queryLong("SELECT count(DISTINCT action) FROM audit_log WHERE action IN ('cache.invalidate', 'user.merge', 'user.unmerge',"
                + " 'user.import', 'check.run')")).as("actions audited through audit_append").isEqualTo(5);
    }

    /** Statements that would rewrite history, each refused to the runtime role for want of privileges. */
    private static Map<String, String> rewrites() throws SQLException {
        long user = queryLong("SELECT min(user_id) FROM points_ledger");
        Map<String, String> sql = new LinkedHashMap<>();
        sql.put("UPDATE audit_log", "UPDATE audit_log SET details = 'rewritten'");
        sql.put("DELETE audit_log", "DELETE FROM audit_log");
        sql.put("TRUNCATE audit_log", "TRUNCATE audit_log");
        sql.put("INSERT audit_log", "INSERT INTO audit_log (actor, action, prev_hash, hash) SELECT 'forger', 'forged', hash,"
                + " audit_entry_hash(hash, now(), 'forger', 'forged', NULL, NULL, NULL, NULL, NULL) FROM audit_log ORDER BY id DESC LIMIT 1");
        sql.put("ALTER TABLE audit_log DISABLE TRIGGER ALL", "ALTER TABLE audit_log DISABLE TRIGGER ALL");
        sql.put("SET session_replication_role", "SET session_replication_role = replica");
        sql.put("UPDATE points_ledger", "UPDATE points_ledger SET delta = 1000000 WHERE user_id = " + user);
        sql.put("DELETE points_ledger", "DELETE FROM points_ledger WHERE user_id = " + user);
        sql.put("DELETE points_ledger as a compensation", "SELECT set_config('integrity.compensating_saga', saga_id::text, true)"
                + " FROM points_ledger WHERE saga_id IS NOT NULL ORDER BY id LIMIT 1;"
                + " DELETE FROM points_ledger WHERE saga_id::text = current_setting('integrity.compensating_saga')");
        sql.put("TRUNCATE points_ledger", "TRUNCATE points_ledger");
        sql.put("UPDATE saga_event_batches", "UPDATE saga_event_batches SET events = '[{\"type\": \"COMPLETED\"}]'");
        sql.put("DELETE saga_event_batches", "DELETE FROM saga_event_batches");
        sql.put("TRUNCATE saga_event_batches", "TRUNCATE saga_event_batches");
        sql.put("DELETE engine_secrets", "DELETE FROM engine_secrets");
        sql.put("DELETE referral_codes", "DELETE FROM referral_codes");
        sql.put("CREATE TABLE", "CREATE TABLE " + db.schema() + ".rt_table (id int)");
        sql.put("CREATE OR REPLACE FUNCTION", "CREATE OR REPLACE FUNCTION " + db.schema() + ".audit_field(p TEXT) RETURNS TEXT"
                + " LANGUAGE sql IMMUTABLE AS 'SELECT ''-'' '");
        sql.put("DROP TRIGGER", "DROP TRIGGER audit_log_append_only ON audit_log");
        return sql;
    }

    @Test
    void theRuntimeRoleCannotRewriteTheAuditTrailTheLedgerOrTheSagaLog() throws Exception {
        register("hal@example.org", register("ida@example.org", null).referralCode());
        assertThat(engine.cacheAdministration().invalidate(TestActors.OPERATOR, "user:*")).isPresent(); // an audit entry
        Map<String, String> refused = new LinkedHashMap<>();
        Map<String, String> asOwner = new LinkedHashMap<>();

        try (Connection runtime = asRuntimeRole(); Connection owner = asOwner()) {
            for (Map.Entry<String, String> e : rewrites().entrySet()) {
                refused.put(e.getKey(), attempt(runtime, e.getValue()).orElse("succeeded"));
                asOwner.put(e.getKey(), attempt(owner, e.getValue()).orElse("succeeded"));
            }
        }

        assertThat(refused).as("as the runtime role").allSatisfy((what, outcome) ->
                assertThat(outcome).as(what).startsWith(INSUFFICIENT_PRIVILEGE));
        assertThat(asOwner).as("as the owner (single login): allowed, or refused by a trigger only").allSatisfy((what, outcome) ->
                assertThat(outcome).as(what).doesNotStartWith(INSUFFICIENT_PRIVILEGE));
        AuditVerification audit = engine.audit().verify(TestActors.OPERATOR);
        assertThat(audit.intact()).isTrue();
    }

    /**
     * saga_events is a view over saga_event_batches (V16) that PostgreSQL cannot update: UPDATE and DELETE are refused
     * by the rewriter (55000) and TRUNCATE as "not a table" (42809) before any privilege is looked at, for every role.
     * The runtime role may only read it.
     */
    @Test
    void theSagaEventsViewIsReadOnlyToEveryoneAndOnlyReadableToTheRuntimeRole() throws Exception {
        try (Connection runtime = asRuntimeRole(); Connection owner = asOwner()) {
            for (Connection c : List.of(runtime, owner)) {
                assertThat(attempt(c, "UPDATE saga_events SET error = 'rewritten'")).hasValueSatisfying(s -> assertThat(s).startsWith("55000"));
                assertThat(attempt(c, "DELETE FROM saga_events")).hasValueSatisfying(s -> assertThat(s).startsWith("55000"));
                assertThat(attempt(c, "TRUNCATE saga_events")).hasValueSatisfying(s -> assertThat(s).startsWith("42809"));
            }
        }
        assertThat(queryLong("SELECT count(*) FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER']) p"
                + " WHERE has_table_privilege('" + role + "', '" + db.schema() + ".saga_events', p)")).as("privileges on saga_events").isEqualTo(1);
    }

    @Test
    void compensationFunctionsRefuseASagaThatIsNotBeingCompensated() throws Exception {
        RegistrationOutcome.Registered kim = register("kim@example.org", null);
        String saga = "(SELECT saga_id FROM points_ledger WHERE user_id = " + kim.userId() + " AND reason = 'signup')";
        String mark = "SELECT set_config('integrity.compensating_saga', " + saga + "::text, true)";
        String ledger = "SELECT compensate_ledger_entries(" + kim.userId() + ", " + saga + ")";
        String codes = "SELECT compensate_referral_codes(" + kim.userId() + ", " + saga + ")";
        long entries = queryLong("SELECT count(*) FROM points_ledger WHERE user_id = " + kim.userId());

        try (Connection runtime = asRuntimeRole()) {
            assertThat(attempt(runtime, ledger)).as("without the mark").hasValueSatisfying(s -> assertThat(s).startsWith(INSUFFICIENT_PRIVILEGE));
            assertThat(attempt(runtime, mark + ";" + ledger)).as("a completed saga")
                    .hasValueSatisfying(s -> assertThat(s).startsWith(INSUFFICIENT_PRIVILEGE).contains("is not being compensated"));
            assertThat(attempt(runtime, mark + ";" + codes)).as("its referral code")
                    .hasValueSatisfying(s -> assertThat(s).startsWith(INSUFFICIENT_PRIVILEGE).contains("is not being compensated"));
            assertThat(attempt(runtime, "UPDATE sagas SET status = 'COMPENSATING', finished_at = NULL WHERE id = " + saga + ";"
                    + mark + ";" + ledger)).as("a saga row set to COMPENSATING by hand, without COMPENSATION_STARTED in its log")
                    .hasValueSatisfying(s -> assertThat(s).startsWith(INSUFFICIENT_PRIVILEGE).contains("is not being compensated"));
        }
        assertThat(queryLong("SELECT count(*) FROM points_ledger WHERE user_id = " + kim.userId())).isEqualTo(entries);
    }

    @Test
    void theDecisionRecordListsTheGrantsTheFunctionMakes() throws SQLException, IOException {
        List<String> made = new ArrayList<>();
        try (Connection owner = asOwner(); Statement st = owner.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM grant_runtime_privileges('" + role + "')")) {
            while (rs.next()) {
                made.add(rs.getString(1).replace(db.schema() + ".", "integrity.").replace(" " + db.schema() + " ", " integrity ")
                        .replace(" " + db.schema(), " integrity").replace(role, "integrity_runtime") + ";");
            }
            owner.rollback();
        }
        String doc = Files.readString(DECISION, StandardCharsets.UTF_8);
        int start = doc.indexOf("<!-- grants:begin -->");
        int end = doc.indexOf("<!-- grants:end -->");
        assertThat(start).as(DECISION + " marks its GRANT list").isNotNegative();
        List<String> documented = doc.substring(start, end).lines().map(String::strip)
                .filter(l -> l.startsWith("GRANT") || l.startsWith("REVOKE")).toList();
        assertThat(documented).as("the GRANT list of " + DECISION + "; its new content:\n" + String.join("\n", made))
                .containsExactlyElementsOf(made);
    }
}
