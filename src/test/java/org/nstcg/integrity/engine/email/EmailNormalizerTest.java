package org.nstcg.integrity.engine.email;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Examples of validation and provider-rule normalisation. */
class EmailNormalizerTest {

    private final EmailNormalizer normalizer = EmailNormalizer.withBuiltInRules();

    private String normalized(String typed) {
        EmailCheck check = normalizer.check(typed);
        assertThat(check).as(typed).isInstanceOf(EmailCheck.Valid.class);
        return ((EmailCheck.Valid) check).address().normalized();
    }

    private String reason(String typed) {
        EmailCheck check = normalizer.check(typed);
        assertThat(check).as(typed).isInstanceOf(EmailCheck.Invalid.class);
        return ((EmailCheck.Invalid) check).reason();
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
            "John.Smith+news@Gmail.com, johnsmith@gmail.com",
            "j.o.h.n.smith@googlemail.com, johnsmith@gmail.com",
            "JOHNSMITH@GMAIL.COM, johnsmith@gmail.com",
            "  ada+x@outlook.com  , ada@outlook.com",
            "a.da+x@outlook.com, a.da@outlook.com",
            "Ada+promo@Hotmail.co.uk, ada@hotmail.co.uk",
            "ada+1@icloud.com, ada@icloud.com",
            "ada+1@me.com, ada@icloud.com",
            "Ada@Mac.com, ada@icloud.com",
            "ada+1@proton.me, ada@proton.me",
            "ada@protonmail.com, ada@proton.me",
            "ada+x@protonmail.ch, ada@proton.me",
            "ada@pm.me, ada@proton.me",
            "ada+1@yandex.ru, ada@yandex.ru",
            "test@ya.ru, test@yandex.ru",
            "test@yandex.kz, test@yandex.ru",
            "test@yandex.ua, test@yandex.ru",
            "test@yandex.com, test@yandex.ru",
            "test@yandex.by, test@yandex.ru",
            "ada@fastmail.fm, ada@fastmail.fm",
            "ada@hotmail.com, ada@hotmail.com",
            "ada@ymail.com, ada@ymail.com",
            "ada+x@fastmail.com, ada@fastmail.com",
            "ada-shopping@yahoo.com, ada@yahoo.com",
            "ada+shopping@yahoo.com, ada+shopping@yahoo.com",
            "Ada.Lovelace+x@example.org, ada.lovelace+x@example.org",
            "ada@Bücher.de, ada@xn--bcher-kva.de",
            "ada@xn--bcher-kva.de, ada@xn--bcher-kva.de",
    })
    void normalisesByProviderRules(String typed, String expected) {
        assertThat(normalized(typed)).isEqualTo(expected);
    }

    @Test
    void theAddressAsTypedIsKeptTrimmedAndInNfc() {
        EmailCheck.Valid v = (EmailCheck.Valid) normalizer.check("  Zoe\u0301@Example.org ");

        assertThat(v.address().asTyped()).isEqualTo("Zo\u00e9@Example.org");
        assertThat(v.address().normalized()).isEqualTo("zo\u00e9@example.org");
    }

    @Test
    void decomposedAndComposedSpellingsAreOneMailbox() {
        assertThat(normalized("Jose\u0301@example.org")).isEqualTo(normalized("Jos\u00e9@example.org"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"+tag@outlook.com", "+news@gmail.com", "+@googlemail.com", "-shopping@yahoo.com", "+x@me.com"})
    void anAddressThatIsNothingButATagIsNoMailbox(String typed) {
        assertThat(reason(typed)).startsWith("has only a ").contains("tag before the @").contains("write the mailbox name");
    }

    @Test
    void aLeadingPlusElsewhereIsAnOrdinaryLocalPart() {
        assertThat(normalized("+tag@example.org")).isEqualTo("+tag@example.org");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "ada", "ada@", "@example.org", "ada@@example.org", "ada@example", "ada@example.invalidtld",
            "a da@example.org", "ada..lovelace@example.org", "ada@exa mple.org", "ada@-example.org", "ada@example.org."})
    void refusesMalformedAddresses(String typed) {
        assertThat(normalizer.check(typed)).isInstanceOf(EmailCheck.Invalid.class);
    }

    @Test
    void theReplacementCharacterOfAMisdecodedAddressIsRefused() {
        assertThat(reason("ad\uFFFDa@example.org")).contains("U+FFFD, the replacement character");
        assertThat(reason("ada@b\uFFFDcher.de")).contains("U+FFFD");
    }

    @Test
    void reasonsSayWhatIsWrong() {
        assertThat(reason("")).isEqualTo("is empty");
        assertThat(reason("ada.example.org")).isEqualTo("has no @");
        assertThat(reason("ada\u0000@example.org")).isEqualTo("contains a control character (U+0000)");
        assertThat(reason("ada\n@example.org")).contains("control character");
        assertThat(reason("ad\u200Ba@example.org")).contains("invisible").contains("U+200B");
        assertThat(reason("a".repeat(65) + "@example.org")).contains("64 characters before the @");
        assertThat(reason("a@" + String.join(".", java.util.Collections.nCopies(5, "b".repeat(60))) + ".org")).contains("254");
        assertThat(reason("ada@example.notatld")).contains("domain");
    }

    @Test
    void controlCharactersAtTheEndsAreRefusedButPastedSpacesAndLineBreaksAreTrimmed() {
        assertThat(reason("\u001Fada@example.org")).contains("U+001F");
        assertThat(reason("ada@example.org\u0000")).contains("U+0000");
        assertThat(normalized("\tada@example.org\r\n")).isEqualTo("ada@example.org");
        assertThat(normalized("\u00A0ada@example.org ")).isEqualTo("ada@example.org");
    }

    @Test
    void hugeInputIsRefusedWithoutWork() {
        assertThat(reason("a".repeat(1_000_000) + "@example.org")).contains("254");
    }
}
