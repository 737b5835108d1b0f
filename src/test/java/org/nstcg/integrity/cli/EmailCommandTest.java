package org.nstcg.integrity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code email normalize}: exactly one line per input, in order, with no server. */
class EmailCommandTest {

    private final CliRunner cli = new CliRunner();

    @Test
    void printsOneLinePerInputInOrder() {
        int code = cli.run("email", "normalize", "--", "John.Smith+news@GMAIL.com", "not an address", "-lead@example.org",
                "a\nb@example.org", "", "x@Bücher.de");

        assertThat(code).isEqualTo(ExitCodes.INVALID);
        assertThat(cli.out().split("\\R", -1)).containsExactly(
                "johnsmith@gmail.com",
                "invalid: has no @",
                "-lead@example.org",
                "invalid: contains a control character (U+000A)",
                "invalid: is empty",
                "x@xn--bcher-kva.de",
                "");
    }

    @Test
    void exitsZeroWhenEveryAddressIsValid() {
        assertThat(cli.run("email", "normalize", "a@example.org", "B@Example.org")).isZero();
        assertThat(cli.out().lines()).containsExactly("a@example.org", "b@example.org");
    }
}
