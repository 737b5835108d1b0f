package org.nstcg.integrity.engine.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.store.DuplicateStore.Person;

class DuplicateScorerTest {

    private static Person p(String email, String first, String last) {
        return new Person(1, email, email, first, last, "active");
    }

    @Test
    void theSamePersonAcrossProvidersScoresHighWithReasons() {
        DuplicateScorer.Score s = DuplicateScorer.score(p("janedoe@gmail.com", "Jane", "Doe"), p("jane.doe2@outlook.com", "Jane", "Doe"));
        assertThat(s.value()).isEqualTo(1.0);
        assertThat(s.reasons()).contains("same mailbox name 'janedoe' at gmail.com and outlook.com", "same last name", "same first name");
    }

    @Test
    void anInitialMailboxMeetsTheFullName() {
        DuplicateScorer.Score s = DuplicateScorer.score(p("j.doe@example.net", "J", "Doe"), p("jane.d@example.org", "Jane", "Doe"));
        assertThat(s.reasons()).contains("mailbox name 'jdoe' spells the name Jane Doe", "same last name", "compatible first names");
        assertThat(s.value()).isGreaterThanOrEqualTo(DuplicateScorer.THRESHOLD);
    }

    @Test
    void strangersSharingASurnameStayBelowTheThreshold() {
        DuplicateScorer.Score s = DuplicateScorer.score(p("ann@example.org", "Ann", "Smith"), p("zed@example.org", "Zed", "Smith"));
        assertThat(s.value()).isLessThan(DuplicateScorer.THRESHOLD);
        assertThat(s.reasons()).containsExactly("same last name");
    }

    @Test
    void accentsAndCaseAreFoldedAndJaroWinklerBehaves() {
        assertThat(DuplicateScorer.letters("Zoë O'Brien-Smith")).isEqualTo("zoeobriensmith");
        assertThat(DuplicateScorer.localKey("Jane.Doe+news@x.org")).isEqualTo("janedoe");
        assertThat(DuplicateScorer.jaroWinkler("martha", "marhta")).isBetween(0.96, 0.97);
        assertThat(DuplicateScorer.jaroWinkler("abc", "xyz")).isZero();
    }
}
