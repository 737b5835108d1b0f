package org.nstcg.integrity.engine.dedup;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.audit.AuditEvent;
import org.nstcg.integrity.engine.audit.AuditTrail;
import org.nstcg.integrity.engine.cache.CacheCoordinator;
import org.nstcg.integrity.engine.cache.CacheKeys;
import org.nstcg.integrity.engine.email.EmailNormalizer;
import org.nstcg.integrity.engine.referral.ReferralCodeGenerator;
import org.nstcg.integrity.engine.store.Jdbc;
import org.nstcg.integrity.engine.store.LegacyImportStore;
import org.nstcg.integrity.engine.store.LegacyImportStore.CopyText;
import org.nstcg.integrity.engine.store.LegacyImportStore.StagingCopy;
import org.nstcg.integrity.engine.store.StoreException;
import org.nstcg.integrity.engine.store.Tx;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Imports a legacy users CSV (header {@link LegacyColumns#documentedHeader()}).
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>Streaming.</b> Records are read one at a time ({@link CsvRecordReader}), checked in Java (the rules
 *   are {@link EmailNormalizer}'s and registration's, which SQL cannot reproduce), and written at once into a COPY
 *   to the staging table {@code legacy_users} in 64 KiB chunks: memory does not grow with the file. Only the first
 *   {@value #REPORTED_ROWS} bad rows are kept for the report; all of them are in staging with their reason.</li>
 *   <li><b>Set-based promotion.</b> Which rows collide, and the users, profiles, ledger entries and referrers of the
 *   others, are decided by a handful of statements over the staging rows ({@link LegacyImportStore#promote}).</li>
 *   <li><b>All or nothing.</b> The COPY, the promotion and the audit entry are one transaction: a failed or
 *   interrupted import leaves neither staging rows nor half-promoted users, and can simply be run again.</li>
 *   <li><b>Codes.</b> A legacy code is kept (upper-cased) when the users table can store it; otherwise, or when
 *   absent, the user gets a freshly issued code and the legacy text stays in staging ({@code code_reissued}).</li>
 * </ul>
 */
public final class LegacyImporter {

    private static final Logger log = LoggerFactory.getLogger(LegacyImporter.class);
    /** Bad and held rows listed in an {@link ImportResult}; the rest are counted (and kept in legacy_users). */
    public static final int REPORTED_ROWS = 1000;
    private static final int CHUNK = 1 << 16;
    private static final int PROGRESS_EVERY = 5000;
    private static final int SEQUENCE_BLOCK = 1000;

    private final Jdbc jdbc;
    private final LegacyImportStore store;
    private final EmailNormalizer emails;
    private final ReferralCodeGenerator codes;
    private final AuditTrail audit;
    private final CacheCoordinator cache;
    private final ObjectMapper json;
    private final Clock clock;

    /** @param clock what "now" is for created_at dates in the future */
    public LegacyImporter(Jdbc jdbc, EmailNormalizer emails, ReferralCodeGenerator codes, AuditTrail audit,
                          CacheCoordinator cache, ObjectMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.store = new LegacyImportStore(jdbc);
        this.emails = emails;
        this.codes = codes;
        this.audit = audit;
        this.cache = cache;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Imports a UTF-8 file, if {@code by} may import users.
     *
     * @throws org.nstcg.integrity.engine.account.AccessDeniedException when it may not (nothing is read)
     * @throws LegacyImportException when the file cannot be read, its header is wrong, a field or record is over
     *                               {@link CsvRecordReader}'s limits or the database refuses a value (nothing is imported)
     * @throws EngineException       when PostgreSQL fails (nothing is imported)
     */
    public ImportResult importFile(Path file, Actor by, ProgressListener progress) {
        String actor = by.authorize(Permission.IMPORT_USERS);
        long lines = countLines(file);
        try (InputStream in = Files.newInputStream(file);
             Reader reader = new BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                     .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16)) {
            return importAs(actor, reader, file.getFileName().toString(), lines < 0 ? -1 : Math.max(0, lines - 1), progress);
        } catch (CharacterCodingException e) {
            throw new LegacyImportException("The file " + file + " is not UTF-8 text.", e);
        } catch (NoSuchFileException e) {
            throw new LegacyImportException("There is no file " + file + ".", e);
        } catch (IOException e) {
            throw new LegacyImportException("Cannot read " + file + ": " + e.getMessage() + ".", e);
        }
    }

    /**
     * The lines of the file, for progress; -1 when unknown: for what is not a regular file (a pipe, a device such as
     * {@code /dev/zero}, which never ends) and for a file with a NUL byte, which the reader refuses at that byte anyway.
     */
    private static long countLines(Path file) {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            return -1;
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            long n = 0;
            int r;
            int last = '\n';
            while ((r = in.read(buf)) > 0) {
                for (int i = 0; i < r; i++) {
                    if (buf[i] == '\n') {
                        n++;
                    } else if (buf[i] == 0) {
                        return -1;
                    }
                }
                last = buf[r - 1];
            }
            return last == '\n' ? n : n + 1;
        } catch (NoSuchFileException e) {
            throw new LegacyImportException("There is no file " + file + ".", e);
        } catch (IOException e) {
            throw new LegacyImportException("Cannot read " + file + ": " + e.getMessage() + ".", e);
        }
    }

    /**
     * Imports CSV text from {@code reader}, if {@code by} may import users.
     *
     * @param expectedRows data rows expected, for progress (-1 when unknown)
     */
    public ImportResult importCsv(Reader reader, String fileName, Actor by, long expectedRows, ProgressListener progress)
            throws IOException {
        return importAs(by.authorize(Permission.IMPORT_USERS), reader, fileName, expectedRows, progress);
    }

    /** {@link #importCsv} for an actor already checked, recorded as {@code actor}. */
    private ImportResult importAs(String actor, Reader reader, String fileName, long expectedRows, ProgressListener progress)
            throws IOException {
        long started = System.nanoTime();
        CsvRecordReader csv = new CsvRecordReader(reader);
        Optional<CsvRecordReader.CsvRecord> header = csv.next();
        if (header.isEmpty()) {
            throw new LegacyImportException("The file " + fileName + " is empty; its first line must be the header " + LegacyColumns.documentedHeader() + ".");
        }
        LegacyColumns.Layout layout = LegacyColumns.layout(header.get().fields());
        try {
            Staged staged = jdbc.inTransaction("import " + fileName, tx -> stageAndPromote(tx, actor, csv, layout, fileName, expectedRows, progress));
            long imported = staged.promotion.counts().getOrDefault("imported", 0);
            long held = staged.promotion.counts().getOrDefault("held", 0);
            log.info("Import {} of {} by {}: {} rows, {} imported, {} held, {} bad; read and copy {} ms, promotion {} ms, commit {} ms",
                    staged.importId, fileName, actor, staged.rows, imported, held, staged.invalid, (staged.copied - started) / 1_000_000,
                    (staged.promoted - staged.copied) / 1_000_000, (System.nanoTime() - staged.promoted) / 1_000_000);
            invalidate(staged.promotion);
            List<ImportResult.HeldRow> heldRows = store.held(staged.importId, REPORTED_ROWS).stream()
                    .map(h -> new ImportResult.HeldRow(h.line(), h.email(), h.reason(), h.collidesWith())).toList();
            return new ImportResult(staged.importId, fileName, staged.rows, imported, held, staged.invalid,
                    staged.reissued - countReissuedNotImported(staged.importId), staged.promotion.referrersUnresolved(),
                    List.copyOf(staged.bad), heldRows, Duration.ofNanos(System.nanoTime() - started));
        } catch (StoreException e) {
            if (e.sqlState().startsWith("22")) { // a data exception: a value the checks above let through
                throw new LegacyImportException("PostgreSQL refused a value of " + fileName + " (" + e.reason() + "); nothing was imported.", e);
            }
            throw new EngineException("The import of " + fileName + " failed and nothing was imported (" + e.reason() + ").", e);
        } catch (UncheckedIOException e) {
            throw e.getCause(); // the file could not be read: rolled back
        }
    }

    /** What the import's transaction did, for the work after its commit. */
    private static final class Staged {
        long importId;
        long rows;
        long invalid;
        long reissued;
        final List<ImportResult.BadRow> bad = new ArrayList<>();
        LegacyImportStore.Promotion promotion;
        long copied;
        long promoted;
    }

    /** The import's transaction: the COPY of every row into staging, the promotion and the audit entry. */
    private Staged stageAndPromote(Tx tx, String actor, CsvRecordReader csv, LegacyColumns.Layout layout, String fileName,
                                   long expectedRows, ProgressListener progress) {
        Staged st = new Staged();
        Instant now = clock.instant();
        long importId = store.createImport(tx, fileName, actor);
        st.importId = importId;
        StagingCopy copy = store.beginCopy(tx);
        CopyText text = new CopyText();
        long[][] sequence = {new long[0]};
        int[] next = {0};
        try {
            Optional<CsvRecordReader.CsvRecord> rec;
            while ((rec = nextRecord(csv)).isPresent()) {
                CsvRecordReader.CsvRecord r = rec.get();
                st.rows++;
                LegacyRow row = r.problem().map(p -> LegacyRow.unreadable(r.line(), p))
                        .orElseGet(() -> LegacyRow.check(r.line(), r.fields(), layout, emails, now));
                text.field(importId).field(row.line()).field(row.email()).field(row.emailNormalized()).field(row.firstName())
                        .field(row.lastName()).field(row.legacyCode());
                if (row.valid()) {
                    String code;
                    boolean fresh = row.storableCode().isEmpty();
                    if (fresh) {
                        // A blocked word skips sequence values, so a code may need more than one: the supplier
                        // draws a new block whenever the current one runs out.
                        code = codes.next(() -> {
                            if (next[0] >= sequence[0].length) {
                                try {
                                    sequence[0] = store.sequenceValues(SEQUENCE_BLOCK);
                                } catch (StoreException e) {
                                    throw new IllegalStateException("cannot draw referral code sequence values: " + e.getCause().getMessage(), e);
                                }
                                next[0] = 0;
                            }
                            return sequence[0][next[0]++];
                        }, row.firstName()).text();
                        st.reissued++;
                    } else {
                        code = row.storableCode().get();
                    }
                    text.field(code).field(fresh).field(row.points()).field(row.referredByCode())
                            .field(row.createdAt() == null ? null : row.createdAt().toString()).field("pending").field(null);
                } else {
                    st.invalid++;
                    if (st.bad.size() < REPORTED_ROWS) {
                        st.bad.add(new ImportResult.BadRow(row.line(), row.problem().get()));
                    }
                    text.field(null).field(false).field(null).field(row.referredByCode()).field(null).field("invalid")
                            .field(row.problem().get());
                }
                text.endRow();
                if (text.length() >= CHUNK) {
                    copy.write(text.drain());
                }
                if (st.rows % PROGRESS_EVERY == 0) {
                    progress.progress("Reading " + fileName + "…", st.rows, Math.max(st.rows, expectedRows));
                }
            }
            byte[] b = text.drain();
            if (b.length > 0) {
                copy.write(b);
            }
            copy.end();
        } finally {
            copy.cancelIfActive();
        }
        progress.progress("Reading " + fileName + "…", st.rows, st.rows);
        st.copied = System.nanoTime();
        progress.step("Promoting the rows that collide with nothing…");
        LegacyImportStore.Promotion p = store.promote(tx, importId);
        st.promotion = p;
        st.promoted = System.nanoTime();
        long imported = p.counts().getOrDefault("imported", 0);
        long held = p.counts().getOrDefault("held", 0);
        ObjectNode after = json.createObjectNode().put("file", fileName).put("rows", st.rows).put("imported", imported)
                .put("held", held).put("invalid", st.invalid).put("codesReissued", st.reissued)
                .put("referrersUnresolved", p.referrersUnresolved());
        audit.record(tx, AuditEvent.of(actor, "user.import").target("import", Long.toString(importId)).states(null, after)
                .details("imported " + imported + ", held " + held + ", bad " + st.invalid + " of " + st.rows + " rows of " + fileName));
        progress.step("Committing (the database checks every profile against its ledger)…");
        return st;
    }

    /** The next CSV record; a read failure leaves the transaction as an unchecked exception, unwrapped by {@link #importAs}. */
    private static Optional<CsvRecordReader.CsvRecord> nextRecord(CsvRecordReader csv) {
        try {
            return csv.next();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long countReissuedNotImported(long importId) {
        try {
            return store.reissuedNotImported(importId);
        } catch (StoreException e) {
            return 0;
        }
    }

    private void invalidate(LegacyImportStore.Promotion p) {
        Set<String> keys = new TreeSet<>(List.of(CacheKeys.USER_COUNT, CacheKeys.LEADERBOARD));
        if (p.referrersCounted().size() <= 1000) {
            p.referrersCounted().forEach(id -> keys.add(CacheKeys.user(id)));
        } else {
            cache.invalidatePattern(CacheKeys.USER_PATTERN);
        }
        cache.afterCommit(keys);
        // A code looked up before the import may be cached as unknown.
        cache.invalidatePattern(CacheKeys.REFERRAL_PATTERN);
    }
}
