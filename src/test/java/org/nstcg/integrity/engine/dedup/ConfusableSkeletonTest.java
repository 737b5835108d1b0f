package org.nstcg.integrity.engine.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.email.EmailNormalizer;
import org.nstcg.integrity.engine.store.DuplicateStore.Person;

class ConfusableSkeletonTest {

    private static final EmailNormalizer EMAILS = EmailNormalizer.withBuiltInRules();
    private static final String CYRILLIC = EMAILS.normalize("\u0430da@example.com").orElseThrow();
    private static final String FULLWIDTH = EMAILS.normalize("\uFF41da@example.com").orElseThrow();
    private static final String CYRILLIC_DOMAIN = EMAILS.normalize("ada@ex\u0430mple.com").orElseThrow();

    @Test
    void lookAlikeAddressesShareTheSkeletonOfTheAsciiOne() {
        String ada = ConfusableSkeleton.ofAddress("ada@example.com");
        assertThat(ConfusableSkeleton.ofAddress(CYRILLIC)).isEqualTo(ada);
        assertThat(ConfusableSkeleton.ofAddress(FULLWIDTH)).isEqualTo(ada);
        assertThat(CYRILLIC_DOMAIN).startsWith("ada@xn--");
        assertThat(ConfusableSkeleton.ofAddress(CYRILLIC_DOMAIN)).isEqualTo(ada);
        // unrelated addresses do not
        assertThat(ConfusableSkeleton.ofAddress("bob@example.com")).isNotEqualTo(ada);
        assertThat(ConfusableSkeleton.ofAddress("ada@example.org")).isNotEqualTo(ada);
        assertThat(ConfusableSkeleton.ofAddress("b\u043Eb@example.com")).isNotEqualTo(ada);
    }

    @Test
    void theAsciiTwinOfALookAlikeIsFoundByReplacingItsNonAsciiCharacters() {
        assertThat(ConfusableSkeleton.asciiLookAlike(CYRILLIC)).contains("ada@example.com");
        assertThat(ConfusableSkeleton.asciiLookAlike(FULLWIDTH)).contains("ada@example.com");
        assertThat(ConfusableSkeleton.asciiLookAlike(CYRILLIC_DOMAIN)).contains("ada@example.com");
        assertThat(ConfusableSkeleton.asciiLookAlike("ada@example.com")).isEmpty();
        assertThat(ConfusableSkeleton.asciiLookAlike("\u674E@example.com")).isEmpty(); // 李 looks like no ASCII letter
    }

    @Test
    void theScorerLinksLookAlikeAddressesWithAReasonAndReadsLookAlikeNamesAsAscii() {
        Person ada = new Person(1, "ada@example.com", "ada@example.com", "Ada", "Byron", "active");
        Person cyrillic = new Person(2, CYRILLIC, CYRILLIC, "Mira", "Quist", "active");
        DuplicateScorer.Score s = DuplicateScorer.score(ada, cyrillic, true);
        assertThat(s.value()).isGreaterThanOrEqualTo(DuplicateScorer.THRESHOLD);
        assertThat(s.reasons()).containsExactly("look-alike address: ada@example.com and " + CYRILLIC + " look the same (U+0430 for a)");
        assertThat(DuplicateScorer.letters("\u0410da L\u043Evelace")).isEqualTo("adalovelace");
    }
}
