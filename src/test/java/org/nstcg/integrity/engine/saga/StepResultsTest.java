package org.nstcg.integrity.engine.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.dedup.MergeSaga;
import org.nstcg.integrity.engine.registration.RegistrationSaga;
import org.nstcg.integrity.engine.store.MergeStore.CodeKind;
import org.nstcg.integrity.engine.store.RegistrationStore;
import org.nstcg.integrity.engine.store.RegistrationStore.CreatedUser;
import org.nstcg.integrity.engine.store.RegistrationStore.ReferralBonus;
import org.nstcg.integrity.engine.store.RegistrationStore.SignupPoints;

/**
 * Typed step results: the records read the JSON the saga log holds (as the SQL steps build it, and as sagas logged
 * before results were typed), write the same shapes, and are handed out by key.
 */
class StepResultsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ResultCodec codec = new ResultCodec(JSON);

    private Object read(StepKey<?> key, String json) throws Exception {
        return codec.read(key, JSON.readTree(json));
    }

    @Test
    void theRegistrationStatementsJsonReadsAsTheirRecords() throws Exception {
        assertThat(read(StepKey.of("CreateUser", CreatedUser.class), "{\"userId\": 42, \"referralCode\": \"ABCD-123456789\"}"))
                .isEqualTo(new CreatedUser(42, "ABCD-123456789"));
        assertThat(read(StepKey.of("CreateGamificationProfile", SignupPoints.class), "{\"points\": 10}")).isEqualTo(new SignupPoints(10));
        StepKey<ReferralBonus> bonus = StepKey.of("ProcessReferralBonus", ReferralBonus.class);
        assertThat(read(bonus, "{}")).isEqualTo(new ReferralBonus(null, null));
        assertThat(read(bonus, "{\"bonus\": \"REFERRER_NOT_ACTIVE\"}"))
                .isEqualTo(new ReferralBonus(RegistrationStore.Bonus.REFERRER_NOT_ACTIVE, null));
        assertThat(read(bonus, "{\"bonus\": \"PAID\", \"referrerId\": 7}")).isEqualTo(new ReferralBonus(RegistrationStore.Bonus.PAID, 7L));
        assertThat(((ReferralBonus) read(bonus, "{\"bonus\": \"PAID\", \"referrerId\": 7}")).referrer()).contains(7L);
    }

    @Test
    void javaStepsWriteTheShapesTheLogHeldBeforeAndReadThemBack() throws Exception {
        Map<Object, String> logged = new LinkedHashMap<>();
        logged.put(new RegistrationSaga.Reserved(true), "{\"reserved\":true}");
        logged.put(new MergeSaga.Recorded(3, "dee@example.org"), "{\"mergeId\":3,\"mergedMailbox\":\"dee@example.org\"}");
        logged.put(new MergeSaga.RepointedCodes(List.of(new CodeKind("DEEE-123456789", "primary"))),
                "{\"codes\":[{\"code\":\"DEEE-123456789\",\"kind\":\"primary\"}]}");
        logged.put(new MergeSaga.RepointedReferrals(2), "{\"referrals\":2}");
        logged.put(new MergeSaga.MovedAndMarked(3, 35, 1, List.of(8L, 9L)),
                "{\"mergeId\":3,\"points\":35,\"referralCount\":1,\"referrals\":[8,9]}");
        for (Map.Entry<Object, String> e : logged.entrySet()) {
            JsonNode written = codec.write(e.getKey());
            // compared as the log stores it, as text (a long and an int of one value are different nodes)
            assertThat(JSON.readTree(JSON.writeValueAsString(written))).as(e.getKey().toString()).isEqualTo(JSON.readTree(e.getValue()));
            assertThat(codec.read(StepKey.of("Step", e.getKey().getClass()), written)).isEqualTo(e.getKey());
        }
    }

    @Test
    void noResultIsJsonNullAndAFieldTheRecordDoesNotKnowIsIgnored() throws Exception {
        assertThat(codec.write(null).isNull()).isTrue();
        assertThat(read(StepKey.of("UpdateCache"), "null")).isNull();
        assertThat(read(StepKey.of("UpdateCache"), "{\"stale\": 3}")).isNull();
        assertThat(read(StepKey.of("CreateUser", CreatedUser.class), "null")).isNull();
        assertThat(read(StepKey.of("CreateUser", CreatedUser.class), "{\"userId\": 1, \"referralCode\": \"X\", \"later\": true}"))
                .isEqualTo(new CreatedUser(1, "X"));
    }

    @Test
    void aContextHandsEarlierResultsOutByKeyAndRefusesAStepThatDidNotComplete() {
        StepKey<CreatedUser> user = StepKey.of("CreateUser", CreatedUser.class);
        StepKey<Void> cache = StepKey.of("UpdateCache");
        StepKey<SignupPoints> profile = StepKey.of("CreateGamificationProfile", SignupPoints.class);
        Map<String, Object> done = new LinkedHashMap<>();
        done.put(user.name(), new CreatedUser(5, "C"));
        done.put(cache.name(), null);
        StepContext ctx = new StepContext(UUID.randomUUID(), "Next", new StepResults(done), java.time.Instant.now(),
                java.time.Clock.systemUTC());

        assertThat(ctx.result(user).userId()).isEqualTo(5);
        assertThat(ctx.result(cache)).isNull();
        assertThat(ctx.findResult(profile)).isEqualTo(Optional.empty());
        assertThatThrownBy(() -> ctx.result(profile)).isInstanceOf(IllegalStateException.class)
                .hasMessage("step CreateGamificationProfile has no recorded result");
    }

    @Test
    void aRefusalIsReadAsTheSagasOwnReason() {
        SagaOutcome.Compensated refused = new SagaOutcome.Compensated(UUID.randomUUID(), "ReserveEmail",
                Optional.of(new SagaOutcome.Refusal(RegistrationSaga.Refusal.IN_PROGRESS, "held")), "rejected: in_progress: held", false);
        assertThat(refused.rejection(RegistrationSaga.Refusal.class)).contains(RegistrationSaga.Refusal.IN_PROGRESS);
        assertThat(refused.rejection(MergeSaga.Refusal.class)).isEmpty();
        assertThat(refused.<String>match(c -> "completed", c -> "compensated", n -> "attention", t -> "taken")).isEqualTo("compensated");
    }
}
