package org.nstcg.integrity.engine.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.Reader;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CsvRecordReaderTest {

    private static List<CsvRecordReader.CsvRecord> read(String text) throws Exception {
        CsvRecordReader r = new CsvRecordReader(new StringReader(text));
        List<CsvRecordReader.CsvRecord> out = new ArrayList<>();
        Optional<CsvRecordReader.CsvRecord> rec;
        while ((rec = r.next()).isPresent()) {
            out.add(rec.get());
        }
        return out;
    }

    @Test
    void quotedFieldsDoubledQuotesAndLineBreaksInsideQuotesKeepLineNumbers() throws Exception {
        List<CsvRecordReader.CsvRecord> recs = read("a,b\r\n\"x,1\",\"say \"\"hi\"\"\"\n\"multi\nline\",z\n\nlast,\n");
        assertThat(recs).extracting(CsvRecordReader.CsvRecord::line).containsExactly(1, 2, 3, 6);
        assertThat(recs.get(1).fields()).containsExactly("x,1", "say \"hi\"");
        assertThat(recs.get(2).fields()).containsExactly("multi\nline", "z");
        assertThat(recs.get(3).fields()).containsExactly("last", "");
        assertThat(recs).allMatch(r -> r.problem().isEmpty());
    }

    @Test
    void aLastLineWithoutNewlineAndMalformedQuotesAreReported() throws Exception {
        assertThat(read("a,b\nc,d").get(1).fields()).containsExactly("c", "d");
        assertThat(read("a,b\nc\"x,d\n").get(1).problem().orElseThrow()).contains("a quote appears inside an unquoted field (field 1)");
        assertThat(read("a,b\n\"open,d\n").get(1).problem().orElseThrow()).contains("a quoted field is not closed before the end of the file");
    }

    /** An endless stream of one character, as a device or a 100 MB field without a line break looks to the reader. */
    private static Reader endless(char c) {
        return new Reader() {
            @Override
            public int read(char[] buf, int off, int len) {
                java.util.Arrays.fill(buf, off, off + len, c);
                return len;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void aFieldOverTheLimitRefusesTheFileNamingTheLine() {
        String ok = "a,b\n" + "x".repeat(CsvRecordReader.MAX_FIELD) + ",y\n";
        assertThat(readUnchecked(ok)).hasSize(2);
        assertThatThrownBy(() -> read("a,b\nc,d\ne," + "x".repeat(CsvRecordReader.MAX_FIELD + 1) + "\n"))
                .isInstanceOf(LegacyImportException.class)
                .hasMessageStartingWith("Line 3: field 2 is longer than 4096 characters").hasMessageContaining("Nothing was imported");
        // an unclosed quote swallows the rest of the file into one field: refused at the limit, not at the end
        assertThatThrownBy(() -> read("a,b\n\"open,d\n" + "z,z\n".repeat(2000)))
                .isInstanceOf(LegacyImportException.class).hasMessageStartingWith("Line 2: field 1 is longer than 4096");
    }

    @Test
    void aRecordOverTheLimitRefusesTheFileEvenWhenEachFieldIsShort() {
        String wide = String.join(",", java.util.Collections.nCopies(20, "x".repeat(4000)));
        assertThatThrownBy(() -> read("a,b\n" + wide + "\n"))
                .isInstanceOf(LegacyImportException.class).hasMessageStartingWith("Line 2: the record is longer than 65536 characters");
    }

    @Test
    void anEndlessFieldOrAStreamOfNulBytesEndsAtOnce() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertThatThrownBy(() -> new CsvRecordReader(endless('x')).next())
                    .isInstanceOf(LegacyImportException.class).hasMessageStartingWith("Line 1: field 1 is longer than 4096");
            assertThatThrownBy(() -> new CsvRecordReader(endless('\0')).next())
                    .isInstanceOf(LegacyImportException.class).hasMessageStartingWith("Line 1 contains a NUL character");
        });
        assertThatThrownBy(() -> read("a,b\nc,d\0\n")).isInstanceOf(LegacyImportException.class).hasMessageStartingWith("Line 2 contains a NUL");
    }

    private static List<CsvRecordReader.CsvRecord> readUnchecked(String text) {
        try {
            return read(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
