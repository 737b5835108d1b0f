package org.nstcg.integrity.engine.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.BooleanSupplier;
import org.nstcg.integrity.engine.store.CacheRows;
import org.nstcg.integrity.engine.store.CacheRows.Row;
import org.nstcg.integrity.engine.store.StoreException;
import org.nstcg.integrity.engine.support.Durations;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.EngineScheduler;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.engine.support.ServerUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Rebuilds cached entries from PostgreSQL, all of them or one key pattern, while the platform keeps writing.
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>Safe under concurrent writes.</b> Rows are read in keyset pages, each a fresh query, and the Redis time
 *   is taken just <i>before</i> each page's query. Every value is offered with that instant through
 *   {@link CacheScripts#FILL_MANY}, which refuses it when the key was invalidated since (a writer committed after
 *   the read began), a pattern invalidation moved the epoch since, the entry holds a newer version, or the read is
 *   older than {@link CacheCoordinator#MAX_FILL_AGE}. So a rebuild can never put back a value older than a write
 *   it raced with; a refused entry is simply left for the next read to fill.</li>
 *   <li><b>Streamed.</b> Reader threads ({@link #DEFAULT_READERS}, each paging through its own range of user ids)
 *   hand pages of {@link #DEFAULT_PAGE_SIZE} rows to the writing thread through a queue of a few pages, so at most
 *   a few pages are in memory while PostgreSQL and Redis work side by side. Reading and building the JSON in
 *   PostgreSQL is the slow part, hence the parallel readers.</li>
 *   <li><b>Pipelined.</b> A page is written as {@code FILL_MANY} calls of {@link #DEFAULT_FILL_BATCH} keys, all
 *   queued in one pipeline and synchronised once. The scripts are loaded first; a {@code NOSCRIPT} reply (Redis
 *   restarted or its script cache was flushed mid-rebuild) reloads them and repeats the batches it hit, which is
 *   harmless since a fill is idempotent.</li>
 *   <li><b>Cancellable.</b> The cancellation request is checked between pages; the result says how far it got.</li>
 * </ul>
 */
public final class CacheRebuilder {

    private static final Logger log = LoggerFactory.getLogger(CacheRebuilder.class);

    /** Rows read per PostgreSQL query. */
    public static final int DEFAULT_PAGE_SIZE = 5_000;
    /** Keys per {@code FILL_MANY} call. */
    public static final int DEFAULT_FILL_BATCH = 500;
    /** Readers of {@code user:*} side by side: reading and building the JSON in PostgreSQL is the slow part. */
    public static final int DEFAULT_READERS = 2;

    /**
     * What a rebuild did.
     *
     * @param pattern   what was rebuilt: one of {@link CacheKeys#PATTERNS}, or {@code *}
     * @param total     entries the database held when the rebuild started (an estimate when writes continue)
     * @param written   entries Redis stored
     * @param refused   entries Redis refused because a write intervened (they fill again on the next read)
     * @param duration  wall time
     * @param cancelled whether the rebuild stopped early because it was asked to
     */
    public record Result(String pattern, long total, long written, long refused, Duration duration, boolean cancelled) {

        /** Entries offered to Redis (written or refused). */
        public long done() {
            return written + refused;
        }

        /** Entries offered per second. */
        public double perSecond() {
            double s = duration.toNanos() / 1e9;
            return s <= 0 ? 0 : done() / s;
        }
    }

    /**
     * One page of rows with their seals ({@link CacheSeal}, computed by the reader thread so the writing thread only
     * writes), the Redis time taken just before its query, and whether more may follow.
     */
    private record Page(List<Row> rows, List<String> seals, long readStart, boolean more) {
    }

    /** A keyset-paged source of one pattern's entries; PostgreSQL's failures are {@link StoreException}s. */
    private interface Source {
        String pattern();

        long count();

        /** The page after {@code cursor} (null: the first). */
        List<Row> page(String cursor, int limit);

        /** The cursor after {@code row}. */
        default String cursorOf(Row row) {
            return row.key().substring(row.key().indexOf(':') + 1);
        }

        /** Key ranges that readers can page through side by side: by default one, everything. */
        default List<Range> ranges(int parts, int pageSize) {
            return List.of(Range.ALL);
        }
    }

    /** The rows after cursor {@code after} (null: from the start) for which {@code within} holds. */
    private record Range(String after, Predicate<Row> within) {
        static final Range ALL = new Range(null, r -> true);

        boolean contains(Row row) {
            return within.test(row);
        }
    }

    private final CacheCoordinator coordinator;
    private final RedisConnection redis;
    private final CacheRows rows;
    private final TtlPolicy ttl;
    private final CacheSeal seal;
    private final int pageSize;
    private final int fillBatch;
    private final int readers;

    public CacheRebuilder(CacheCoordinator coordinator) {
        this(coordinator, DEFAULT_PAGE_SIZE, DEFAULT_FILL_BATCH, DEFAULT_READERS);
    }

    /**
     * @param pageSize  rows per PostgreSQL query, 1 to 100,000
     * @param fillBatch keys per {@code FILL_MANY} call, 1 to 10,000
     * @param readers   PostgreSQL readers working side by side on ranges of {@code user:*}, 1 to 16
     */
    public CacheRebuilder(CacheCoordinator coordinator, int pageSize, int fillBatch, int readers) {
        if (pageSize < 1 || pageSize > 100_000 || fillBatch < 1 || fillBatch > 10_000 || readers < 1 || readers > 16) {
            throw new IllegalArgumentException("page size takes 1 to 100000, fill batch 1 to 10000 and readers 1 to 16, not "
                    + pageSize + ", " + fillBatch + " and " + readers);
        }
        this.readers = readers;
        this.coordinator = coordinator;
        this.redis = coordinator.redis();
        this.rows = coordinator.rows();
        this.ttl = coordinator.ttlPolicy();
        this.seal = coordinator.seal();
        this.pageSize = pageSize;
        this.fillBatch = fillBatch;
    }

    /**
     * Checks what an operator typed: one of {@link CacheKeys#PATTERNS} or {@code *}.
     *
     * @throws IllegalArgumentException with a sentence naming what is accepted
     */
    public static String checkPattern(String pattern) {
        if (pattern == null || !(pattern.equals("*") || CacheKeys.PATTERNS.contains(pattern))) {
            throw new IllegalArgumentException("'" + pattern + "' cannot be rebuilt: name one of " + String.join(", ", CacheKeys.PATTERNS)
                    + ", or * for all of them");
        }
        return pattern;
    }

    /**
     * Rebuilds {@code pattern} from PostgreSQL.
     *
     * @param pattern   one of {@link CacheKeys#PATTERNS}, or {@code *} for all of them
     * @param progress  told at the start and after every page what is done, with the rate and the time left
     * @param cancelled polled between pages; when it answers true the rebuild stops and says so in its result
     * @throws IllegalArgumentException     for a pattern that is not rebuildable
     * @throws ServerUnavailableException   when Redis is unreachable at the start (nothing was rebuilt)
     * @throws EngineException              when a server stops answering part-way (the message says how far it got)
     */
    public Result rebuild(String pattern, ProgressListener progress, BooleanSupplier cancelled) {
        checkPattern(pattern);
        List<Source> sources = sources(pattern);
        long started = System.nanoTime();
        try {
            redis.ping();
            CacheScripts.FILL_MANY.load(redis.client());
        } catch (ServerUnavailableException | JedisException e) {
            throw redisUnreachable(e, 0, 0);
        }
        long total = 0;
        try {
            for (Source s : sources) {
                total += s.count();
            }
        } catch (StoreException e) {
            throw new EngineException("Cannot count the rows to rebuild in PostgreSQL (" + CacheCoordinator.firstLine(e)
                    + "); nothing was rebuilt.", e);
        }
        Progress state = new Progress(pattern, total, started, progress);
        state.report();
        for (Source s : sources) {
            if (!rebuildSource(s, state, cancelled)) {
                break;
            }
        }
        state.report();
        Result result = new Result(pattern, total, state.written, state.refused, Duration.ofNanos(System.nanoTime() - started),
                state.cancelled);
        log.info("Cache rebuild of {} {}: {} written, {} refused by newer writes, {} of {} in {} ms ({}/s)", pattern,
                result.cancelled() ? "cancelled" : "finished", result.written(), result.refused(), result.done(), total,
                result.duration().toMillis(), Math.round(result.perSecond()));
        return result;
    }

    /** What a reader hands the writer: a page, the end of its range, or why it failed. */
    private record Item(Page page, Throwable failure) {
        static final Item END = new Item(null, null);
    }

    /**
     * Reads {@code source} with one reader thread per key range, each paging on its own and handing pages to this
     * thread through a small queue, and writes them here.
     *
     * @return false when cancelled
     */
    private boolean rebuildSource(Source source, Progress state, BooleanSupplier cancelled) {
        List<Range> ranges;
        try {
            ranges = source.ranges(readers, pageSize);
        } catch (StoreException e) {
            throw new EngineException("Cannot read " + source.pattern() + " from PostgreSQL (" + CacheCoordinator.firstLine(e)
                    + "); the rebuild stopped after " + state.describeDone() + ". Run it again when PostgreSQL answers.", e);
        }
        BlockingQueue<Item> queue = new ArrayBlockingQueue<>(2 * ranges.size() + 1);
        AtomicBoolean stop = new AtomicBoolean();
        // The readers are the call's own work, not the engine's background work: they live and end with this call.
        ExecutorService pool = Executors.newFixedThreadPool(ranges.size(), r -> EngineScheduler.daemonThread("cache-rebuild-reader", r));
        try {
            for (Range range : ranges) {
                pool.execute(() -> readRange(source, range, queue, stop));
            }
            int ended = 0;
            while (ended < ranges.size()) {
                if (cancelled.getAsBoolean()) {
                    state.cancelled = true;
                    return false;
                }
                Item item = take(queue, state);
                if (item == Item.END) {
                    ended++;
                } else if (item.failure() != null) {
                    throw failure(item.failure(), source, state);
                } else if (!item.page().rows().isEmpty()) {
                    write(item.page(), state);
                    state.report();
                }
            }
            return true;
        } finally {
            stop.set(true);
            queue.clear();
            pool.shutdownNow();
            try {
                pool.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void readRange(Source source, Range range, BlockingQueue<Item> queue, AtomicBoolean stop) {
        try {
            String cursor = range.after();
            while (!stop.get()) {
                Page page = read(source, cursor);
                List<Row> inside = page.rows();
                int keep = inside.size();
                while (keep > 0 && !range.contains(inside.get(keep - 1))) {
                    keep--;
                }
                boolean more = page.more() && keep == inside.size();
                queue.put(new Item(new Page(inside.subList(0, keep), page.seals().subList(0, keep), page.readStart(), more), null));
                if (!more) {
                    break;
                }
                cursor = source.cursorOf(inside.get(keep - 1));
            }
            queue.put(Item.END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (!stop.get()) {
                queue.offer(new Item(null, e));
            }
        }
    }

    private Item take(BlockingQueue<Item> queue, Progress state) {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("The cache rebuild was interrupted after " + state.describeDone() + ".", e);
        }
    }

    private EngineException failure(Throwable cause, Source source, Progress state) {
        if (cause instanceof RedisDownException) {
            return redisUnreachable(cause, state.done(), state.total);
        }
        return new EngineException("Cannot read " + source.pattern() + " from PostgreSQL (" + CacheCoordinator.firstLine(cause)
                + "); the rebuild stopped after " + state.describeDone() + ". Run it again when PostgreSQL answers.", cause);
    }

    private Page read(Source source, String cursor) throws RedisDownException {
        Optional<Long> readStart = coordinator.redisTime();
        if (readStart.isEmpty()) {
            throw new RedisDownException();
        }
        List<Row> page = source.page(cursor, pageSize);
        List<String> seals = new ArrayList<>(page.size());
        for (Row row : page) {
            seals.add(seal.seal(row.key(), row.version(), row.json()));
        }
        return new Page(page, seals, readStart.get(), page.size() == pageSize);
    }

    /** Writes one page: FILL_MANY calls of {@link #fillBatch} keys in one pipeline; NOSCRIPT reloads and repeats. */
    private void write(Page page, Progress state) {
        List<List<String>> keys = new ArrayList<>();
        List<List<String>> args = new ArrayList<>();
        List<Row> rs = page.rows();
        String epoch = coordinator.epochKey();
        String start = Long.toString(page.readStart());
        String maxAge = Long.toString(CacheCoordinator.MAX_FILL_AGE.toMillis());
        for (int from = 0; from < rs.size(); from += fillBatch) {
            int to = Math.min(rs.size(), from + fillBatch);
            List<String> k = new ArrayList<>(to - from + 1);
            List<String> a = new ArrayList<>((to - from) * 4 + 2);
            k.add(epoch);
            a.add(start);
            a.add(maxAge);
            for (int i = from; i < to; i++) {
                Row row = rs.get(i);
                k.add(redis.key(row.key()));
                a.add(Long.toString(row.version()));
                a.add(row.json());
                a.add(Long.toString(ttl.ttl(row.key()).toMillis()));
                a.add(page.seals().get(i));
            }
            keys.add(k);
            args.add(a);
        }
        long[] stored = new long[keys.size()];
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            pending.add(i);
        }
        for (int attempt = 0; !pending.isEmpty(); attempt++) {
            List<Integer> noScript = new ArrayList<>();
            try (AbstractPipeline pipeline = redis.client().pipelined()) {
                List<Response<Object>> replies = new ArrayList<>(pending.size());
                for (int i : pending) {
                    replies.add(CacheScripts.FILL_MANY.queue(pipeline, keys.get(i), args.get(i)));
                }
                pipeline.sync();
                for (int j = 0; j < pending.size(); j++) {
                    try {
                        stored[pending.get(j)] = ((Number) replies.get(j).get()).longValue();
                    } catch (JedisDataException e) {
                        if (!isNoScript(e)) {
                            throw e;
                        }
                        noScript.add(pending.get(j));
                    }
                }
            } catch (JedisConnectionException e) {
                throw redisUnreachable(e, state.done(), state.total);
            } catch (JedisException e) {
                throw new EngineException("Redis at " + redis.settings().endpoint() + " refused a cache fill ("
                        + CacheCoordinator.firstLine(e) + "); the rebuild stopped after " + state.describeDone() + ".", e);
            }
            if (!noScript.isEmpty()) {
                if (attempt >= 2) {
                    throw new EngineException("Redis at " + redis.settings().endpoint() + " keeps forgetting the cache scripts;"
                            + " the rebuild stopped after " + state.describeDone() + ".");
                }
                log.info("Redis lost the cache scripts (restarted or flushed); loading them again");
                try {
                    CacheScripts.FILL_MANY.load(redis.client());
                } catch (JedisException e) {
                    throw redisUnreachable(e, state.done(), state.total);
                }
            }
            pending = noScript;
        }
        long n = 0;
        for (long s : stored) {
            n += s;
        }
        state.written += n;
        state.refused += rs.size() - n;
    }

    private static boolean isNoScript(JedisDataException e) {
        return e instanceof redis.clients.jedis.exceptions.JedisNoScriptException
                || (e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT"));
    }

    private ServerUnavailableException redisUnreachable(Throwable cause, long done, long total) {
        String reason = cause instanceof RedisDownException || cause.getMessage() == null ? "no answer" : CacheCoordinator.firstLine(cause).strip();
        if (reason.endsWith(".")) {
            reason = reason.substring(0, reason.length() - 1);
        }
        String what = done == 0 ? "nothing was rebuilt" : "the rebuild stopped after " + String.format(Locale.ROOT, "%,d of %,d", done, total)
                + " entries";
        return new ServerUnavailableException("redis.url", redis.settings().endpoint(), "Redis at " + redis.settings().endpoint()
                + " is unreachable (" + reason + "); " + what + ". Start Redis or correct " + redis.settings().setting()
                + ", then run the rebuild again.", cause);
    }

    private List<Source> sources(String pattern) {
        List<Source> all = List.of(
                new Source() {
                    public String pattern() {
                        return CacheKeys.USER_PATTERN;
                    }

                    public long count() {
                        return rows.userRows();
                    }

                    public List<Row> page(String cursor, int limit) {
                        return rows.usersAfter(cursor == null ? 0 : Long.parseLong(cursor), limit);
                    }

                    public List<Range> ranges(int parts, int pageSize) {
                        long[] bounds = rows.userIdBounds();
                        if (parts <= 1 || bounds == null || bounds[1] - bounds[0] < 4L * pageSize) {
                            return List.of(Range.ALL);
                        }
                        long lo = bounds[0] - 1;
                        long hi = bounds[1];
                        List<Range> out = new ArrayList<>();
                        for (int i = 0; i < parts; i++) {
                            long from = lo + (hi - lo) * i / parts;
                            // The last range is open, so users created while the rebuild runs are not left out.
                            long to = i == parts - 1 ? Long.MAX_VALUE : lo + (hi - lo) * (i + 1) / parts;
                            out.add(new Range(Long.toString(from), row -> Long.parseLong(cursorOf(row)) <= to));
                        }
                        return out;
                    }
                },
                new Source() {
                    public String pattern() {
                        return CacheKeys.REFERRAL_PATTERN;
                    }

                    public long count() {
                        return rows.referralRows();
                    }

                    public List<Row> page(String cursor, int limit) {
                        return rows.referralsAfter(cursor == null ? "" : cursor, limit);
                    }
                },
                single(CacheKeys.COUNT_PATTERN, rows::userCount),
                single(CacheKeys.LEADERBOARD_PATTERN, rows::leaderboard));
        return all.stream().filter(s -> pattern.equals("*") || s.pattern().equals(pattern)).toList();
    }

    /** A pattern with one key, read in one query. */
    private static Source single(String pattern, RowReader reader) {
        return new Source() {
            public String pattern() {
                return pattern;
            }

            public long count() {
                return 1;
            }

            public List<Row> page(String cursor, int limit) {
                return cursor == null ? List.of(reader.read()) : List.of();
            }
        };
    }

    @FunctionalInterface
    private interface RowReader {
        Row read();
    }

    /** Counts and progress reports of one rebuild. */
    private static final class Progress {
        final String pattern;
        final long total;
        final long started;
        final ProgressListener listener;
        long written;
        long refused;
        boolean cancelled;

        Progress(String pattern, long total, long started, ProgressListener listener) {
            this.pattern = pattern;
            this.total = total;
            this.started = started;
            this.listener = listener;
        }

        long done() {
            return written + refused;
        }

        String describeDone() {
            return String.format(Locale.ROOT, "%,d of %,d entries", done(), total);
        }

        void report() {
            long now = System.nanoTime();
            double seconds = (now - started) / 1e9;
            double rate = seconds <= 0 ? 0 : done() / seconds;
            long left = Math.max(0, total - done());
            String eta = rate <= 0 ? "unknown" : Durations.human(Duration.ofSeconds(Math.round(left / rate)));
            listener.progress(String.format(Locale.ROOT, "Rebuilding %s: %,d of %,d entries, %,.0f/s, about %s left", pattern, done(),
                    total, rate, eta), Math.min(done(), total), total);
        }
    }
}
