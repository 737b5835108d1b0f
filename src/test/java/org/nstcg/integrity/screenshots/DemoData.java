package org.nstcg.integrity.screenshots;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.account.Role;
import org.nstcg.integrity.engine.account.Session;
import org.nstcg.integrity.engine.cache.DivergenceReport;
import org.nstcg.integrity.engine.dedup.MergeOutcome;
import org.nstcg.integrity.engine.integrity.CheckRun;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.engine.saga.SagaDefinition;
import org.nstcg.integrity.engine.saga.SagaStore;
import org.nstcg.integrity.engine.saga.SagaOrchestrator;
import org.nstcg.integrity.engine.saga.SagaOutcome;
import org.nstcg.integrity.engine.saga.StepKey;
import org.nstcg.integrity.engine.saga.SagaRegistry;
import org.nstcg.integrity.engine.saga.SagaSettings;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.TestAccounts;
import org.nstcg.integrity.support.TestActors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small platform worth looking at, made through the engine as the real one would be: registrations with referral
 * chains, a legacy import with a held duplicate, a likely-duplicate pair, a merged pair, a saga rolled back and one
 * that needs attention, cache samples with some divergence, integrity findings from a check run, and the three
 * console accounts. A few rows are then damaged with SQL (as {@code FindAndRepairIT} does) so that checks, repairs
 * and the cache have something to show.
 */
final class DemoData {

