package org.nstcg.integrity.engine.registration;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NameRulesTest {

    @Test
    void aNameWithTheReplacementCharacterOfAMisdecodedTextIsRefused() {
        assertThat(NameRules.check("Andr\uFFFD", true).problem()).contains("U+FFFD, the replacement character");
        assertThat(NameRules.check("M\uFFFD\uFFFDller", false).problem()).contains("U+FFFD");
        assertThat(NameRules.check("André", true).value()).isEqualTo("André");
    }
}
