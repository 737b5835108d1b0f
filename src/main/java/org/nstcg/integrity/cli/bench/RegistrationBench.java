package org.nstcg.integrity.cli.bench;

import java.time.Duration;
import java.util.Optional;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;

/**
 * The registration path against a raw JDBC baseline, in one run, on one database.
 *
 * <p>The baseline writes the rows a registration consists of (user with its referral code registry row, gamification
 * profile, signup ledger entry, "user registered" outbox event) with plain JDBC in one transaction, {@code INSERT … ON CONFLICT DO NOTHING}, with pre-made codes and no
 * validation, guard or cache work. The measured path is {@code RegistrationService.register} exactly as the
 * CLI and console call it. Both run from the same number of client threads over the same connection pool.
 */
public final class RegistrationBench {

    /** Figures of one run. */
    public record Result(int clients, Duration duration, LatencySummary baseline, LatencySummary registration) {
        public double ratio() {
            return baseline.perSecond() == 0 ? 0 : registration.perSecond() / baseline.perSecond();
        }
    }

    private final IntegrityEngine engine;

    public RegistrationBench(IntegrityEngine engine) {
        this.engine = engine;
    }

    public Result run(int clients, Duration duration, Duration warmup) throws Exception {
        Jdbc ds = engine.database().jdbc();
        AtomicLong codes = new AtomicLong();
        LoadRunner.run(clients, warmup, (c, n) -> baselineInsert(ds, "warm" + c + "-" + n, codes.incrementAndGet()));
        LoadRunner.run(clients, warmup, (c, n) -> registerFresh(engine, "warmreg" + c + "-" + n));
        LatencySummary[] measured = LoadRunner.alternate(clients, duration,
                (c, n) -> baselineInsert(ds, "base" + c + "-" + n, codes.incrementAndGet()),
                (c, n) -> registerFresh(engine, "reg" + c + "-" + n));
        return new Result(clients, duration, measured[0], measured[1]);
    }

    /**
     * Figures of a hot-referrer run: registrations that each name a referral code, uniformly spread over many
     * referrers or all naming one, alternating slices in one run.
     */
    public record HotReferrerResult(int clients, Duration duration, int referrers, LatencySummary uniform, LatencySummary hot,
                                    List<LatencySummary> uniformSlices, List<LatencySummary> hotSlices) {
        /** Hot rate over uniform rate. */
        public double hotReferrerRatio() {
            return uniform.perSecond() == 0 ? 0 : hot.perSecond() / uniform.perSecond();
        }
    }

    /** Referrers the uniform path spreads its registrations over. */
    public static final int UNIFORM_REFERRERS = 1000;

    /**
     * Every registration names a referral code: in the uniform path one of {@link #UNIFORM_REFERRERS} referrers at
     * random, in the hot path always the same one, which gathers every bonus of its slices (and a growing ledger).
     */
    public HotReferrerResult runHotReferrer(int clients, Duration duration, Duration warmup) throws Exception {
        List<String> codes = new ArrayList<>(UNIFORM_REFERRERS);
        for (int i = 0; i < UNIFORM_REFERRERS; i++) {
            RegistrationOutcome o = engine.registration().register(
                    new RegistrationRequest("referrer" + i + "@bench.example.org", "Bench", "Referrer", null));
            if (!(o instanceof RegistrationOutcome.Registered r)) {
                throw new IllegalStateException("benchmark referrer " + i + " came back " + o);
            }
            codes.add(r.referralCode());
        }
        String hotCode = codes.get(0);
        LoadRunner.run(clients, warmup, (c, n) -> registerReferred(engine, "warmuni" + c + "-" + n, codes.get(random(codes.size()))));
        LoadRunner.run(clients, warmup, (c, n) -> registerReferred(engine, "warmhot" + c + "-" + n, hotCode));
        LoadRunner.Sliced s = LoadRunner.alternateSlices(clients, duration,
                (c, n) -> registerReferred(engine, "uni" + c + "-" + n, codes.get(random(codes.size()))),
                (c, n) -> registerReferred(engine, "hot" + c + "-" + n, hotCode));
        return new HotReferrerResult(clients, duration, codes.size(), s.a(), s.b(), s.aSlices(), s.bSlices());
    }

    private static int random(int bound) {
        return java.util.concurrent.ThreadLocalRandom.current().nextInt(bound);
    }

    /** Registers a fresh mailbox referred by {@code code}; anything but a credited registration aborts the run. */
    static void registerReferred(IntegrityEngine engine, String local, String code) {
        RegistrationOutcome outcome = engine.registration().register(
                new RegistrationRequest(local + "@bench.example.org", "Bench", "Runner", code));
        if (!(outcome instanceof RegistrationOutcome.Registered r) || r.referral() != RegistrationOutcome.Referral.CREDITED) {
            throw new IllegalStateException("benchmark registration of " + local + " with code " + code + " came back " + outcome);
        }
    }

    /** Registers the fresh mailbox {@code <local>@bench.example.org} exactly as the faces do; anything but Registered aborts the run. */
    static void registerFresh(IntegrityEngine engine, String local) {
        RegistrationOutcome outcome = engine.registration().register(
                new RegistrationRequest(local + "@bench.example.org", "Bench", "Runner", null));
        if (!(outcome instanceof RegistrationOutcome.Registered)) {
            throw new IllegalStateException("benchmark registration of " + local + " came back " + outcome);
        }
    }

    private static void baselineInsert(Jdbc jdbc, String local, long codeNumber) {
        String email = local + "@baseline.example.org";
        jdbc.transact("insert a baseline user", tx -> {
            Optional<Long> inserted = tx.first("INSERT INTO users (email, email_normalized, referral_code, first_name,"
                    + " last_name) VALUES (?, ?, ?, 'Bench', 'Runner') ON CONFLICT DO NOTHING RETURNING id",
                    r -> r.getLong(1), email, email, String.format("BASE%09d", codeNumber));
            if (inserted.isEmpty()) {
                return;
            }
            long id = inserted.get();
            tx.update("INSERT INTO gamification_profiles (user_id, points, referral_count) VALUES (?, 0, 0) ON CONFLICT DO NOTHING", id);
            tx.update("INSERT INTO points_ledger (user_id, delta, reason, idempotency_key)"
                    + " VALUES (?, 10, 'signup', ?) ON CONFLICT DO NOTHING", id, "signup:" + id);
            tx.update("INSERT INTO outbox_events (aggregate_type, aggregate_id, event_type, payload,"
                    + " dedup_key) VALUES ('user', ?, 'user.registered', jsonb_build_object('userId', ?::bigint), ?) ON CONFLICT DO NOTHING",
                    Long.toString(id), id, "user.registered:" + id);
        });
    }
}
