package org.nstcg.integrity.engine.referral;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** Codes are unique by construction, typo-detecting, and read back as written. */
class ReferralCodePropertiesTest {

    private static final byte[] KEY = "test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private final FeistelPermutation permutation = new FeistelPermutation(KEY);
    private final Blocklist blocklist = Blocklist.builtIn();
    private final ReferralCodeGenerator generator = new ReferralCodeGenerator(permutation, blocklist, true);
    private final ReferralCodeParser parser = new ReferralCodeParser();

    private ReferralCode codeFor(long value) {
        AtomicLong seq = new AtomicLong(value);
        return generator.next(seq::getAndIncrement, "Ada");
    }

    @Test
    void aMillionGeneratedCodesHaveNoDuplicateAndNoBlockedWord() {
        AtomicLong sequence = new AtomicLong(1);
        Set<String> seen = new HashSet<>(2_000_000);
        for (int i = 0; i < 1_000_000; i++) {
            ReferralCode code = generator.next(sequence::getAndIncrement, "Ada");
            assertThat(seen.add(code.identity())).as("duplicate %s", code).isTrue();
            assertThat(blocklist.blocks(code.body())).isFalse();
        }
        assertThat(seen).hasSize(1_000_000);
        assertThat(sequence.get() - 1).as("sequence values used, blocked bodies skipped").isGreaterThanOrEqualTo(1_000_000);
    }

    @Property
    void thePermutationIsABijection(@ForAll @LongRange(min = 0, max = FeistelPermutation.MAX) long value) {
        long p = permutation.permute(value);
        assertThat(p).isBetween(0L, FeistelPermutation.MAX);
        assertThat(permutation.invert(p)).isEqualTo(value);
    }

    @Property
    void neighbouringSequenceValuesGiveUnrelatedCodes(@ForAll @LongRange(min = 1, max = 1_000_000_000L) long value) {
        String a = CrockfordBase32.encode(permutation.permute(value), 8);
        String b = CrockfordBase32.encode(permutation.permute(value + 1), 8);
        int samePositions = 0;
        for (int i = 0; i < 8; i++) {
            samePositions += a.charAt(i) == b.charAt(i) ? 1 : 0;
        }
        assertThat(samePositions).as("%s vs %s", a, b).isLessThan(6);
    }

    @Property
    void parsingTheWrittenCodeGivesTheCodeBack(@ForAll @LongRange(min = 1, max = 10_000_000_000L) long value) {
        ReferralCode code = codeFor(value);
        assertThat(parser.parse(code.text())).isEqualTo(new ParsedCode.Valid(code));
        assertThat(parser.parse(code.text().toLowerCase(Locale.ROOT))).isEqualTo(new ParsedCode.Valid(code));
        assertThat(parser.parse(" " + code.text().replace("-", "") + " ")).isEqualTo(new ParsedCode.Valid(code));
        String confusable = code.identity().replace('0', 'O').replace('1', 'l');
        assertThat(parser.parse(code.prefix().orElseThrow() + "-" + confusable)).isEqualTo(new ParsedCode.Valid(code));
        assertThat(parser.parse(code.identity())).isEqualTo(new ParsedCode.Valid(new ReferralCode(Optional.empty(), code.body(), code.check())));
    }

    @Property(tries = 300)
    void everySingleSubstitutionIsDetected(@ForAll @LongRange(min = 1, max = 10_000_000_000L) long value) {
        String identity = codeFor(value).identity();
        for (int pos = 0; pos < identity.length(); pos++) {
            for (char c : CrockfordBase32.ALPHABET.toCharArray()) {
                if (c == identity.charAt(pos)) {
                    continue;
                }
                String typo = identity.substring(0, pos) + c + identity.substring(pos + 1);
                assertThat(parser.parse(typo)).as(typo).isInstanceOf(ParsedCode.Mistyped.class);
            }
        }
    }

    @Property(tries = 1000)
    void everyAdjacentTranspositionIsDetected(@ForAll @LongRange(min = 1, max = 10_000_000_000L) long value) {
        String identity = codeFor(value).identity();
        for (int pos = 0; pos + 1 < identity.length(); pos++) {
            if (identity.charAt(pos) == identity.charAt(pos + 1)) {
                continue;
            }
            String typo = identity.substring(0, pos) + identity.charAt(pos + 1) + identity.charAt(pos) + identity.substring(pos + 2);
            assertThat(parser.parse(typo)).as(typo).isInstanceOf(ParsedCode.Mistyped.class);
        }
    }

    @Property
    void anythingElseIsMalformedOrMistypedNeverAnException(@ForAll @StringLength(max = 50) String typed) {
        assertThat(parser.parse(typed)).isNotNull();
    }

    @Test
    void prefixesAreFoldedPaddedAndNeverOffensive() {
        assertThat(generator.prefix("Zoë")).isEqualTo("ZOEX");
        assertThat(generator.prefix("Ólafur")).isEqualTo("OLAF");
        assertThat(generator.prefix("李")).isEqualTo("XXXX");
        assertThat(generator.prefix("  j-p ")).isEqualTo("JPXX");
        assertThat(generator.prefix("Dick")).isEqualTo("XXXX");
    }

    @Test
    void theBlocklistReadsDigitsAsLetters() {
        assertThat(blocklist.blocks("5H1T0000")).isTrue();
        assertThat(blocklist.blocks("ABCDEF12")).isFalse();
        assertThat(blocklist.blocks("FVCK0000")).isTrue();
    }

    @Test
    void malformedInputSaysWhy() {
        assertThat(parser.parse("")).isInstanceOf(ParsedCode.Malformed.class);
        assertThat(parser.parse("ADAX-123")).isInstanceOfSatisfying(ParsedCode.Malformed.class,
                m -> assertThat(m.reason()).contains("9 letters and digits"));
        assertThat(parser.parse("ADAX-12345678U")).isInstanceOfSatisfying(ParsedCode.Malformed.class,
                m -> assertThat(m.reason()).contains("'U'"));
        assertThat(parser.parse("A1-123456789")).isInstanceOfSatisfying(ParsedCode.Malformed.class,
                m -> assertThat(m.reason()).contains("prefix"));
    }
}
