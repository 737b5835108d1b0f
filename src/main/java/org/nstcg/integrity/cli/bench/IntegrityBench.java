package org.nstcg.integrity.cli.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.dedup.DuplicateCandidate;
import org.nstcg.integrity.engine.dedup.DuplicateFinder;
import org.nstcg.integrity.engine.dedup.ImportResult;
import org.nstcg.integrity.engine.dedup.LegacyColumns;
import org.nstcg.integrity.engine.integrity.SuiteTiming;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The integrity engine's bulk paths on one generated legacy file, each against a bare baseline, in one run.
 *
 * <ol>
 *   <li><b>Import.</b> {@code LegacyImporter.importFile} (read, check every row in Java, COPY to staging, set-based
 *   promotion, audit, one transaction) against a plain {@code COPY … (FORMAT csv)} of the same file into a bare
 *   UNLOGGED table of text columns: no checks, no indexes, no WAL — the floor of getting those bytes into
 *   PostgreSQL.</li>
 *   <li><b>Checks.</b> The whole suite, as a manual run (stored and audited), on the imported users.</li>
 *   <li><b>Duplicates.</b> {@code DuplicateFinder} exact (every page) and likely (one page holding all) against
 *   {@code GROUP BY lower(email) HAVING count(*) > 1} on the COPY table: the query one would write by hand.</li>
 * </ol>
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>The file is streamed.</b> Row {@code i} is a pure function of {@code i} (hashes of it), so a planted
 *   duplicate re-derives its original from the original's row number instead of keeping earlier rows: memory holds
 *   only the planted rows' bookkeeping (about 1.5% of the rows), never the file. The file is a temporary file,
 *   deleted whatever happens.</li>
 *   <li><b>What is planted.</b> About 0.8% of rows repeat an earlier row's mailbox spelled differently (Gmail dots or
 *   googlemail.com, a {@code +tag}, upper case — a third each), about 0.2% are the same person at another provider
 *   (likely duplicates), about 0.5% reuse an earlier row's referral code (sometimes in lower case). Each original
 *   is used once, and only rows that are themselves plain serve as originals, so every planted row has exactly one
 *   right answer. About 5% of rows have no referral code, so the import issues them one.</li>
 *   <li><b>Names are unique by construction</b> (last names are seven syllables encoding the row number, no two
 *   neighbouring consonants alike), so the likely search's blocks hold the planted pairs and little else: this
 *   measures its SQL and scoring, not the cost of common names (blocks of Smiths), which it caps at
 *   {@link DuplicateFinder#MAX_BLOCK}.</li>
 *   <li><b>Statistics.</b> Before the checks the engine's tables get {@code VACUUM ANALYZE}, as autovacuum would
 *   soon after a million-row import; the COPY table gets {@code ANALYZE} before its query. Neither is timed.</li>
 * </ul>
 */
public final class IntegrityBench {

    private static final Logger log = LoggerFactory.getLogger(IntegrityBench.class);
    /** Who runs the import and the check suite, as the audit trail records it. */
    public static final String ACTOR = "bench";
    private static final Actor BENCH = Actor.operator(ACTOR);
    /** The bare table the baseline COPY fills (in the bench's schema). */
    public static final String COPY_TABLE = "bench_csv_copy";
    private static final int EXACT_PAGE = 10_000;
    private static final List<String> SETTLED_TABLES = List.of("users", "referral_codes", "gamification_profiles", "points_ledger",
            "legacy_users", "legacy_imports");

    /** How a planted exact duplicate spells its original's mailbox. */
    public enum Spelling {
        GMAIL_DOTS("Gmail dots"), PLUS_TAG("+tag"), UPPER_CASE("upper case");

        private final String label;

        Spelling(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * The generated file and what was planted in it.
     *
     * @param exact         planted exact duplicates per spelling
     * @param likely        planted likely duplicates (same name, another provider)
     * @param codeConflicts rows reusing an earlier row's referral code
     */
    public record Planted(long rows, long bytes, double seconds, Map<Spelling, Integer> exact, int likely, int codeConflicts) {
        public int exactTotal() {
            return exact.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** The engine's import and the raw COPY of the same file. */
    public record Import(ImportResult result, double seconds, long copiedRows, double copySeconds) {
        public double rowsPerSecond() {
            return seconds <= 0 ? 0 : result.rows() / seconds;
        }

        public double copyRowsPerSecond() {
            return copySeconds <= 0 ? 0 : copiedRows / copySeconds;
        }

        /** Import time over COPY time: how many times longer the import takes. */
        public double ratio() {
            return copySeconds <= 0 ? 0 : seconds / copySeconds;
        }
    }

    /**
     * The check suite's run.
     *
     * @param runSeconds    the whole manual run: the checks, storing the run and its findings, the audit entry, alerts
     * @param settleSeconds the untimed VACUUM ANALYZE before it
     */
    public record Checks(List<SuiteTiming.Timing> timings, double runSeconds, double settleSeconds) {
        /** The checks' own time, summed. */
        public double checkSeconds() {
            return timings.stream().mapToDouble(SuiteTiming.Timing::seconds).sum();
        }
    }

    /**
     * Duplicate detection and its baseline, with how many planted duplicates each found.
     *
     * @param exactPlantedFound    planted exact duplicates reported by {@code DuplicateFinder.exact}, per spelling
     * @param likelyPlantedFound   planted likely pairs reported by {@code DuplicateFinder.likely}
     * @param baselineGroups       mailboxes the baseline query returned
     * @param baselinePlantedFound planted exact duplicates whose lower-cased address is among them, per spelling
     */
    public record Duplicates(double exactSeconds, long exactFound, Map<Spelling, Integer> exactPlantedFound, double likelySeconds,
                             long likelyFound, int likelyPlantedFound, double baselineSeconds, long baselineGroups,
                             Map<Spelling, Integer> baselinePlantedFound) {
        public double seconds() {
            return exactSeconds + likelySeconds;
        }

        /** Engine time (exact + likely) over the baseline query's time. */
        public double ratio() {
            return baselineSeconds <= 0 ? 0 : seconds() / baselineSeconds;
        }

        public int exactPlantedFoundTotal() {
            return exactPlantedFound.values().stream().mapToInt(Integer::intValue).sum();
        }

        public int baselinePlantedFoundTotal() {
            return baselinePlantedFound.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /**
     * Everything measured.
     *
     * @param file        the temporary CSV
     * @param fileDeleted whether it is gone again
     */
    public record Result(Planted planted, Import importRun, Checks checks, Duplicates duplicates, Path file, boolean fileDeleted) {
    }

    private final IntegrityEngine engine;
    private final Jdbc jdbc;

    public IntegrityBench(IntegrityEngine engine) {
        this.engine = engine;
        this.jdbc = engine.database().jdbc();
    }

    /** Generates {@code users} rows, measures the three phases, deletes the file. */
    public Result run(long users, ProgressListener progress) throws Exception {
        Path file = Files.createTempFile("integrity-bench-", ".csv");
        Planted planted;
        Import importRun;
        Checks checks;
        Duplicates duplicates;
        try {
            progress.step(String.format(Locale.ROOT, "Writing %,d rows to %s…", users, file));
            long t0 = System.nanoTime();
            PlantedFile plantedFile;
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                plantedFile = PlantedFile.write(w, users);
            }
            planted = plantedFile.summary(Files.size(file), (System.nanoTime() - t0) / 1e9);
            progress.step("Baseline: COPY of the file into a bare UNLOGGED table…");
            long[] copied = new long[1];
            double copySeconds = copyBaseline(file, copied);
            progress.step("Importing the file through LegacyImporter…");
            long t1 = System.nanoTime();
            ImportResult imported = engine.dedup().importer().importFile(file, BENCH, ProgressListener.NONE);
            importRun = new Import(imported, (System.nanoTime() - t1) / 1e9, copied[0], copySeconds);
            log.info("bench integrity: import {} s ({} rows), COPY {} s", importRun.seconds(), imported.rows(), copySeconds);
            progress.step("Running the integrity check suite…");
            checks = checks();
            progress.step("Finding duplicates, and the baseline query…");
            duplicates = duplicates(plantedFile, users);
        } finally {
            Files.deleteIfExists(file);
        }
        return new Result(planted, importRun, checks, duplicates, file, Files.notExists(file));
    }

    // (1) COPY baseline ------------------------------------------------------------------------------------------

    /** COPYs the file into a fresh bare table; returns the COPY's seconds, the rows in {@code copied[0]}. */
    private double copyBaseline(Path file, long[] copied) {
        return jdbc.read("copy the file into the baseline table", st -> {
            st.update("CREATE UNLOGGED TABLE " + COPY_TABLE + " (email text, first_name text, last_name text, referral_code text,"
                    + " points text, referred_by_code text, created_at text)");
            long t0 = System.nanoTime();
            try (Reader in = new BufferedReader(Files.newBufferedReader(file, StandardCharsets.UTF_8), 1 << 16)) {
                copied[0] = st.copyIn("COPY " + COPY_TABLE + " FROM STDIN (FORMAT csv, HEADER true)", in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            st.update("ANALYZE " + COPY_TABLE);
            return seconds;
        });
    }

    // (2) Checks -------------------------------------------------------------------------------------------------

    private Checks checks() {
        long t0 = System.nanoTime();
        jdbc.read("settle the tables", st -> {
            for (String table : SETTLED_TABLES) {
                st.update("VACUUM ANALYZE " + table);
            }
            return null;
        });
        double settle = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        List<SuiteTiming.Timing> timings = SuiteTiming.time(engine.checks(), BENCH);
        return new Checks(timings, (System.nanoTime() - t1) / 1e9, settle);
    }

    // (3) Duplicates ---------------------------------------------------------------------------------------------

    private Duplicates duplicates(PlantedFile planted, long users) {
        DuplicateFinder finder = engine.dedup().duplicates();
        long t0 = System.nanoTime();
        List<DuplicateCandidate> exact = new ArrayList<>();
        for (int offset = 0; ; offset += EXACT_PAGE) {
            List<DuplicateCandidate> page = finder.exact(BENCH, offset, EXACT_PAGE);
            exact.addAll(page);
            if (page.size() < EXACT_PAGE) {
                break;
            }
        }
        double exactSeconds = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        List<DuplicateCandidate> likely = finder.likely(BENCH, 0, (int) Math.min(Integer.MAX_VALUE - 1, Math.max(1000, users)));
        double likelySeconds = (System.nanoTime() - t1) / 1e9;

        long t2 = System.nanoTime();
        Set<String> groups = new HashSet<>(jdbc.read("group the baseline's addresses", tx -> tx.list(
                "SELECT lower(email), count(*) FROM " + COPY_TABLE + " GROUP BY lower(email) HAVING count(*) > 1", r -> r.getString(1))));
        double baselineSeconds = (System.nanoTime() - t2) / 1e9;

        Map<Spelling, Integer> exactFound = new EnumMap<>(Spelling.class);
        Map<Spelling, Integer> baselineFound = new EnumMap<>(Spelling.class);
        for (Spelling s : Spelling.values()) {
            exactFound.put(s, 0);
            baselineFound.put(s, 0);
        }
        Set<Integer> seenLines = new HashSet<>();
        for (DuplicateCandidate d : exact) {
            Integer line = d.right().legacyLine();
            PlantedFile.Exact p = line == null ? null : planted.exactByLine.get(line);
            if (p != null && seenLines.add(line)) {
                exactFound.merge(p.spelling(), 1, Integer::sum);
            }
        }
        for (PlantedFile.Exact p : planted.exactByLine.values()) {
            if (groups.contains(p.lowerEmail())) {
                baselineFound.merge(p.spelling(), 1, Integer::sum);
            }
        }
        Set<String> seenPairs = new HashSet<>();
        int likelyFound = 0;
        for (DuplicateCandidate d : likely) {
            String pair = PlantedFile.pair(d.left().email(), d.right().email());
            if (planted.likelyPairs.contains(pair) && seenPairs.add(pair)) {
                likelyFound++;
            }
        }
        return new Duplicates(exactSeconds, exact.size(), exactFound, likelySeconds, likely.size(), likelyFound, baselineSeconds,
                groups.size(), baselineFound);
    }

    // The file ---------------------------------------------------------------------------------------------------

    /**
     * Writes the legacy file row by row and keeps the planted rows' answers: data row {@code i} is on line
     * {@code i + 1}, and every field of a row is a function of its number.
     */
    static final class PlantedFile {

        private static final String[] FIRST = {"Maria", "James", "Olivia", "Mohammed", "Emma", "Noah", "Sofia", "Liam", "Zoë", "José",
            "Chloé", "Ava", "Lucas", "Mia", "Ethan", "Amelia", "Oliver", "Isla", "Arjun", "Priya", "Wei", "Yuki", "Fatima", "Omar",
            "Grace", "Henry", "Ella", "Jack", "Ruby", "Leo", "Freya", "Oscar", "Åsa", "Søren", "Anna", "Ben", "Clara", "Daniel", "Eva",
            "Felix"};
        /** Consonants without h, w, y (which the phonetic key drops) so that the key keeps each one. */
        private static final char[] CONSONANTS = "bcdfgjklmnprstv".toCharArray();
        private static final char[] VOWELS = "aeiou".toCharArray();
        private static final String[] OTHER_DOMAINS = {"example.org", "mail.example.net", "btinternet.com", "aol.com", "proton.me"};
        private static final String[] TAGS = {"news", "shop", "promo", "2019", "x"};
        private static final LocalDate EPOCH = LocalDate.of(2018, 1, 1);

        /** Rows at the start that are always plain, so planted rows have originals to pick from. */
        private static final long PLAIN_HEAD = 100;
        private static final double EXACT_RATE = 0.008;
        private static final double LIKELY_RATE = 0.002;
        private static final double CONFLICT_RATE = 0.005;
        private static final double NO_CODE_RATE = 0.05;
        private static final double REFERRED_RATE = 0.3;

        enum Provider {
            GMAIL("gmail.com", true), OUTLOOK("outlook.com", true), HOTMAIL("hotmail.com", true), YAHOO("yahoo.com", false),
            ICLOUD("icloud.com", true), OTHER(null, false);

            final String domain;
            final boolean plusTags;

            Provider(String domain, boolean plusTags) {
                this.domain = domain;
                this.plusTags = plusTags;
            }
        }

        record Exact(Spelling spelling, String lowerEmail) {
        }

        final Map<Integer, Exact> exactByLine = new HashMap<>();
        final Set<String> likelyPairs = new HashSet<>();
        private final Set<Long> usedOriginals = new HashSet<>();
        private final Set<Long> usedCodes = new HashSet<>();
        private long rows;
        private int conflicts;

        static PlantedFile write(Writer out, long n) throws IOException {
            PlantedFile f = new PlantedFile();
            Writer w = out instanceof BufferedWriter ? out : new BufferedWriter(out, 1 << 16);
            w.write(LegacyColumns.documentedHeader());
            w.write('\n');
            StringBuilder row = new StringBuilder(160);
            for (long i = 1; i <= n; i++) {
                row.setLength(0);
                f.row(i, row);
                w.append(row).append('\n');
                f.rows++;
            }
            w.flush();
            return f;
        }

        Planted summary(long bytes, double seconds) {
            Map<Spelling, Integer> exact = new EnumMap<>(Spelling.class);
            for (Spelling s : Spelling.values()) {
                exact.put(s, 0);
            }
            exactByLine.values().forEach(e -> exact.merge(e.spelling(), 1, Integer::sum));
            return new Planted(rows, bytes, seconds, Collections.unmodifiableMap(exact), likelyPairs.size(), conflicts);
        }

        private void row(long i, StringBuilder out) {
            double u = unit(i, 1);
            if (i > PLAIN_HEAD && u < EXACT_RATE + LIKELY_RATE) {
                SplittableRandom random = new SplittableRandom(mix(i, 2));
                Spelling spelling = u < EXACT_RATE ? Spelling.values()[(int) Long.remainderUnsigned(mix(i, 3), 3)] : null;
                long j = original(i, random, spelling);
                if (j > 0) {
                    usedOriginals.add(j);
                    String email = spelling == null ? elsewhere(j, random) : respell(j, spelling, random);
                    fields(out, email, first(j), last(j), code(i), points(i), "", created(i));
                    if (spelling == null) {
                        likelyPairs.add(pair(email(j), email));
                    } else {
                        exactByLine.put(Math.toIntExact(i + 1), new Exact(spelling, email.toLowerCase(Locale.ROOT)));
                    }
                    return;
                }
            } else if (i > PLAIN_HEAD && u < EXACT_RATE + LIKELY_RATE + CONFLICT_RATE) {
                SplittableRandom random = new SplittableRandom(mix(i, 2));
                for (int tries = 0; tries < 1000; tries++) {
                    long j = 1 + random.nextLong(i - 1);
                    if (plain(j) && hasCode(j) && usedCodes.add(j)) {
                        String code = random.nextBoolean() ? code(j) : code(j).toLowerCase(Locale.ROOT);
                        fields(out, email(i), first(i), last(i), code, points(i), referrer(i), created(i));
                        conflicts++;
                        return;
                    }
                }
            }
            fields(out, email(i), first(i), last(i), hasCode(i) ? code(i) : "", points(i), referrer(i), created(i));
        }

        /** An unused plain earlier row whose mailbox can be spelled that way; 0 when none is found. */
        private long original(long i, SplittableRandom random, Spelling spelling) {
            for (int tries = 0; tries < 1000; tries++) {
                long j = 1 + random.nextLong(i - 1);
                if (!plain(j) || usedOriginals.contains(j)) {
                    continue;
                }
                Provider p = provider(j);
                if (spelling == Spelling.GMAIL_DOTS && p != Provider.GMAIL || spelling == Spelling.PLUS_TAG && !p.plusTags) {
                    continue;
                }
                return j;
            }
            return 0;
        }

        /** Row {@code j} is plain by its number (a planted row that finds no original is written plain too, but never picked). */
        private static boolean plain(long j) {
            return j <= PLAIN_HEAD || unit(j, 1) >= EXACT_RATE + LIKELY_RATE + CONFLICT_RATE;
        }

        private static String respell(long j, Spelling spelling, SplittableRandom random) {
            String local = local(j);
            String domain = domain(j);
            return switch (spelling) {
                case GMAIL_DOTS -> {
                    String bare = local.replace(".", "");
                    int at = 1 + random.nextInt(bare.length() - 1);
                    String moved = bare.substring(0, at) + "." + bare.substring(at);
                    // A dot put back where it was would spell the very same address: then no dot at all.
                    String spelled = random.nextBoolean() || moved.equals(local) ? bare : moved;
                    yield spelled + "@" + (random.nextBoolean() ? "googlemail.com" : "gmail.com");
                }
                case PLUS_TAG -> local + "+" + TAGS[random.nextInt(TAGS.length)] + "@" + domain;
                case UPPER_CASE -> random.nextBoolean() ? (local + "@" + domain).toUpperCase(Locale.ROOT)
                        : capitalize(local) + "@" + capitalize(domain);
            };
        }

        /** The same person at another provider: the same mailbox name, or initial and last name. */
        private static String elsewhere(long j, SplittableRandom random) {
            Provider p = provider(j);
            Provider other;
            do {
                other = Provider.values()[random.nextInt(Provider.values().length)];
            } while (other == p);
            String domain = other.domain != null ? other.domain : OTHER_DOMAINS[random.nextInt(OTHER_DOMAINS.length)];
            String local = random.nextBoolean() ? local(j) : ascii(first(j)).charAt(0) + last(j).toLowerCase(Locale.ROOT);
            return local + "@" + domain;
        }

        static String pair(String a, String b) {
            String x = a.toLowerCase(Locale.ROOT);
            String y = b.toLowerCase(Locale.ROOT);
            return x.compareTo(y) <= 0 ? x + "|" + y : y + "|" + x;
        }

        // The person of row j ---------------------------------------------------------------------------------------

        static String first(long j) {
            return FIRST[(int) Long.remainderUnsigned(mix(j, 4), FIRST.length)];
        }

        /** Seven syllables spelling j: the first consonant one of 15, each next one of the 14 unlike the one before. */
        static String last(long j) {
            StringBuilder sb = new StringBuilder(14);
            long v = j;
            long vowels = mix(j, 11);
            int previous = -1;
            for (int s = 0; s < 7; s++) {
                int base = s == 0 ? CONSONANTS.length : CONSONANTS.length - 1;
                int d = (int) (v % base);
                v /= base;
                int c = s == 0 || d < previous ? d : d + 1;
                sb.append(s == 0 ? Character.toUpperCase(CONSONANTS[c]) : CONSONANTS[c]);
                sb.append(VOWELS[(int) (((vowels >>> (4 * s)) & 15) % VOWELS.length)]);
                previous = c;
            }
            return sb.toString();
        }

        static Provider provider(long j) {
            double u = unit(j, 5);
            return u < 0.40 ? Provider.GMAIL : u < 0.55 ? Provider.OUTLOOK : u < 0.62 ? Provider.HOTMAIL : u < 0.72 ? Provider.YAHOO
                    : u < 0.80 ? Provider.ICLOUD : Provider.OTHER;
        }

        static String domain(long j) {
            Provider p = provider(j);
            return p.domain != null ? p.domain : OTHER_DOMAINS[(int) Long.remainderUnsigned(mix(j, 12), OTHER_DOMAINS.length)];
        }

        static String local(long j) {
            long m = mix(j, 13);
            String base = ascii(first(j)) + "." + last(j).toLowerCase(Locale.ROOT);
            return (m & 3) == 0 ? base + Long.remainderUnsigned(m >>> 2, 100) : base;
        }

        static String email(long j) {
            return local(j) + "@" + domain(j);
        }

        static boolean hasCode(long j) {
            return unit(j, 6) >= NO_CODE_RATE;
        }

        static String code(long j) {
            return "LEGACY-" + j;
        }

        static String points(long j) {
            return unit(j, 7) < 0.1 ? "0" : Long.toString(Long.remainderUnsigned(mix(j, 7), 1000));
        }

        /** An earlier plain row's code for about 30% of rows; empty otherwise. */
        static String referrer(long i) {
            if (i < 2 || unit(i, 8) >= REFERRED_RATE) {
                return "";
            }
            long k = 1 + Long.remainderUnsigned(mix(i, 9), i - 1);
            return plain(k) && hasCode(k) ? code(k) : "";
        }

        static String created(long j) {
            long m = mix(j, 10);
            LocalDate d = EPOCH.plusDays(Long.remainderUnsigned(m, 2500));
            return (m & 1) == 0 ? d.toString() : d + "T" + String.format(Locale.ROOT, "%02d:%02d:%02dZ",
                    Long.remainderUnsigned(m >>> 8, 24), Long.remainderUnsigned(m >>> 16, 60), Long.remainderUnsigned(m >>> 24, 60));
        }

        private static void fields(StringBuilder out, String... values) {
            for (int k = 0; k < values.length; k++) {
                if (k > 0) {
                    out.append(',');
                }
                out.append(values[k]);
            }
        }

        private static String ascii(String name) {
            return Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}+", "").replace("ø", "o")
                    .toLowerCase(Locale.ROOT);
        }

        private static String capitalize(String s) {
            StringBuilder sb = new StringBuilder(s.length());
            boolean start = true;
            for (int k = 0; k < s.length(); k++) {
                char ch = s.charAt(k);
                sb.append(start ? Character.toUpperCase(ch) : ch);
                start = !Character.isLetter(ch);
            }
            return sb.toString();
        }

        /** SplitMix64's finaliser over (j, salt): independent-looking 64 bits per row and purpose. */
        static long mix(long j, long salt) {
            long z = j * 0x9E3779B97F4A7C15L + salt * 0xD1B54A32D192ED03L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        /** A number in [0, 1) from (j, salt). */
        static double unit(long j, long salt) {
            return (mix(j, salt) >>> 11) * 0x1.0p-53;
        }
    }
}
