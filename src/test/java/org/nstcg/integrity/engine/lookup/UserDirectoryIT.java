package org.nstcg.integrity.engine.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.dedup.MergeOutcome;
import org.nstcg.integrity.engine.lookup.UserMatch.Reason;
import org.nstcg.integrity.engine.referral.CrockfordBase32;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;

/** User search and details against real PostgreSQL, through the engine as the console and the bench use it. */
@IntegrityTest(perTest = true)
class UserDirectoryIT {

    private TestDatabase db;
    private IntegrityEngine engine;
    private RegistrationOutcome.Registered ada;
    private RegistrationOutcome.Registered grace;

    @BeforeEach
    void start(TestDatabase slice, IntegrityEngine started) {
        db = slice;
        engine = started;
        ada = register("ada@gmail.com", "Ada", "Lovelace", null);
        grace = register("grace@example.org", "Grace", "Hopper", ada.referralCode());
    }

    @Test
    void anAddressAsTypedFindsTheUserByItsNormalisedMailbox() {
        List<UserMatch> found = engine.users().search(TestActors.OPERATOR, "A.Da+x@GMail.com", 50);

        assertThat(found).first().satisfies(m -> {
            assertThat(m.id()).isEqualTo(ada.userId());
            assertThat(m.reason()).isEqualTo(Reason.EMAIL);
            assertThat(m.why()).contains("ada@gmail.com");
            assertThat(m.email()).isEqualTo("ada@gmail.com");
            assertThat(m.name()).isEqualTo("Ada Lovelace");
            assertThat(m.status()).isEqualTo("active");
        });
        assertThat(engine.users().search(TestActors.OPERATOR, "ada@gmail.com", 50)).extracting(UserMatch::id).containsExactly(ada.userId());
    }

    @Test
    void theBeginningOfAMailboxFindsIt() {
        assertThat(engine.users().search(TestActors.OPERATOR, "grace@ex", 50)).extracting(UserMatch::id, UserMatch::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(grace.userId(), Reason.EMAIL_PREFIX));
    }

    @Test
    void aNamePrefixFindsByFirstNameLastNameOrBoth() {
        assertThat(engine.users().search(TestActors.OPERATOR, "ad", 50)).extracting(UserMatch::id).containsExactly(ada.userId());
        assertThat(engine.users().search(TestActors.OPERATOR, "LOVE", 50)).extracting(UserMatch::id).containsExactly(ada.userId());
        assertThat(engine.users().search(TestActors.OPERATOR, "ada lov", 50)).extracting(UserMatch::id).containsExactly(ada.userId());
        assertThat(engine.users().search(TestActors.OPERATOR, "hopper grace", 50)).extracting(UserMatch::id).containsExactly(grace.userId());
        assertThat(engine.users().search(TestActors.OPERATOR, "ada hopper", 50)).isEmpty();
        assertThat(engine.users().search(TestActors.OPERATOR, "ada", 50)).first().extracting(UserMatch::reason).isEqualTo(Reason.NAME);
    }

    @Test
    void likeWildcardsInTheQueryAreTakenLiterally() {
        assertThat(engine.users().search(TestActors.OPERATOR, "%", 50)).isEmpty();
        assertThat(engine.users().search(TestActors.OPERATOR, "_da", 50)).isEmpty();
    }

