package org.nstcg.integrity.console.viewmodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pager's line: counts in words, singular and plural, the total once the last page is reached (issue 15 §4). */
class KeysetPagerTest {

    private final KeysetPager<String> pager = new KeysetPager<>(50, "saga", "sagas");

    private String shown(int rows, boolean more) {
        pager.shown(rows, more ? Optional.of("next") : Optional.empty());
        return pager.textProperty().get();
    }

    @Test
    void oneRowIsSingularAndTheLastPageGivesTheTotal() {
        assertThat(shown(1, false)).isEqualTo("Saga 1 of 1");
        assertThat(shown(9, false)).isEqualTo("Sagas 1–9 of 9");
        assertThat(shown(0, false)).isEqualTo("No sagas");
    }

    @Test
    void laterPagesSayWhichPageTheyAre() {
        assertThat(shown(50, true)).isEqualTo("Sagas 1–50 · page 1");
        pager.older();
        assertThat(shown(1, false)).isEqualTo("Saga 51 of 51 · page 2");
        pager.newer();
        pager.shown(50, Optional.of("next"));
        pager.older();
        assertThat(shown(0, false)).isEqualTo("No sagas on page 2");
    }
}
