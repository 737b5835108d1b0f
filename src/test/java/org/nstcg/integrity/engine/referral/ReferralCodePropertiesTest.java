package org.nstcg.integrity.engine.referral;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.support.Samples;

/**
 * Codes are unique by construction, typo-detecting, and read back as written. Properties run over seeded inputs
 * ({@link Samples}, bounds first); a failure names its input and seed.
 */
class ReferralCodePropertiesTest {

    private static final int TRIES = 1000;

    private static final byte[] KEY = "test-key-0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private final FeistelPermutation permutation = new FeistelPermutation(KEY);
    private final Blocklist blocklist = Blocklist.builtIn();
    private final ReferralCodeGenerator generator = new ReferralCodeGenerator(permutation, blocklist, true);
    private final ReferralCodeParser parser = new ReferralCodeParser();
    private final Samples samples = Samples.seeded();

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

    @Test
    void thePermutationIsABijection() {
        for (long value : samples.longs(TRIES, 0, FeistelPermutation.MAX)) {
            long p = permutation.permute(value);
            assertThat(p).as(samples.describe(value)).isBetween(0L, FeistelPermutation.MAX);
            assertThat(permutation.invert(p)).as(samples.describe(value)).isEqualTo(value);
        }
    }

    @Test
    void neighbouringSequenceValuesGiveUnrelatedCodes() {
        for (long value : samples.longs(TRIES, 1, 1_000_000_000L)) {
            String a = CrockfordBase32.encode(permutation.permute(value), 8);
            String b = CrockfordBase32.encode(permutation.permute(value + 1), 8);
            int samePositions = 0;
            for (int i = 0; i < 8; i++) {
                samePositions += a.charAt(i) == b.charAt(i) ? 1 : 0;
            }
            assertThat(samePositions).as("%s vs %s, %s", a, b, samples.describe(value)).isLessThan(6);
        }
    }

    @Test
    void parsingTheWrittenCodeGivesTheCodeBack() {
        for (long value : samples.longs(TRIES, 1, 10_000_000_000L)) {
            parsesBack(value);
        }
    }

    private void parsesBack(long value) {
        ReferralCode code = codeFor(value);
        assertThat(parser.parse(code.text())).as(samples.describe(value)).isEqualTo(new ParsedCode.Valid(code));
        assertThat(parser.parse(code.text().toLowerCase(Locale.ROOT))).as(samples.describe(value)).isEqualTo(new ParsedCode.Valid(code));
        assertThat(parser.parse(" " + code.text().replace("-", "") + " ")).as(samples.describe(value)).isEqualTo(new ParsedCode.Valid(code));
        String confusable = code.identity().replace('0', 'O').replace('1', 'l');
        assertThat(parser.parse(code.prefix().orElseThrow() + "-" + confusable)).as(samples.describe(value)).isEqualTo(new ParsedCode.Valid(code));
        assertThat(parser.parse(code.identity())).as(samples.describe(value)).isEqualTo(new ParsedCode.Valid(new ReferralCode(Optional.empty(), code.body(), code.check())));
    }

    @Test
    void everySingleSubstitutionIsDetected() {
        for (long value : samples.longs(300, 1, 10_000_000_000L)) {
            substitutionsDetected(value);
        }
    }

    private void substitutionsDetected(long value) {
        String identity = codeFor(value).identity();
        for (int pos = 0; pos < identity.length(); pos++) {
            for (char c : CrockfordBase32.ALPHABET.toCharArray()) {
                if (c == identity.charAt(pos)) {
                    continue;
                }
                String typo = identity.substring(0, pos) + c + identity.substring(pos + 1);
                assertThat(parser.parse(typo)).as(samples.describe(typo)).isInstanceOf(ParsedCode.Mistyped.class);
            }
        }
    }

    @Test
    void everyAdjacentTranspositionIsDetected() {
        for (long value : samples.longs(TRIES, 1, 10_000_000_000L)) {
            transpositionsDetected(value);
        }
    }

    private void transpositionsDetected(long value) {
        String identity = codeFor(value).identity();
        for (int pos = 0; pos + 1 < identity.length(); pos++) {
            if (identity.charAt(pos) == identity.charAt(pos + 1)) {
                continue;
            }
            String typo = identity.substring(0, pos) + identity.charAt(pos + 1) + identity.charAt(pos) + identity.substring(pos + 2);
            assertThat(parser.parse(typo)).as(samples.describe(typo)).isInstanceOf(ParsedCode.Mistyped.class);
        }
    }

    @Test
    void anythingElseIsMalformedOrMistypedNeverAnException() {
        String codeLike = CrockfordBase32.ALPHABET + "ILOUilou-  ";
        List<String> inputs = samples.list(TRIES / 2, () -> samples.anyString(50), "", " ", "-", "--", "\u0000", "\uD800",
                "\uDC00x", "ADAX-", "-12345678X", "X".repeat(50), "\t\n");
        inputs.addAll(samples.list(TRIES / 2, () -> samples.string(codeLike, 0, 50)));
        for (String typed : inputs) {
            assertThat(parser.parse(typed)).as(samples.describe(typed)).isNotNull();
        }
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

    @Test
    void aCodeLongerThanAnyCodeIsRefusedWithoutReadingIt() {
        assertThat(ReferralCodeParser.tooLong("A".repeat(32))).isEmpty();
        assertThat(ReferralCodeParser.tooLong("  ABCD EFGH IJKL MNOP QRST UVWX YZ01 2345  ")).isEmpty();
        assertThat(ReferralCodeParser.tooLong("A".repeat(33))).contains("is longer than 32 characters, longer than any referral code");
        String huge = "X".repeat(10_000_000);
        assertThat(parser.parse(huge)).isInstanceOfSatisfying(ParsedCode.Malformed.class, m -> {
            assertThat(m.reason()).contains("longer than 32 characters");
            assertThat(m.typed()).hasSizeLessThan(40);
        });
    }
}
