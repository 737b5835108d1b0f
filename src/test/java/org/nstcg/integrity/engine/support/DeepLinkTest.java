package org.nstcg.integrity.engine.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Deep links: one text form, parsed back to what was formatted, and every malformed form refused with the accepted forms. */
class DeepLinkTest {

    private static final UUID SAGA = UUID.fromString("3f2c9a4e-0b1d-4c5e-8f6a-7b8c9d0e1f2a");

    @Test
    void everyKindFormatsAsIntegritySchemeKindAndId() {
        assertThat(DeepLink.saga(SAGA).text()).isEqualTo("integrity://saga/3f2c9a4e-0b1d-4c5e-8f6a-7b8c9d0e1f2a");
        assertThat(DeepLink.user(42).text()).isEqualTo("integrity://user/42");
        assertThat(DeepLink.audit(1234).text()).isEqualTo("integrity://audit/1234");
        assertThat(DeepLink.run(7).text()).isEqualTo("integrity://run/7");
    }

    @Test
    void whatIsFormattedParsesBackToTheSameLinkWithOrWithoutTheScheme() {
        for (DeepLink link : new DeepLink[] {DeepLink.saga(SAGA), DeepLink.user(42), DeepLink.audit(1), DeepLink.run(Long.MAX_VALUE)}) {
            assertThat(DeepLink.parse(link.text())).isEqualTo(link);
            assertThat(DeepLink.parse(link.kind() + "/" + link.idText())).isEqualTo(link);
        }
    }

    @Test
    void blanksAroundTheLinkAndTheCaseOfSchemeKindAndUuidDoNotMatter() {
        assertThat(DeepLink.parse("  INTEGRITY://Saga/3F2C9A4E-0B1D-4C5E-8F6A-7B8C9D0E1F2A\n")).isEqualTo(DeepLink.saga(SAGA));
        assertThat(DeepLink.parse("User/42")).isEqualTo(new DeepLink.User(42));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "saga", "saga/", "integrity://", "integrity://saga", "/42", "sagas/3f2c9a4e-0b1d-4c5e-8f6a-7b8c9d0e1f2a",
            "saga/42", "saga/3f2c9a4e-0b1d-4c5e-8f6a-7b8c9d0e1f2", "saga/3f2c9a4e0b1d4c5e8f6a7b8c9d0e1f2a", "saga/1-2-3-4-5",
            "saga/3f2c9a4e-0b1d-4c5e-8f6a-7b8c9d0e1f2a/", "user/0", "user/-1", "user/+1", "user/042", "user/4 2", "user/42x",
            "user/99999999999999999999", "audit/", "audit/first", "run/1.5", "https://saga/3f2c9a4e-0b1d-4c5e-8f6a-7b8c9d0e1f2a",
            "integrity:/saga/3f2c9a4e-0b1d-4c5e-8f6a-7b8c9d0e1f2a", "integrity://account/admin"})
    void aMalformedLinkIsRefusedWithAMessageNamingTheAcceptedForms(String text) {
        assertThatThrownBy(() -> DeepLink.parse(text))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("integrity://<kind>/<id> or <kind>/<id>, where <kind> is user, saga, audit or run");
    }

    @Test
    void theMessageSaysWhatIsWrongAndEscapesWhatWasGiven() {
        assertThatThrownBy(() -> DeepLink.parse("saga/42")).hasMessageStartingWith("'saga/42' does not end in a saga id");
        assertThatThrownBy(() -> DeepLink.parse("account/admin")).hasMessageStartingWith("'account/admin' names no kind of item"
                + " the console opens ('account')");
        assertThatThrownBy(() -> DeepLink.parse("user/1\u001B[2K")).hasMessageStartingWith("'user/1\\u001B[2K' does not end in a user id");
        assertThatThrownBy(() -> DeepLink.parse(null)).hasMessageStartingWith("The link is empty.");
    }

    @Test
    void anIdBelowOneIsABug() {
        assertThatThrownBy(() -> DeepLink.user(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DeepLink.saga(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
