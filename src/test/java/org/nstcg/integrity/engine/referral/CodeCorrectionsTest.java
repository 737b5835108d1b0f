package org.nstcg.integrity.engine.referral;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CodeCorrectionsTest {

    /** A valid identity: the parser accepts it. */
    private static final String CODE = validCode();

    @Test
    void everySingleSubstitutionOfAValidCodeIsCorrectedBackToIt() {
        String identity = CODE.substring(CODE.length() - 9);
        String alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        for (int i = 0; i < 9; i++) {
            for (char c : alphabet.toCharArray()) {
                if (c == identity.charAt(i)) {
                    continue;
                }
                String typo = "ADAX-" + identity.substring(0, i) + c + identity.substring(i + 1);
                assertThat(new ReferralCodeParser().parse(typo)).isInstanceOf(ParsedCode.Mistyped.class);
                assertThat(CodeCorrections.candidates(typo)).as(typo).contains(identity).hasSizeLessThanOrEqualTo(17);
            }
        }
    }

    @Test
    void swappedExtraAndMissingSymbolsAreCorrected() {
        String identity = CODE.substring(CODE.length() - 9);
        String swapped = identity.charAt(1) + "" + identity.charAt(0) + identity.substring(2);
        if (!swapped.equals(identity)) {
            assertThat(CodeCorrections.candidates(swapped)).contains(identity);
        }
        assertThat(CodeCorrections.candidates(identity.substring(0, 4) + identity.substring(5))).contains(identity);
        assertThat(CodeCorrections.candidates(identity.substring(0, 4) + "7" + identity.substring(4))).contains(identity);
        String typo = identity.substring(0, 8) + (identity.charAt(8) == '7' ? '8' : '7');
        assertThat(CodeCorrections.candidates("adax " + typo.toLowerCase())).contains(identity);
        assertThat(CodeCorrections.candidates(CODE)).as("a valid code is no typo").isEmpty();
    }

    @Test
    void textThatCannotBeACodeHasNoCandidates() {
        assertThat(CodeCorrections.candidates("ada")).isEmpty();
        assertThat(CodeCorrections.candidates("ada@gmail.com")).isEmpty();
        assertThat(CodeCorrections.candidates(null)).isEmpty();
        assertThat(CodeCorrections.candidates("UUUUUUUUU")).isEmpty();
    }

    private static String validCode() {
        String body = "7K3M9QW2";
        for (char check : "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray()) {
            if (new ReferralCodeParser().parse("ADAX-" + body + check) instanceof ParsedCode.Valid) {
                return "ADAX-" + body + check;
            }
        }
        throw new IllegalStateException("no check symbol fits");
    }
}
