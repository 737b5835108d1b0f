package org.nstcg.integrity.cli.bench;

import org.nstcg.integrity.engine.account.Actor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.store.Tx;
import org.nstcg.integrity.engine.integrity.BuiltInChecks;
import org.nstcg.integrity.engine.integrity.OverviewFigures;
import org.nstcg.integrity.engine.integrity.OverviewReader;
import org.nstcg.integrity.engine.lookup.UserDirectory;
import org.nstcg.integrity.engine.lookup.UserMatch;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.engine.saga.SagaRecord;
import org.nstcg.integrity.engine.support.Alert;
import org.nstcg.integrity.engine.support.ProgressListener;

/**
 * What the console's screens cost on a large platform, in one run on one pair of servers.
 *
 * <p>Setup, set-based SQL (no engine call): {@code users} users, 2% of them created in the last 24 hours and the rest
 * spread over the year before; one registration saga per user with the user's creation time and six saga events
 * (about 1% refused as already registered, 1% rolled back); seven days of divergence samples every 5 s for the four
 * key patterns (the sampler's default interval and retention); seven days of check runs every 15 minutes with a
 * result per built-in check; a few alerts. Then {@code VACUUM ANALYZE}, as autovacuum would have done on a long-lived
 * database.
 *
 * <ol>
 *   <li><b>Overview.</b> {@link OverviewReader#read()}, what every overview refresh runs, against the baseline
 *   {@code SELECT count(*) FROM users}; reads alternate with baseline reads so both see the same cache.</li>
 *   <li><b>User search.</b> {@link #searchFigures}: {@code UserDirectory.search} over four kinds of query against an
 *   exact mailbox look-up.</li>
 *   <li><b>Saga timeline.</b> {@code SagaService.show(id)} (the saga and its events, what the Sagas screen opens)
 *   against a primary-key look-up of the saga row alone, the same random ids, alternating.</li>
 * </ol>
 */
public final class ConsoleBench {

    /** Who the benchmark reads as: an operator, who may read everything. */
    private static final Actor BENCH = Actor.operator("bench");

    /** Events written per seeded saga: STARTED, four STEP_COMPLETED, COMPLETED (or COMPENSATED). */
    static final int EVENTS_PER_SAGA = 6;
    private static final int CHUNK = 200_000;
    private static final int OVERVIEW_WARMUP = 3;
    private static final int TIMELINE_WARMUP = 100;
    private static final int SEARCH_WARMUP = 100;
    /** Users registered through the engine for the mistyped-code searches. */
    static final int SEARCH_CODES = 100;

    /**
     * Latencies of one measured path.
     *
     * @param count operations timed
     */
    public record Timing(int count, double meanMillis, double p50Millis, double p95Millis, double maxMillis) {
        static Timing of(long[] nanos) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            double mean = sorted.length == 0 ? 0 : Arrays.stream(sorted).asDoubleStream().sum() / sorted.length / 1e6;
            return new Timing(sorted.length, mean, LatencySummary.percentile(sorted, 0.50), LatencySummary.percentile(sorted, 0.95),
                    sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
        }
    }

    /** A path against its baseline; the ratio is of their p95 latencies. */
    public record Paired(Timing measured, Timing baseline) {
        public double ratio() {
            return baseline.p95Millis() == 0 ? 0 : measured.p95Millis() / baseline.p95Millis();
        }
    }

    /**
     * What was seeded.
     *
     * @param sagaEvents saga event rows
     * @param samples    divergence sample rows
     * @param checkRuns  stored check runs
     * @param seconds    setup wall time, {@code VACUUM ANALYZE} included
     */
    public record Seeded(long users, long sagas, long sagaEvents, long samples, long checkRuns, double seconds) {
    }

    /**
     * @param overview      the overview read against {@code count(*)} of users
     * @param figures       the last overview read, to show that it saw the seeded data
     * @param search        user search against its baseline; empty until the search engine is wired in
     * @param timeline      a saga's timeline against a primary-key look-up
     */
    public record Result(Seeded seeded, Paired overview, OverviewFigures figures, Optional<Paired> search, Paired timeline) {
    }

    private final IntegrityEngine engine;
    private final Jdbc jdbc;

    public ConsoleBench(IntegrityEngine engine) {
        this.engine = engine;
        this.jdbc = engine.database().jdbc();
    }

