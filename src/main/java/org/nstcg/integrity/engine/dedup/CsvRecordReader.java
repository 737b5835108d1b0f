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
 */
final class CsvRecordReader {

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
        return c;
    }

    /** The next record, or empty at the end of the input. Blank lines are skipped. */
    Optional<CsvRecord> next() throws IOException {
        while (true) {
            int start = line;
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
                c = read();
            }
            if (!any && !wasQuoted && fields.size() == 1 && fields.get(0).isEmpty() && problem == null) {
                continue; // blank line
            }
            return Optional.of(new CsvRecord(start, fields, Optional.ofNullable(problem)));
        }
    }
}
