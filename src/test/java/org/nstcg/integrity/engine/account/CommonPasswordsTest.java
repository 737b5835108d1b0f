package org.nstcg.integrity.engine.account;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The shipped common-password list: read whole, its header skipped, matched whatever the case. */
class CommonPasswordsTest {

    private final CommonPasswords list = CommonPasswords.builtIn();

    @Test
    void theShippedListHoldsTheTenThousandMostCommonPasswords() {
        assertThat(list.size()).isEqualTo(10_000);
        assertThat(list.contains("123456")).as("the most common").isTrue();
        assertThat(list.contains("# Copyright (c) 2021 @zxcvbn-ts")).as("the header is not an entry").isFalse();
    }

    @Test
    void matchesIgnoreCaseAndSurroundingBlanks() {
        assertThat(list.contains("1QAZ2wsx3EDC")).isTrue();
        assertThat(list.contains(" leavemealone ")).isTrue();
        assertThat(list.contains("correct horse battery staple")).isFalse();
        assertThat(list.contains(null)).isFalse();
    }
}
