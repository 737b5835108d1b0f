package org.nstcg.integrity.engine.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.repair.Repair;

/** Control and bidirectional characters are refused where actors and reasons enter, and escaped on output. */
class ControlCharactersTest {

    @Test
    void anOperatorNamedWithABidiOverrideOrAControlCharacterIsRefusedWithASentence() {
        assertThatThrownBy(() -> Actor.operator("admin\u202Enimda"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an operator's name (--actor) must not contain control or bidirectional-override characters (U+202E)");
        assertThatThrownBy(() -> Actor.operator("ops\u001B[2Kroot")).hasMessageContaining("(U+001B)");
        assertThatThrownBy(() -> Actor.operator("ops\nroot")).hasMessageContaining("(U+000A)");
        assertThat(Actor.operator("Ådne Øvergård").authorize(null)).isEqualTo("Ådne Øvergård");
    }

    @Test
    void aReasonWithABidiCharacterIsRefusedButLineBreaksAreAllowed() {
        assertThatThrownBy(() -> Repair.checkReason("fixed \u2066it\u2069"))
                .isInstanceOf(EngineException.class)
                .hasMessage("The reason must not contain control or bidirectional-override characters (U+2066).");
        assertThatThrownBy(() -> Repair.checkReason("fixed\rover")).hasMessageContaining("(U+000D)");
        assertThat(ControlCharacters.refusal("the reason", "line one\nline two\tend", true)).isEmpty();
        assertThat(ControlCharacters.refusal("the reason", null, true)).isEmpty();
    }

    @Test
    void storedCharactersAreEscapedOnOutput() {
        assertThat(ControlCharacters.escape("ad\u202Emin\nnext\u0007")).isEqualTo("ad\\u202Emin\\u000Anext\\u0007");
        assertThat(ControlCharacters.escape("plain — text")).isEqualTo("plain — text");
    }
}
