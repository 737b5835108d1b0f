package org.nstcg.integrity.cli.bench;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.cache.CacheInvalidator;
import org.nstcg.integrity.engine.cache.RedisConnection;
import org.nstcg.integrity.engine.referral.Blocklist;
import org.nstcg.integrity.engine.referral.FeistelPermutation;
import org.nstcg.integrity.engine.referral.ReferralCodeGenerator;
import org.nstcg.integrity.engine.registration.RegistrationService;
import org.nstcg.integrity.engine.store.EngineSecrets;
import org.nstcg.integrity.engine.store.NewRegistration;
import org.nstcg.integrity.engine.store.RegistrationStore;
import org.nstcg.integrity.engine.store.StepStatement;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.store.Tx;
import redis.clients.jedis.params.SetParams;

/**
 * What the saga machinery costs: the registration saga against the same work done in one plain transaction with
 * no saga log, in one run, on one database, from the same number of client threads.
 *
 * <p>The plain path does what the saga's steps do, minus the log: reserve the mailbox in Redis
 * ({@code SET NX PX}), then on one connection with autocommit off insert the user (with a referral code from the
 * same generator, key and sequence), the profile with its signup ledger entry and the outbox event, running the
 * very {@link RegistrationStore} step statements the saga runs, composed into one statement as the saga composes
 * them (with a random UUID where the saga id goes), commit once, then invalidate the same cache keys and release the reservation (compare-and-delete). No validation, no
 * referral look-up, no compensation: that is what the saga adds, together with its event log, its fenced step
 * commits and its lease.
 */
public final class SagaBench {

    /** Releases the reservation only if it is still ours (the saga's release does the same). */
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final String RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";
    private static final Duration RESERVATION_TTL = Duration.ofSeconds(30);
    private static final List<String> STALE_AFTER_SIGNUP = List.of("count:users", "leaderboard:referrers");

    /**
     * Figures of one run.
     *
     * @param plain the one-transaction baseline
     * @param saga  {@code RegistrationService.register}, which runs the registration saga
     */
    public record Result(int clients, Duration duration, LatencySummary plain, LatencySummary saga) {

        /** The saga's cost: its mean latency over the plain transaction's (1.0 = free, lower is better). */
        public double costRatio() {
            return plain.meanMillis() == 0 ? 0 : saga.meanMillis() / plain.meanMillis();
        }

        /** The same seen as throughput: plain operations/s over saga operations/s. */
        public double throughputRatio() {
            return saga.perSecond() == 0 ? 0 : plain.perSecond() / saga.perSecond();
        }
    }

    private final IntegrityEngine engine;
    private final Jdbc jdbc;
    private final RedisConnection redis;
    private final RegistrationStore store;
    private final ReferralCodeGenerator codes;
    private final CacheInvalidator cache;

    public SagaBench(IntegrityEngine engine) {
        this.engine = engine;
        this.jdbc = engine.database().jdbc();
        this.redis = engine.redis();
        this.store = new RegistrationStore(jdbc);
        this.codes = new ReferralCodeGenerator(new FeistelPermutation(EngineSecrets.getOrCreate(engine.database().jdbc(), "referral-key")),
                Blocklist.builtIn(), engine.config().referralPrefix());
        this.cache = engine.cache().coordinator();
    }

    public Result run(int clients, Duration duration, Duration warmup) throws Exception {
        LoadRunner.run(clients, warmup, (c, n) -> plain("warmplain" + c + "-" + n));
        LoadRunner.run(clients, warmup, (c, n) -> RegistrationBench.registerFresh(engine, "warmsaga" + c + "-" + n));
        LatencySummary[] measured = LoadRunner.alternate(clients, duration,
                (c, n) -> plain("plain" + c + "-" + n),
                (c, n) -> RegistrationBench.registerFresh(engine, "saga" + c + "-" + n));
        return new Result(clients, duration, measured[0], measured[1]);
    }

    /** Runs one step's statement, as the saga would but without its bookkeeping, and returns its result. */
    private static com.fasterxml.jackson.databind.JsonNode run(Tx tx, StepStatement step) {
        try {
            return JSON.readTree(step.result(tx));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void plain(String local) {
        String mailbox = local + "@bench.example.org";
        String reservation = redis.key("reserve:email:" + mailbox);
        String token = UUID.randomUUID().toString();
        Optional<String> reserved = redis.tryCall(r -> r.set(reservation, token, SetParams.setParams().nx().px(RESERVATION_TTL.toMillis())));
        if (reserved.isEmpty() && !redis.isDown()) {
            throw new IllegalStateException("the fresh mailbox " + mailbox + " was already reserved");
        }
        UUID notASaga = UUID.randomUUID();
        jdbc.transact("register a baseline user", tx -> {
            String code = codes.next(() -> store.nextReferralSequenceValue(tx), "Bench").text();
            run(tx, StepStatement.composed(List.of(
                    store.createUserStatement(new NewRegistration(mailbox, mailbox, "Bench", Optional.of("Runner"),
                            Optional.empty(), RegistrationService.SIGNUP_POINTS, RegistrationService.REFERRAL_BONUS), code, notASaga),
                    store.createProfileStatement(RegistrationService.SIGNUP_POINTS, notASaga),
                    store.bonusAndEventStatement(Optional.empty(), mailbox, RegistrationService.REFERRAL_BONUS, notASaga))));
        });
        cache.afterCommit(STALE_AFTER_SIGNUP);
        redis.tryCall(r -> r.eval(RELEASE, List.of(reservation), List.of(token)));
    }
}
