package org.nstcg.integrity.engine.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.support.Samples;

/**
 * Properties of normalisation over generated addresses: idempotence, case, tags and dots. Each property runs over
 * {@value #TRIES} seeded inputs ({@link Samples}); a failure names its input and seed.
 */
class EmailNormalizerPropertiesTest {

    private static final int TRIES = 1000;
    private static final String WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
    private static final String[] DOMAINS = {"gmail.com", "googlemail.com", "outlook.com", "hotmail.co.uk", "icloud.com",
        "yahoo.com", "proton.me", "example.org", "company.co.uk", "bücher.de", "EXAMPLE.COM"};

    private final EmailNormalizer normalizer = EmailNormalizer.withBuiltInRules();
    private final Samples samples = Samples.seeded();

    /** One to three words of 1–10 letters, digits or underscores, joined by dots. */
    private String localPart() {
        int words = samples.between(1, 3);
        List<String> parts = new ArrayList<>(words);
        for (int i = 0; i < words; i++) {
            parts.add(samples.string(WORD_CHARS, 1, 10));
        }
        return String.join(".", parts);
    }

    /** Empty, or "+" and 1–{@code maxLength} lower-case letters. */
    private String tag(int maxLength) {
        String t = samples.string("abcdefghijklmnopqrstuvwxyz", 0, maxLength);
        return t.isEmpty() ? "" : "+" + t;
    }

    private String address() {
        return localPart() + tag(6) + "@" + samples.oneOf(DOMAINS);
    }

    private List<String> addresses() {
        return samples.list(TRIES, this::address);
    }

    @Test
    void normalisingTwiceChangesNothing() {
        for (String address : addresses()) {
            String once = normalizer.normalize(address).orElseThrow();
            assertThat(normalizer.normalize(once)).as(samples.describe(address)).contains(once);
        }
    }

    @Test
    void caseNeverMatters() {
        for (String address : addresses()) {
            assertThat(normalizer.normalize(address.toUpperCase(Locale.ROOT))).as(samples.describe(address))
                    .isEqualTo(normalizer.normalize(address.toLowerCase(Locale.ROOT)));
        }
    }

    @Test
    void theNormalFormIsLowerCaseAsciiDomainAndAtMost254() {
        for (String address : addresses()) {
            String n = normalizer.normalize(address).orElseThrow();
            String domain = n.substring(n.lastIndexOf('@') + 1);
            assertThat(n).as(samples.describe(address)).isEqualTo(n.toLowerCase(Locale.ROOT)).hasSizeLessThanOrEqualTo(254);
            assertThat(domain).as(samples.describe(address)).matches("[a-z0-9.-]+");
        }
    }

    @Test
    void gmailIgnoresDotsTagsAndTheGooglemailAlias() {
        for (int i = 0; i < TRIES; i++) {
            String plain = localPart().replace(".", "");
            int dotAt = samples.between(0, 5);
            String tag = tag(8);
            String dotted = dotAt < plain.length() && dotAt > 0 ? plain.substring(0, dotAt) + "." + plain.substring(dotAt) : plain;
            assertThat(normalizer.normalize(dotted + tag + "@googlemail.com")).as(samples.describe(dotted + tag))
                    .isEqualTo(normalizer.normalize(plain + "@gmail.com"));
        }
    }

    @Test
    void plusTagsAreDroppedOnlyWhereTheProviderIgnoresThem() {
        int checked = 0;
        for (int i = 0; i < TRIES; i++) {
            String local = localPart();
            String tag = tag(8);
            if (tag.isEmpty()) {
                continue;
            }
            checked++;
            assertThat(normalizer.normalize(local + tag + "@outlook.com")).as(samples.describe(local + tag))
                    .isEqualTo(normalizer.normalize(local + "@outlook.com"));
            assertThat(normalizer.normalize(local + tag + "@example.org")).as(samples.describe(local + tag))
                    .isNotEqualTo(normalizer.normalize(local + "@example.org"));
        }
        assertThat(checked).as("inputs with a tag").isGreaterThan(TRIES / 2);
    }

    @Test
    void yahooDropsDashTags() {
        int checked = 0;
        for (int i = 0; i < TRIES; i++) {
            String local = localPart();
            String tag = tag(8);
            if (tag.isEmpty() || local.contains("-")) {
                continue;
            }
            checked++;
            String dashTag = "-" + tag.substring(1);
            assertThat(normalizer.normalize(local + dashTag + "@yahoo.com")).as(samples.describe(local + dashTag))
                    .isEqualTo(normalizer.normalize(local + "@yahoo.com"));
        }
        assertThat(checked).as("inputs with a tag").isGreaterThan(TRIES / 2);
    }

    @Test
    void controlCharactersAnywhereAreRefused() {
        for (int i = 0; i < TRIES; i++) {
            String address = address();
            // Every control character at the start and the end, then random ones at random places.
            int control = i < 64 ? i % 32 : samples.between(0, 31);
            int position = i < 32 ? 0 : i < 64 ? address.length() : samples.between(0, 100);
            // Tabs and line breaks at either end are paste artefacts and trimmed; anywhere else every control character is refused.
            boolean atEnd = position == 0 || position >= address.length();
            if (atEnd && (control == '\t' || control == '\n' || control == '\r')) {
                continue;
            }
            int at = Math.min(position, address.length());
            String bad = address.substring(0, at) + (char) control + address.substring(at);
            assertThat(normalizer.check(bad)).as(samples.describe(bad.replace((char) control, '¿') + " with U+" + Integer.toHexString(control)))
                    .isInstanceOf(EmailCheck.Invalid.class);
        }
    }
}
