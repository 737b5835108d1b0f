package org.nstcg.integrity.engine.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.email.EmailNormalizer;

class LegacyRowTest {

    private static final Instant NOW = Instant.parse("2024-05-06T07:08:09Z");
    private static final EmailNormalizer EMAILS = EmailNormalizer.withBuiltInRules();
    private static final LegacyColumns.Layout LAYOUT = LegacyColumns.layout(
            List.of("email", "first_name", "last_name", "referral_code", "points", "referred_by_code", "created_at"));

    private static LegacyRow row(String... fields) {
        return LegacyRow.check(7, List.of(fields), LAYOUT, EMAILS, NOW);
    }

    @Test
    void aGoodRowIsCleaned() {
        LegacyRow r = row(" Jane.Doe@GMAIL.com ", " Jane ", "", "abc-123", "", " old-1 ", "2021-03-04T10:15:30+01:00");
        assertThat(r.valid()).isTrue();
        assertThat(r.emailNormalized()).isEqualTo("janedoe@gmail.com");
        assertThat(r.firstName()).isEqualTo("Jane");
        assertThat(r.lastName()).isNull();
        assertThat(r.storableCode()).contains("ABC-123");
        assertThat(r.points()).isZero();
        assertThat(r.referredByCode()).isEqualTo("old-1");
        assertThat(r.createdAt()).isEqualTo(Instant.parse("2021-03-04T09:15:30Z"));
        assertThat(row("a@example.org", "A", "", "", "", "", "2021-03-04").createdAt()).isEqualTo(Instant.parse("2021-03-04T00:00:00Z"));
    }

    @Test
    void codesThatCannotBeStoredAreKeptAsTextForAFreshCode() {
        assertThat(row("a@example.org", "A", "", "no_underscores", "", "", "").storableCode()).isEmpty();
        assertThat(row("a@example.org", "A", "", "abc", "", "", "").storableCode()).isEmpty();
        assertThat(row("a@example.org", "A", "", "abc", "", "", "").legacyCode()).isEqualTo("abc");
        assertThat(row("a@example.org", "A", "", "x".repeat(33), "", "", "").storableCode()).isEmpty();
    }

    @Test
    void eachBadFieldHasItsReason() {
        assertThat(row("nope", "A", "", "", "", "", "").problem().orElseThrow()).contains("email has no @");
        assertThat(row("a@example.org", " ", "", "", "", "", "").problem().orElseThrow()).contains("first_name is empty");
        assertThat(row("a@example.org", "A\u0007", "", "", "", "", "").problem().orElseThrow()).contains("first_name contains an invisible or control character (U+0007)");
        assertThat(row("a@example.org", "A", "B\u200B", "", "", "", "").problem().orElseThrow()).contains("last_name contains an invisible");
        assertThat(row("a@example.org", "x".repeat(101), "", "", "", "", "").problem().orElseThrow()).contains("first_name is longer than 100 characters");
        assertThat(row("a@example.org", "A", "", "", "-1", "", "").problem().orElseThrow()).contains("points -1 is not between 0 and 2147483647");
        assertThat(row("a@example.org", "A", "", "", "1.5", "", "").problem().orElseThrow()).contains("points '1.5' is not a whole number");
        assertThat(row("a@example.org", "A", "", "", "", "", "04/03/2021").problem().orElseThrow()).contains("created_at '04/03/2021' is not an ISO-8601");
        assertThat(LegacyRow.check(9, List.of("a@example.org", "A"), LAYOUT, EMAILS, NOW).problem().orElseThrow()).contains("has 2 fields where the header has 7");
    }

    @Test
    void aReplacementCharacterInANameOrAddressMakesTheRowBad() {
        assertThat(row("a@example.org", "Andr\uFFFD", "", "", "", "", "").problem().orElseThrow())
                .contains("first_name contains U+FFFD, the replacement character");
        assertThat(row("a@example.org", "A", "M\uFFFDller", "", "", "", "").problem().orElseThrow()).contains("last_name contains U+FFFD");
        assertThat(row("m\uFFFDller@example.org", "A", "", "", "", "", "").problem().orElseThrow()).startsWith("email contains U+FFFD");
    }

    @Test
    void createdAtIsRefusedBefore2000AndInTheFutureAndBeyondWhatTheDatabaseStores() {
        assertThat(row("a@example.org", "A", "", "", "", "", "1999-12-31").problem().orElseThrow()).contains("created_at '1999-12-31' is before 2000-01-01");
        assertThat(row("a@example.org", "A", "", "", "", "", "0001-01-01T00:00:00Z").problem().orElseThrow()).contains("before 2000-01-01");
        assertThat(row("a@example.org", "A", "", "", "", "", "2024-05-08").problem().orElseThrow()).contains("created_at '2024-05-08' is in the future");
        assertThat(row("a@example.org", "A", "", "", "", "", "+300000-01-01").problem().orElseThrow()).contains("is in the future");
        assertThat(row("a@example.org", "A", "", "", "", "", "2000-01-01").createdAt()).isEqualTo(Instant.parse("2000-01-01T00:00:00Z"));
        // a clock a few hours ahead of ours is no typo
        assertThat(row("a@example.org", "A", "", "", "", "", "2024-05-06T19:00:00Z").valid()).isTrue();
    }

    @Test
    void pointsAreRefusedOutsideWhatThePointsColumnHolds() {
        assertThat(row("a@example.org", "A", "", "", "2147483647", "", "").points()).isEqualTo(Integer.MAX_VALUE);
        assertThat(row("a@example.org", "A", "", "", "2147483648", "", "").problem().orElseThrow()).contains("points 2147483648 is not between 0 and 2147483647");
        assertThat(row("a@example.org", "A", "", "", "99999999999999999999", "", "").problem().orElseThrow()).contains("is not a whole number");
    }

    @Test
    void theHeaderMustNameKnownColumnsOnce() {
        assertThat(LegacyColumns.layout(List.of("\ufeffFirst_Name", "EMAIL")).width()).isEqualTo(2);
        assertThatThrownBy(() -> LegacyColumns.layout(List.of("email", "first_name", "email"))).hasMessageContaining("'email' twice");
        assertThatThrownBy(() -> LegacyColumns.layout(List.of("email"))).hasMessageContaining("no 'first_name' column");
        assertThatThrownBy(() -> LegacyColumns.layout(List.of("email", "first_name", "phone"))).hasMessageContaining("unknown column 'phone' (column 3)");
    }
}
