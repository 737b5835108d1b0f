package org.nstcg.integrity.api;

import java.time.Duration;
import java.util.List;
import org.nstcg.integrity.engine.config.IpRange;
import org.nstcg.integrity.engine.config.EngineConfig;

/**
 * What the HTTP server is set to: where it listens and its limits.
 *
 * @param bind            address to listen on ({@code api.bind})
 * @param port            port to listen on, 0 for any free one ({@code api.port})
 * @param maxBodyBytes    largest request body read; a larger one is answered 413 unread
 * @param maxHeaderBytes  largest request line and headers; larger ones are answered 431 by Jetty
 * @param idleTimeout     how long a connection may send nothing (a slow or stalled client is cut off)
 * @param drainTimeout    on stop, how long requests in flight may take to finish
 * @param trustedProxies  the proxies whose {@code X-Forwarded-For} is believed ({@code api.trusted-proxies})
 */
public record ApiSettings(String bind, int port, int maxBodyBytes, int maxHeaderBytes, Duration idleTimeout, Duration drainTimeout,
        List<IpRange> trustedProxies) {

    /** 16 KiB: a sign-up is a few hundred bytes. */
    public static final int MAX_BODY_BYTES = 16 * 1024;

    /** The settings of {@code config}, with the fixed limits. */
    public static ApiSettings from(EngineConfig config) {
        return new ApiSettings(config.apiBind(), config.apiPort(), MAX_BODY_BYTES, 8 * 1024, Duration.ofSeconds(30), Duration.ofSeconds(20),
                config.apiTrustedProxies());
    }

    /** The same limits on another address (tests listen on a free loopback port). */
    public ApiSettings on(String bind, int port) {
        return new ApiSettings(bind, port, maxBodyBytes, maxHeaderBytes, idleTimeout, drainTimeout, trustedProxies);
    }
}