    private static final Logger log = LoggerFactory.getLogger(DemoData.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The data of the demo's own saga type. */
    public record NewsletterData(String mailbox, boolean undoBroken) {
    }

    /**
     * A saga type of the demo's own: subscribing a mailbox to the newsletter, whose welcome email always fails.
     * With {@code undoBroken} its compensation fails too, which leaves it FAILED_NEEDS_ATTENTION.
     */
    /** What the newsletter's first step records. */
    public record Subscribed(String subscribed) {
    }

    private static final SagaDefinition<NewsletterData> NEWSLETTER = SagaDefinition.builder("newsletter-signup", NewsletterData.class)
            .local(StepKey.of("SubscribeMailbox", Subscribed.class), (ctx, d, tx) -> {
                tx.singleLong("SELECT 1");
                return new Subscribed(d.mailbox());
            }, (ctx, d, result, tx) -> {
                if (d.undoBroken()) {
                    throw new IllegalStateException("the mailing-list service answered 503 to the unsubscribe");
                }
            })
            .local(StepKey.of("SendWelcomeEmail"), (ctx, d, tx) -> {
                throw new IllegalStateException("the SMTP relay refused the connection");
            }, null)
            .build();

    private static final String[][] PEOPLE = {
            {"ada.lovelace@gmail.com", "Ada", "Lovelace"},
            {"grace.hopper@gmail.com", "Grace", "Hopper"},
            {"alan.turing@outlook.com", "Alan", "Turing"},
            {"katherine.johnson@icloud.com", "Katherine", "Johnson"},
            {"margaret@hamilton.example.org", "Margaret", "Hamilton"},
            {"edsger.dijkstra@fastmail.com", "Edsger", "Dijkstra"},
            {"barbara.liskov@proton.me", "Barbara", "Liskov"},
            {"don.knuth@stanford.example.edu", "Donald", "Knuth"},
            {"frances.allen@yahoo.com", "Frances", "Allen"},
            {"radia.perlman@gmail.com", "Radia", "Perlman"},
            {"hedy.lamarr@outlook.com", "Hedy", "Lamarr"},
            {"claude.shannon@bell.example.com", "Claude", "Shannon"},
            {"annie.easley@nasa.example.gov", "Annie", "Easley"},
            {"dorothy.vaughan@gmail.com", "Dorothy", "Vaughan"},
            {"ken.thompson@bell.example.com", "Ken", "Thompson"},
            {"dennis.ritchie@bell.example.com", "Dennis", "Ritchie"},
            {"sophie.wilson@acorn.example.co.uk", "Sophie", "Wilson"},
            {"john.backus@ibm.example.com", "John", "Backus"},
            {"jean.bartik@eniac.example.org", "Jean", "Bartik"},
            {"tim.bl@w3.example.org", "Tim", "Berners-Lee"},
            {"jane.doe@gmail.com", "Jane", "Doe"},
    };

    private final IntegrityEngine engine;
    private final List<Long> userIds = new ArrayList<>();
    private final List<String> codes = new ArrayList<>();

    private DemoData(IntegrityEngine engine) {
        this.engine = engine;
    }

    /** Seeds everything; the administrator's session is returned for the console. */
    static Session seed(IntegrityEngine engine) throws Exception {
        return new DemoData(engine).seed();
    }

    private Session seed() throws Exception {
        Session admin = TestAccounts.signIn(engine, Role.ADMINISTRATOR);
        Session support = TestAccounts.signIn(engine, Role.SUPPORT);
        Session operator = TestAccounts.signIn(engine, Role.OPERATOR);

        registerPeople();
        importLegacyUsers(admin.authorize(Permission.MERGE_USERS));
        mergeADuplicate(Actor.of(support));
        runDemoSagas();
        fillAndStaleTheCache();
        damageSomeRows();
        CheckRun run = engine.checks().run(Actor.of(operator), List.of(), ProgressListener.NONE);
        log.info("Demo data: {} users registered; duplicates {} exact, {} likely; check findings {}", userIds.size(),
                engine.dedup().duplicates().exact(TestActors.OPERATOR, 0, 50).size(), engine.dedup().duplicates().likely(TestActors.OPERATOR, 0, 50).size(),
                run.results().stream().filter(r -> r.totalFindings() > 0).map(r -> r.name() + "=" + r.totalFindings()).toList());
        return admin;
    }

    /** Everyone after the first four is referred by someone registered before (chains of two and three). */
    private void registerPeople() {
        for (int i = 0; i < PEOPLE.length; i++) {
            String referral = i < 4 ? null : codes.get(i < 12 ? i % 4 : i - 8);
            register(PEOPLE[i][0], PEOPLE[i][1], PEOPLE[i][2], referral);
        }
        // The same person with another provider: a likely duplicate the Duplicates screen finds.
        register("janedoe@outlook.com", "Jane", "Doe", null);
        // Grace again with another mailbox, merged into the first below.
        register("ghopper@yahoo.com", "Grace", "Hopper", codes.get(0));
    }

    private void register(String email, String first, String last, String referral) {
        RegistrationOutcome o = engine.registration().register(new RegistrationRequest(email, first, last, referral));
        if (!(o instanceof RegistrationOutcome.Registered r)) {
            throw new IllegalStateException("demo registration of " + email + " failed: " + o);
        }
        userIds.add(r.userId());
        codes.add(r.referralCode());
    }

    /** Legacy users; Ada's mailbox with Gmail dots and a tag is held as an exact duplicate. */
    private void importLegacyUsers(String actor) throws Exception {
        String csv = """
                email,first_name,last_name,referral_code,points,referred_by_code,created_at
                linus@kernel.example.org,Linus,Torvalds,,120,,2023-03-14T09:26:53Z
                Ada.Love.Lace+legacy@googlemail.com,Ada,Lovelace,,80,,2022-12-10T12:00:00Z
                whitfield.diffie@crypto.example.com,Whitfield,Diffie,,45,,2024-01-02T08:30:00Z
                """;
        var result = engine.dedup().importer().importCsv(new StringReader(csv), "legacy-users.csv", Actor.operator(actor), 3, ProgressListener.NONE);
        log.info("Demo import: {} imported, {} held", result.imported(), result.held());
    }

    private void mergeADuplicate(Actor actor) {
        long survivor = userIds.get(1);
        long duplicate = userIds.get(userIds.size() - 1);
        MergeOutcome o = engine.dedup().merges().merge(survivor, duplicate, actor, "Same person: Grace wrote in from both mailboxes");
        if (!(o instanceof MergeOutcome.Merged)) {
            throw new IllegalStateException("demo merge failed: " + o);
        }
    }

    /** One saga rolled back cleanly and one whose rollback failed too, so it needs attention. */
    private void runDemoSagas() {
        SagaSettings quick = SagaSettings.defaults().withBackoff(Duration.ofMillis(1), Duration.ofMillis(1));
        SagaOrchestrator demo = new SagaOrchestrator(new SagaStore(engine.database().jdbc(), JSON), new SagaRegistry(),
                "demo", quick, Clock.systemUTC(), d -> { }, engine.alerts());
        SagaOutcome rolledBack = demo.run(NEWSLETTER, "katherine.johnson@icloud.com",
                new NewsletterData("katherine.johnson@icloud.com", false));
        SagaOutcome stuck = demo.run(NEWSLETTER, "alan.turing@outlook.com", new NewsletterData("alan.turing@outlook.com", true));
        log.info("Demo sagas: {} and {}", rolledBack.getClass().getSimpleName(), stuck.getClass().getSimpleName());
    }

    /** Every user cached, then four rows changed behind the cache's back: the sampler sees them diverge. */
    private void fillAndStaleTheCache() throws Exception {
        for (long id : userIds) {
            engine.cache().user(id);
        }
        engine.cacheDivergence().sampleNow();
        sql("UPDATE gamification_profiles SET referral_count = referral_count WHERE user_id IN ("
                + userIds.get(2) + ", " + userIds.get(5) + ", " + userIds.get(8) + ", " + userIds.get(11) + ")");
        DivergenceReport report = engine.cacheDivergence().sampleNow();
        log.info("Demo cache sample: {}", report.patterns().stream().filter(p -> p.divergent() > 0)
                .map(p -> p.pattern() + " " + p.divergent() + " divergent").toList());
    }

    /** Points that no longer match the ledger and a wrong referral count, for the checks and repairs to find. */
    private void damageSomeRows() throws Exception {
        sql("ALTER TABLE gamification_profiles DISABLE TRIGGER USER",
                "UPDATE gamification_profiles SET points = points + 15 WHERE user_id = " + userIds.get(6),
                "ALTER TABLE gamification_profiles ENABLE TRIGGER USER",
                "UPDATE gamification_profiles SET referral_count = referral_count + 2 WHERE user_id = " + userIds.get(3));
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = engine.database().dataSource().getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            for (String s : statements) {
                st.execute(s);
            }
        }
    }
}