    @Test
    void aReferralCodeIsFoundWhateverItsCaseAndPrefix() {
        String code = ada.referralCode();
        String identity = code.substring(code.length() - 9);

        assertThat(engine.users().search(TestActors.OPERATOR, code.toLowerCase(), 50)).extracting(UserMatch::id, UserMatch::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ada.userId(), Reason.REFERRAL_CODE));
        assertThat(engine.users().search(TestActors.OPERATOR, "ZZZZ-" + identity, 50)).extracting(UserMatch::id).containsExactly(ada.userId());
        assertThat(engine.users().search(TestActors.OPERATOR, identity, 50)).extracting(UserMatch::id).containsExactly(ada.userId());
    }

    @Test
    void aMistypedReferralCodeFindsTheUserItWasMeantFor() {
        String code = ada.referralCode();
        int at = code.length() - 5; // a body symbol
        char wrong = code.charAt(at) == 'K' ? 'M' : 'K';
        String substituted = code.substring(0, at) + wrong + code.substring(at + 1);
        String swapped = code.substring(0, at) + code.charAt(at + 1) + code.charAt(at) + code.substring(at + 2);
        String missing = code.substring(0, at) + code.substring(at + 1);

        List<UserMatch> found = engine.users().search(TestActors.OPERATOR, substituted, 50);

        assertThat(found).extracting(UserMatch::id).containsExactly(ada.userId());
        assertThat(found.get(0).reason()).isEqualTo(Reason.CORRECTED_REFERRAL_CODE);
        assertThat(found.get(0).why()).contains(code).contains(substituted);
        if (code.charAt(at) != code.charAt(at + 1)) {
            assertThat(engine.users().search(TestActors.OPERATOR, swapped, 50)).extracting(UserMatch::id).contains(ada.userId());
        }
        assertThat(engine.users().search(TestActors.OPERATOR, missing, 50)).extracting(UserMatch::id).contains(ada.userId());
        assertThat(CrockfordBase32.value(wrong)).isNotNegative();
    }

    @Test
    void aUserIdFindsThatUser() {
        assertThat(engine.users().search(TestActors.OPERATOR, "#" + grace.userId(), 50)).extracting(UserMatch::id, UserMatch::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(grace.userId(), Reason.USER_ID));
    }

    @Test
    void theLimitIsRespected() {
        for (int i = 0; i < 6; i++) {
            register("barbara" + i + "@example.org", "Barbara", "Liskov" + i, null);
        }

        assertThat(engine.users().search(TestActors.OPERATOR, "barbara", 4)).hasSize(4);
        assertThat(engine.users().search(TestActors.OPERATOR, "barbara", 50)).hasSize(6);
        assertThat(engine.users().search(TestActors.OPERATOR, "barb", 0)).hasSize(1);
        assertThat(engine.users().search(TestActors.OPERATOR, "   ", 50)).isEmpty();
    }

    @Test
    void namesAndMailboxesAreSearchedThroughIndexesNotAScan() throws Exception {
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("SET search_path = " + db.schema());
            st.execute("SET enable_seqscan = off");
            assertThat(plan(st, "SELECT id FROM users u WHERE lower(u.first_name) COLLATE \"C\" LIKE 'ad%'"
                    + " ORDER BY lower(u.first_name) COLLATE \"C\", lower(u.last_name) COLLATE \"C\", u.id LIMIT 50"))
                    .contains("users_name_search_ix").doesNotContain("Sort");
            assertThat(plan(st, "SELECT id FROM users u WHERE u.last_name IS NOT NULL AND lower(u.last_name) COLLATE \"C\" LIKE 'lov%'"
                    + " ORDER BY lower(u.last_name) COLLATE \"C\", u.id LIMIT 50")).contains("users_last_name_search_ix");
            assertThat(plan(st, "SELECT id FROM users u WHERE u.email_normalized COLLATE \"C\" LIKE 'ada%'"
                    + " ORDER BY u.email_normalized COLLATE \"C\", u.id LIMIT 50")).contains("users_email_normalized_prefix_ix");
        }
    }

    @Test
    void detailsShowProfileLedgerReferralsSagasAndAudit() {
        MergeOutcome merged = engine.dedup().merges().merge(ada.userId(), register("ada.l@outlook.com", "Ada", "L", null).userId(),
                Actor.operator("support"), "same person");
        assertThat(merged).isInstanceOf(MergeOutcome.Merged.class);

        UserDetails d = engine.users().details(TestActors.OPERATOR, ada.userId()).orElseThrow();

        assertThat(d.profile().name()).isEqualTo("Ada Lovelace");
        assertThat(d.profile().emailNormalized()).isEqualTo("ada@gmail.com");
        assertThat(d.profile().codes()).extracting(UserDetails.CodeRef::kind).contains("primary", "alias");
        assertThat(d.referees()).extracting(UserDetails.UserRef::id).containsExactly(grace.userId());
        assertThat(d.refereeTotal()).isEqualTo(1);
        assertThat(d.ledger()).isNotEmpty();
        assertThat(d.ledger().stream().mapToInt(UserDetails.LedgerEntry::delta).sum()).isEqualTo(d.profile().points());
        assertThat(d.ledgerTotal()).isEqualTo(d.ledger().size());
        assertThat(d.merges()).hasSize(1);
        assertThat(d.sagas()).extracting(UserDetails.SagaTouch::how)
                .anyMatch(h -> h.equals("registration of ada@gmail.com"))
                .anyMatch(h -> h.startsWith("merge of user"))
                .anyMatch(h -> h.contains("referred by this user"));
        assertThat(d.audit()).extracting(UserDetails.AuditLine::action).contains("user.merge");
        assertThat(d.liveMerge()).isEmpty();

        UserDetails g = engine.users().details(TestActors.OPERATOR, grace.userId()).orElseThrow();
        assertThat(g.referrer()).map(UserDetails.UserRef::id).contains(ada.userId());
        assertThat(engine.users().details(TestActors.OPERATOR, -1)).isEmpty();
    }

    @Test
    void aMergedUserShowsTheMergeUnmergeWouldUndo() {
        long dup = register("ada.l@outlook.com", "Ada", "L", null).userId();
        engine.dedup().merges().merge(ada.userId(), dup, Actor.operator("support"), null);

        UserDetails d = engine.users().details(TestActors.OPERATOR, dup).orElseThrow();

        assertThat(d.profile().status()).isEqualTo("merged");
        assertThat(d.profile().mergedInto()).contains(ada.userId());
        assertThat(d.liveMerge()).map(UserDetails.MergeRef::survivorId).contains(ada.userId());
        assertThat(engine.users().search(TestActors.OPERATOR, "ada.l@outlook.com", 50)).first().extracting(UserMatch::status).isEqualTo("merged");
    }

    private static String plan(Statement st, String sql) throws Exception {
        StringBuilder out = new StringBuilder();
        try (ResultSet rs = st.executeQuery("EXPLAIN " + sql)) {
            while (rs.next()) {
                out.append(rs.getString(1)).append('\n');
            }
        }
        return out.toString();
    }

    private RegistrationOutcome.Registered register(String email, String first, String last, String code) {
        RegistrationOutcome o = engine.registration().register(new RegistrationRequest(email, first, last, code));
        assertThat(o).isInstanceOf(RegistrationOutcome.Registered.class);
        return (RegistrationOutcome.Registered) o;
    }
}
