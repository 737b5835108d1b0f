package org.nstcg.integrity.engine.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
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
}
