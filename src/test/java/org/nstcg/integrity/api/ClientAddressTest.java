package org.nstcg.integrity.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.config.IpRange;

/** Which address the per-client limit counts: X-Forwarded-For only from a trusted proxy, read from the right. */
class ClientAddressTest {

    private static ClientAddress trusting(String... ranges) {
        return new ClientAddress(java.util.Arrays.stream(ranges).map(r -> IpRange.parse(r).orElseThrow()).toList());
    }

    @Test
    void anUntrustedPeerIsTheClientWhateverItsHeaderSays() {
        assertThat(trusting().resolve("203.0.113.9", List.of("198.51.100.1"))).isEqualTo("203.0.113.9");
        assertThat(trusting("10.0.0.0/8").resolve("127.0.0.1", List.of("198.51.100.1"))).isEqualTo("127.0.0.1");
    }

    @Test
    void aTrustedPeerIsSeenThroughToTheRightMostUntrustedAddress() {
        ClientAddress behindTwoProxies = trusting("10.0.0.0/8", "127.0.0.1");

        assertThat(behindTwoProxies.resolve("127.0.0.1", List.of("203.0.113.9"))).isEqualTo("203.0.113.9");
        // The client wrote 1.1.1.1 itself; the proxies appended what they saw: 203.0.113.9, then 10.1.2.3.
        assertThat(behindTwoProxies.resolve("127.0.0.1", List.of("1.1.1.1, 203.0.113.9", "10.1.2.3"))).isEqualTo("203.0.113.9");
        assertThat(behindTwoProxies.resolve("127.0.0.1", List.of())).isEqualTo("127.0.0.1");
        assertThat(behindTwoProxies.resolve("127.0.0.1", List.of("10.9.9.9"))).isEqualTo("10.9.9.9");
        assertThat(behindTwoProxies.resolve("127.0.0.1", List.of("203.0.113.9, not-an-address"))).isEqualTo("127.0.0.1");
        assertThat(trusting("::1").resolve("0:0:0:0:0:0:0:1", List.of("2001:DB8::1"))).isEqualTo("2001:db8:0:0:0:0:0:1");
    }

    @Test
    void ipRangesParseLiteralsOnly() {
        assertThat(IpRange.parse("localhost")).isEqualTo(Optional.empty());
        assertThat(IpRange.parse("192.168.0.0/16").orElseThrow().contains(IpRange.literal("192.168.7.1").orElseThrow())).isTrue();
        assertThat(IpRange.parse("192.168.0.0/17").orElseThrow().contains(IpRange.literal("192.168.200.1").orElseThrow())).isFalse();
    }

    @Test
    void retryAfterReadsInWordsWithPlurals() {
        assertThat(SignUpEndpoints.inAbout(1)).isEqualTo("1 second");
        assertThat(SignUpEndpoints.inAbout(45)).isEqualTo("45 seconds");
        assertThat(SignUpEndpoints.inAbout(150)).isEqualTo("3 minutes");
        assertThat(SignUpEndpoints.inAbout(3600)).isEqualTo("1 hour");
        assertThat(SignUpEndpoints.inAbout(7300)).isEqualTo("3 hours");
    }
}
