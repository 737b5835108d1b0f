package org.nstcg.integrity.engine.dedup;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads RFC 4180 CSV one record at a time from a {@link Reader}: quoted fields, doubled quotes, line breaks inside
 * quotes, CRLF or LF. Holds one record in memory, never the file, so a file of any size streams through it.
 * Each record knows the line it starts on, for error messages.
 *
 * <p>Design notes: one record is bounded too. A field longer than {@value #MAX_FIELD} characters or a record longer
 * than {@value #MAX_RECORD} (no column of a users file comes near either) stops the reading as soon as the limit is
 * passed, with a {@link LegacyImportException} naming the line, before more of it is kept: an unclosed quote or a
 * file without line breaks would otherwise be buffered whole (a 100 MB field once reached staging with an 872 MB
 * peak). A NUL character stops it too: text files have none, so the file is binary or UTF-16 ({@code /dev/zero}
 * ends at its first byte instead of never).
 */
final class CsvRecordReader {

    /** The longest field, in characters. */
    static final int MAX_FIELD = 4096;
    /** The longest record, in characters, separators and line breaks included. */
    static final int MAX_RECORD = 65536;

    /** One record: its fields and the physical line (1-based) it starts on; {@code problem} when it is malformed. */
    record CsvRecord(int line, List<String> fields, Optional<String> problem) {
    }

    private final Reader in;
    private final StringBuilder field = new StringBuilder();
    private int line = 1;
    private int pushedBack = -2;
    private long charsRead;

    CsvRecordReader(Reader in) {
        this.in = in;
    }

    /** Characters consumed so far. */
    long charsRead() {
        return charsRead;
    }

    private int read() throws IOException {
        if (pushedBack != -2) {
            int c = pushedBack;
            pushedBack = -2;
            return c;
        }
        int c = in.read();
        if (c >= 0) {
            charsRead++;
        }
        if (c == 0) {
            throw new LegacyImportException("Line " + line + " contains a NUL character, which no text file has: the file is"
                    + " binary or not UTF-8 (UTF-16?). Nothing was imported.");
        }
        return c;
    }

    /** Refuses the record starting on {@code start} once it or its current field is over its limit. */
    private void checkSize(int start, long recordStart, int fieldNumber) {
        if (field.length() > MAX_FIELD) {
            throw new LegacyImportException("Line " + start + ": field " + fieldNumber + " is longer than " + MAX_FIELD
                    + " characters, more than any column of a users file holds (an unclosed quote?). Nothing was imported.");
        }
        if (charsRead - recordStart > MAX_RECORD) {
            throw new LegacyImportException("Line " + start + ": the record is longer than " + MAX_RECORD
                    + " characters, more than a users file has in one row (an unclosed quote?). Nothing was imported.");
        }
    }

    /**
     * The next record, or empty at the end of the input. Blank lines are skipped.
     *
     * @throws LegacyImportException naming the line, when a field or the record is too long or a NUL is read
     */
    Optional<CsvRecord> next() throws IOException {
        while (true) {
            int start = line;
            long recordStart = charsRead;
            List<String> fields = new ArrayList<>();
            field.setLength(0);
            boolean quoted = false;
            boolean wasQuoted = false;
            String problem = null;
            int c = read();
            if (c < 0) {
                return Optional.empty();
            }
            boolean any = false;
            while (true) {
                if (c < 0) {
                    if (quoted) {
                        problem = "a quoted field is not closed before the end of the file";
                    }
                    fields.add(field.toString());
                    break;
                }
                if (quoted) {
                    if (c == '"') {
                        int d = read();
                        if (d == '"') {
                            field.append('"');
                        } else {
                            quoted = false;
                            c = d;
                            continue;
                        }
                    } else {
                        if (c == '\n') {
                            line++;
                        }
                        field.append((char) c);
                    }
                } else if (c == '"') {
                    if (field.length() == 0 && !wasQuoted) {
                        quoted = true;
                        wasQuoted = true;
                    } else if (problem == null) {
                        problem = "a quote appears inside an unquoted field (field " + (fields.size() + 1) + ")";
                    }
                } else if (c == ',') {
                    fields.add(field.toString());
                    field.setLength(0);
                    wasQuoted = false;
                    any = true;
                } else if (c == '\r' || c == '\n') {
                    if (c == '\r') {
                        int d = read();
                        if (d != '\n') {
                            pushedBack = d;
                        }
                    }
                    line++;
                    fields.add(field.toString());
                    break;
                } else {
                    field.append((char) c);
                    any = true;
                }
                checkSize(start, recordStart, fields.size() + 1);
                c = read();
            }
            if (!any && !wasQuoted && fields.size() == 1 && fields.get(0).isEmpty() && problem == null) {
                continue; // blank line
            }
            return Optional.of(new CsvRecord(start, fields, Optional.ofNullable(problem)));
        }
    }
}
