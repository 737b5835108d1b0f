package org.nstcg.integrity.api;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.config.IpRange;

/**
 * The address a request comes from, as the rate limit per client counts it: the direct peer, unless that peer is one
 * of {@code api.trusted-proxies}; then {@code X-Forwarded-For} is read from the right (each proxy appends the address
 * it was sent from), skipping trusted proxies, and the right-most untrusted address is the client. Addresses a client
 * wrote further left are never believed: anyone can send the header.
 */
final class ClientAddress {

    private final List<IpRange> trusted;

    ClientAddress(List<IpRange> trusted) {
        this.trusted = trusted;
    }

    String of(Context ctx) {
        return resolve(ctx.req().getRemoteAddr(), java.util.Collections.list(ctx.req().getHeaders("X-Forwarded-For")));
    }

    /** The client of a request from {@code peer} carrying these {@code X-Forwarded-For} headers (in order). */
    String resolve(String peer, List<String> forwardedFor) {
        Optional<byte[]> peerBytes = IpRange.literal(peer);
        if (peerBytes.isEmpty() || !isTrusted(peerBytes.get())) {
            return canonical(peer, peerBytes);
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.strip());
                }
            }
        }
        String client = canonical(peer, peerBytes);
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<byte[]> hop = IpRange.literal(hops.get(i));
            if (hop.isEmpty()) {
                return client; // not an address: the trusted proxy to its right is as far as we can believe
            }
            client = canonical(hops.get(i), hop);
            if (!isTrusted(hop.get())) {
                return client;
            }
        }
        return client;
    }

    private boolean isTrusted(byte[] address) {
        return trusted.stream().anyMatch(r -> r.contains(address));
    }

    private static String canonical(String text, Optional<byte[]> bytes) {
        if (bytes.isEmpty()) {
            return text;
        }
        try {
            return InetAddress.getByAddress(bytes.get()).getHostAddress();
        } catch (UnknownHostException e) {
            return text;
        }
    }
}
