package org.nstcg.integrity.engine.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The LIKE pattern of a name search matches what was typed literally. */
class UserDirectoryLikeTest {

    @Test
    void likeEscapesWildcards() {
        assertThat(UserDirectory.like("a_b%c\\")).isEqualTo("a\\_b\\%c\\\\%");
    }
}
