package org.nstcg.integrity.engine.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReasonsTest {

    @Test
    void aReasonOfAtMost500CharactersPassesALongerOneIsRefusedWithASentence() {
        Reasons.check(null);
        Reasons.check("r".repeat(500));
        assertThat(Reasons.tooLong("r".repeat(500))).isEmpty();
        assertThat(Reasons.tooLong("r".repeat(501))).contains("the reason is longer than 500 characters (it has 501); say why in fewer words");
        assertThatThrownBy(() -> Reasons.check("r".repeat(10_000))).isInstanceOf(InvalidInputException.class)
                .isInstanceOf(EngineException.class).hasMessage("The reason is longer than 500 characters (it has 10000); say why in fewer words.");
    }
}
