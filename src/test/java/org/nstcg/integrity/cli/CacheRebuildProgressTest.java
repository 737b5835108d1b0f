package org.nstcg.integrity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The text progress bar of {@code cache rebuild}. */
class CacheRebuildProgressTest {

    @Test
    void barShowsShareCountsRateAndTimeLeft() {
        assertThat(CacheRebuildCommand.TextProgress.bar(520_000, 1_000_000, 2.0))
                .isEqualTo("[##########----------]  52% 520,000/1,000,000 · 260,000/s · ETA 1.8 s");
        assertThat(CacheRebuildCommand.TextProgress.bar(0, 0, 0)).startsWith("[####################] 100% 0/0");
    }

    @Test
    void withoutATerminalALineIsPrintedPerTenPercentNotPerReport() {
        StringWriter text = new StringWriter();
        CacheRebuildCommand.TextProgress progress = new CacheRebuildCommand.TextProgress(new PrintWriter(text), false);
        for (long done = 0; done <= 1000; done += 25) {
            progress.progress("m", done, 1000);
        }
        assertThat(text.toString().lines()).hasSize(11).allMatch(l -> l.startsWith("["));
        assertThat(text.toString()).doesNotContain("\r");
    }

    @Test
    void onATerminalTheBarIsRedrawnInPlaceAndEndsWithANewLine() {
        StringWriter text = new StringWriter();
        CacheRebuildCommand.TextProgress progress = new CacheRebuildCommand.TextProgress(new PrintWriter(text), true);
        progress.progress("m", 500, 1000);
        progress.progress("m", 1000, 1000);
        assertThat(text.toString()).startsWith("\r[").contains("\r[####################] 100%").endsWith(System.lineSeparator());
    }
}
