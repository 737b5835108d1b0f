package org.nstcg.integrity.engine.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Properties of normalisation over generated addresses: idempotence, case, tags and dots. */
class EmailNormalizerPropertiesTest {

    private final EmailNormalizer normalizer = EmailNormalizer.withBuiltInRules();

    @Provide
    Arbitrary<String> localParts() {
        Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
                .withChars('_').ofMinLength(1).ofMaxLength(10);
        return word.list().ofMinSize(1).ofMaxSize(3).map(parts -> String.join(".", parts));
    }

    @Provide
    Arbitrary<String> domains() {
        return Arbitraries.of("gmail.com", "googlemail.com", "outlook.com", "hotmail.co.uk", "icloud.com", "yahoo.com",
                "proton.me", "example.org", "company.co.uk", "bücher.de", "EXAMPLE.COM");
    }

    @Provide
    Arbitrary<String> addresses() {
        Arbitrary<String> tag = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(0).ofMaxLength(6)
                .map(t -> t.isEmpty() ? "" : "+" + t);
        return Combinators.combine(localParts(), tag, domains()).as((l, t, d) -> l + t + "@" + d);
    }

    @Property
    void normalisingTwiceChangesNothing(@ForAll("addresses") String address) {
        String once = normalizer.normalize(address).orElseThrow();
        assertThat(normalizer.normalize(once)).contains(once);
    }

    @Property
    void caseNeverMatters(@ForAll("addresses") String address) {
        assertThat(normalizer.normalize(address.toUpperCase(Locale.ROOT)))
                .isEqualTo(normalizer.normalize(address.toLowerCase(Locale.ROOT)));
    }

    @Property
    void theNormalFormIsLowerCaseAsciiDomainAndAtMost254(@ForAll("addresses") String address) {
        String n = normalizer.normalize(address).orElseThrow();
        String domain = n.substring(n.lastIndexOf('@') + 1);
        assertThat(n).isEqualTo(n.toLowerCase(Locale.ROOT)).hasSizeLessThanOrEqualTo(254);
        assertThat(domain).matches("[a-z0-9.-]+");
    }

    @Property
    void gmailIgnoresDotsTagsAndTheGooglemailAlias(@ForAll("localParts") String local, @ForAll @IntRange(min = 0, max = 5) int dotAt,
                                                   @ForAll("tags") String tag) {
        String plain = local.replace(".", "");
        String dotted = dotAt < plain.length() && dotAt > 0 ? plain.substring(0, dotAt) + "." + plain.substring(dotAt) : plain;
        assertThat(normalizer.normalize(dotted + tag + "@googlemail.com")).isEqualTo(normalizer.normalize(plain + "@gmail.com"));
    }

    @Property
    void plusTagsAreDroppedOnlyWhereTheProviderIgnoresThem(@ForAll("localParts") String local, @ForAll("tags") String tag) {
        if (tag.isEmpty()) {
            return;
        }
        assertThat(normalizer.normalize(local + tag + "@outlook.com")).isEqualTo(normalizer.normalize(local + "@outlook.com"));
        assertThat(normalizer.normalize(local + tag + "@example.org")).isNotEqualTo(normalizer.normalize(local + "@example.org"));
    }

    @Property
    void yahooDropsDashTags(@ForAll("localParts") String local, @ForAll("tags") String tag) {
        if (tag.isEmpty() || local.contains("-")) {
            return;
        }
        String dashTag = "-" + tag.substring(1);
        assertThat(normalizer.normalize(local + dashTag + "@yahoo.com")).isEqualTo(normalizer.normalize(local + "@yahoo.com"));
    }

    @Property
    void controlCharactersAnywhereAreRefused(@ForAll("addresses") String address, @ForAll @IntRange(min = 0, max = 31) int control,
                                             @ForAll @IntRange(min = 0, max = 100) int position) {
        // Tabs and line breaks at either end are paste artefacts and trimmed; anywhere else every control character is refused.
        boolean atEnd = position == 0 || position >= address.length();
        if (atEnd && (control == '\t' || control == '\n' || control == '\r')) {
            return;
        }
        int at = Math.min(position, address.length());
        String bad = address.substring(0, at) + (char) control + address.substring(at);
        assertThat(normalizer.check(bad)).isInstanceOf(EmailCheck.Invalid.class);
    }

    @Provide
    Arbitrary<String> tags() {
        return Arbitraries.strings().withCharRange('a', 'z').ofMinLength(0).ofMaxLength(8).map(t -> t.isEmpty() ? "" : "+" + t);
    }
}