    /**
     * @param users         users (and registration sagas) to create
     * @param overviewReads timed overview reads (and as many baseline reads)
     * @param reads         timed timeline and search reads (and as many baseline reads each)
     */
    public Result run(long users, int overviewReads, int reads, ProgressListener progress) throws Exception {
        Seeded seeded = seed(users, progress);
        progress.step(String.format("Timing %d overview reads against SELECT count(*) FROM users…", overviewReads));
        OverviewReader reader = engine.overview();
        OverviewFigures[] last = new OverviewFigures[1];
        Paired overview = alternate(overviewReads, OVERVIEW_WARMUP, i -> last[0] = reader.read(BENCH), i -> countUsers());
        progress.step("Timing user search…");
        Optional<Paired> search = searchFigures(users, reads, progress);
        progress.step(String.format("Timing %,d saga timelines against a primary-key look-up…", reads));
        Paired timeline = timeline(users, reads);
        return new Result(seeded, overview, last[0], search, timeline);
    }

    // Setup -------------------------------------------------------------------------------------------------------

    private Seeded seed(long n, ProgressListener progress) throws InterruptedException {
        long t0 = System.nanoTime();
        long recent = Math.max(1, n / 50);
        jdbc.read("seed the benchmark's data", st -> {
            st.update("SET synchronous_commit = off");
            // Refused sign-ups as three instances counted them, every minute of the last day (the overview's tile reads them).
            st.update("INSERT INTO signup_refusals (minute, instance, reason, refusals) SELECT date_trunc('minute', now())"
                    + " - make_interval(mins => m), 'bench-' || i, 'already_registered', 1 + m % 7 FROM generate_series(0, 1439) m,"
                    + " generate_series(1, 3) i");
            progress.step(String.format("Creating %,d users and their registration sagas…", n));
            for (long from = 1; from <= n; from += CHUNK) {
                long to = Math.min(n, from + CHUNK - 1);
                String range = "generate_series(" + from + ", " + to + ") g";
                String created = created(n, recent);
                st.update("INSERT INTO users (id, email, email_normalized, referral_code, first_name, last_name, created_at, updated_at)"
                        + " SELECT g, 'bench' || g || '@bench.example.org', 'bench' || g || '@bench.example.org',"
                        + " 'BENCH-' || lpad(g::text, 10, '0'), 'Bench', 'Runner ' || g, " + created + ", " + created + " FROM " + range);
                st.update("INSERT INTO sagas (id, saga_type, business_key, status, current_step, step_count, last_error, data,"
                        + " created_at, updated_at, finished_at)"
                        + " SELECT md5('saga' || g)::uuid, 'registration', 'bench' || g || '@bench.example.org',"
                        + " CASE WHEN g % 97 = 0 OR g % 101 = 0 THEN 'COMPENSATED' ELSE 'COMPLETED' END, 5, 5,"
                        + " CASE WHEN g % 97 = 0 THEN 'rejected: already_registered: the mailbox is registered'"
                        + " WHEN g % 101 = 0 THEN 'step award-referral-bonus failed: bench' END,"
                        + " jsonb_build_object('email', 'bench' || g || '@bench.example.org'),"
                        + " " + created + ", " + created + " + interval '40 milliseconds', " + created + " + interval '40 milliseconds'"
                        + " FROM " + range);
                st.update("INSERT INTO saga_event_batches (saga_id, first_seq, events, created_at)"
                        + " SELECT md5('saga' || g)::uuid, s, jsonb_build_array(jsonb_build_object('type',"
                        + " CASE WHEN s = 0 THEN 'STARTED' WHEN s < " + (EVENTS_PER_SAGA - 1)
                        + " THEN 'STEP_COMPLETED' WHEN g % 97 = 0 OR g % 101 = 0 THEN 'COMPENSATED' ELSE 'COMPLETED' END,"
                        + " 'step', CASE WHEN s BETWEEN 1 AND " + (EVENTS_PER_SAGA - 2) + " THEN 'step-' || s END,"
                        + " 'payload', CASE WHEN s = 1 THEN jsonb_build_object('userId', g) END)),"
                        + " " + created + " + s * interval '8 milliseconds'"
                        + " FROM " + range + ", generate_series(0, " + (EVENTS_PER_SAGA - 1) + ") s");
            }
            st.singleLong("SELECT setval(pg_get_serial_sequence('users', 'id'), " + Math.max(1, n) + ")");

            progress.step("Creating seven days of divergence samples and check runs…");
            st.update("INSERT INTO cache_divergence_samples (sampled_at, key_pattern, sampled, divergent, instance_id)"
                    + " SELECT t, p, CASE WHEN p IN ('user:*', 'referral:*') THEN 500 ELSE 1 END,"
                    + " CASE WHEN p = 'user:*' AND extract(epoch FROM t)::bigint % 7 = 0 THEN 1 ELSE 0 END, 'bench'"
                    + " FROM generate_series(now() - interval '7 days', now(), interval '5 seconds') t,"
                    + " unnest(ARRAY['user:*', 'referral:*', 'count:users', 'leaderboard']) p");
            st.update("INSERT INTO integrity_check_runs (started_at, finished_at, trigger, status, instance_id)"
                    + " SELECT t, t + interval '3 seconds', 'scheduled', CASE WHEN extract(hour FROM t)::int % 6 = 0 THEN 'failed' ELSE 'passed' END,"
                    + " 'bench' FROM generate_series(now() - interval '7 days', now(), interval '15 minutes') t ORDER BY t");
            String failing = BuiltInChecks.STUCK_SAGAS;
            st.update("INSERT INTO integrity_check_results (run_id, check_name, severity, status,"
                    + " findings_total, findings_stored, duration_ms) SELECT r.id, c.name, 'warning',"
                    + " CASE WHEN r.status = 'failed' AND c.name = ? THEN 'failed' ELSE 'passed' END,"
                    + " CASE WHEN r.status = 'failed' AND c.name = ? THEN 3 ELSE 0 END,"
                    + " CASE WHEN r.status = 'failed' AND c.name = ? THEN 3 ELSE 0 END, 40"
                    + " FROM integrity_check_runs r, unnest(?::text[]) c(name)", failing, failing, failing, Tx.texts(BuiltInChecks.NAMES));
            for (String table : new String[]{"users", "referral_codes", "sagas", "saga_event_batches", "cache_divergence_samples",
                    "integrity_check_runs", "integrity_check_results"}) {
                progress.step("VACUUM ANALYZE " + table + "…");
                st.update("VACUUM ANALYZE " + table);
            }
            return null;
        });
        Instant now = Instant.now();
        long before = engine.alertLog().latestId();
        for (int i = 0; i < 5; i++) {
            engine.alerts().raise(new Alert("warning", "bench.alert", "bench", "A benchmark alert (" + i + ").", now.minusSeconds(3600L * i)));
        }
        // The alert log writes in the background: wait (briefly) until the five are stored, as the overview reads them there.
        long until = System.nanoTime() + 10_000_000_000L;
        while (engine.alertLog().after(before, 10).size() < 5 && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        return new Seeded(n, n, n * EVENTS_PER_SAGA, count("cache_divergence_samples"), count("integrity_check_runs"),
                (System.nanoTime() - t0) / 1e9);
    }

    /** User {@code g}'s creation time: the newest {@code recent} users within the last day, the others over the year before. */
    private static String created(long n, long recent) {
        long older = Math.max(1, n - recent);
        return "(CASE WHEN g > " + (n - recent) + " THEN now() - (" + n + " - g) * (86400.0 / " + recent + ") * interval '1 second'"
                + " ELSE now() - interval '1 day' - (" + older + " - g) * (" + (364 * 86400.0) + " / " + older + ") * interval '1 second' END)";
    }

    private long count(String table) {
        return jdbc.read("count " + table, tx -> tx.singleLong("SELECT count(*) FROM " + table));
    }

    // (1) Overview ------------------------------------------------------------------------------------------------

    private long countUsers() {
        return count("users");
    }

    // (2) User search -----------------------------------------------------------------------------------------------

    /**
     * User search p95 against its baseline, on the seeded users ({@code bench<g>@bench.example.org}, first name
     * "Bench") plus {@value #SEARCH_CODES} users registered through the engine, so that their referral codes are real.
     * Four kinds of query take turns, as support staff type them: a mailbox typed with other capitals
     * ({@code Bench123@Bench.Example.ORG}), a mailbox beginning ({@code bench123456}), a common name matching every
     * seeded user ({@code Bench Runner}: the LIMIT must stop the scan early) and a referral code with one symbol
     * mistyped (the engine corrects it). Every answer is checked, so a fast wrong answer cannot pass. The baseline is
     * an exact look-up by {@code email_normalized} of the same user, alternating with the searches.
     */
    Optional<Paired> searchFigures(long users, int reads, ProgressListener progress) throws Exception {
        progress.step(String.format("Registering %d users through the engine for real referral codes…", SEARCH_CODES));
        String[] codes = new String[SEARCH_CODES];
        long[] codeOwners = new long[SEARCH_CODES];
        for (int k = 0; k < SEARCH_CODES; k++) {
            RegistrationOutcome outcome = engine.registration().register(new RegistrationRequest(
                    "searchbench" + k + "@example.org", "Searcher", "Number" + k, null));
            if (!(outcome instanceof RegistrationOutcome.Registered registered)) {
                throw new IllegalStateException("bench registration refused: " + outcome);
            }
            codes[k] = registered.referralCode();
            codeOwners[k] = registered.userId();
        }
        UserDirectory directory = engine.users();
        SplittableRandom random = new SplittableRandom(11);
        int total = reads + SEARCH_WARMUP;
        String[] queries = new String[total];
        long[] expected = new long[total];
        String[] baselineMailbox = new String[total];
        for (int i = 0; i < total; i++) {
            long g = 1 + random.nextLong(users);
            baselineMailbox[i] = "bench" + g + "@bench.example.org";
            switch (i % 4) {
                case 0 -> {
                    queries[i] = "Bench" + g + "@Bench.Example.ORG";
                    expected[i] = g;
                }
                case 1 -> {
                    queries[i] = "bench" + g;
                    expected[i] = -1;
                }
                case 2 -> {
                    queries[i] = "Bench Runner";
                    expected[i] = -1;
                }
                default -> {
                    int k = random.nextInt(SEARCH_CODES);
                    queries[i] = mistype(codes[k]);
                    expected[i] = codeOwners[k];
                }
            }
        }
        return Optional.of(alternate(reads, SEARCH_WARMUP, i -> {
            List<UserMatch> found = directory.search(BENCH, queries[i], 50);
            if (found.isEmpty() || (expected[i] > 0 && found.stream().noneMatch(m -> m.id() == expected[i]))) {
                throw new IllegalStateException("search for '" + queries[i] + "' missed user " + expected[i] + ": " + found);
            }
            return found;
        }, i -> byMailbox(baselineMailbox[i])));
    }

    /** The code with its last letter or digit replaced by another symbol: a typo the check symbol catches. */
    static String mistype(String code) {
        char[] chars = code.toCharArray();
        for (int i = chars.length - 1; i >= 0; i--) {
            if (Character.isLetterOrDigit(chars[i])) {
                chars[i] = chars[i] == '7' ? '8' : '7';
                return new String(chars);
            }
        }
        throw new IllegalArgumentException("no symbol in " + code);
    }

    private long byMailbox(String mailbox) {
        return jdbc.read("find a benchmark user", tx -> tx.first("SELECT id FROM users WHERE email_normalized = ?", r -> r.getLong(1), mailbox))
                .orElseThrow(() -> new IllegalStateException("baseline found no " + mailbox));
    }

    // (3) Saga timeline ---------------------------------------------------------------------------------------------

    private Paired timeline(long users, int reads) throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        UUID[] ids = new UUID[reads + TIMELINE_WARMUP];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = sagaId(1 + random.nextLong(users));
        }
        return alternate(reads, TIMELINE_WARMUP, i -> {
            SagaRecord r = engine.sagas().show(BENCH, ids[i]).orElseThrow(() -> new IllegalStateException("no saga " + ids[i]));
            if (r.events().size() != EVENTS_PER_SAGA) {
                throw new IllegalStateException("saga " + ids[i] + " has " + r.events().size() + " events");
            }
            return r;
        }, i -> sagaRow(ids[i]));
    }

    private UUID sagaRow(UUID id) {
        return jdbc.read("read a saga row", tx -> tx.first("SELECT * FROM sagas WHERE id = ?", r -> id, id))
                .orElseThrow(() -> new IllegalStateException("no saga row " + id));
    }

    /** The id the seed gave saga {@code g}: PostgreSQL's {@code md5('saga' || g)::uuid}. */
    static UUID sagaId(long g) {
        try {
            String hex = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(("saga" + g).getBytes(StandardCharsets.UTF_8)));
            return UUID.fromString(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                    + hex.substring(16, 20) + "-" + hex.substring(20));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // Timing --------------------------------------------------------------------------------------------------------

    /** One timed operation, the i-th of its run. */
    @FunctionalInterface
    interface Operation {
        Object run(int i) throws Exception;
    }

    /** Warms both up, then times {@code n} of each, alternating, so both see the same caches and load. */
    static Paired alternate(int n, int warmup, Operation measured, Operation baseline) throws Exception {
        for (int i = 0; i < warmup; i++) {
            measured.run(n + i);
            baseline.run(n + i);
        }
        long[] m = new long[n];
        long[] b = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            measured.run(i);
            long t1 = System.nanoTime();
            baseline.run(i);
            long t2 = System.nanoTime();
            m[i] = t1 - t0;
            b[i] = t2 - t1;
        }
        return new Paired(Timing.of(m), Timing.of(b));
    }
}
