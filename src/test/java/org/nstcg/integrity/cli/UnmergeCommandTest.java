package org.nstcg.integrity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The unmerge summary counts in words: "1 point", "30 points", never "point(s)" (issue 15 §4). */
class UnmergeCommandTest {

    @Test
    void countsAreSingularForOneAndPluralOtherwise() {
        assertThat(UnmergeCommand.counted(1, "referred user", "referred users")).isEqualTo("1 referred user");
        assertThat(UnmergeCommand.counted(0, "referral code", "referral codes")).isEqualTo("0 referral codes");
        assertThat(UnmergeCommand.counted(30, "point", "points")).isEqualTo("30 points");
    }
}
