package org.nstcg.integrity.engine.cache;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.nstcg.integrity.engine.support.ServerUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The engine's Redis client. Redis is an accelerator that may vanish at any moment: this class never fails the
 * engine's start, reports availability through {@link #ping()}, and logs an outage once, not per request.
 *
 * <p>Design notes: {@link #tryCall} is a small circuit breaker. After a failure it answers "unavailable" at once
 * for {@link #RETRY_INTERVAL} instead of letting every request wait for a connect timeout, then lets one call
 * through to probe; the first success closes it again. Callers always have a PostgreSQL-only path.
 *
 * <p>TLS ({@code rediss://}) checks the server's certificate against the JVM's trust store (its default, or the one
 * {@code -Djavax.net.ssl.trustStore} names) <em>and</em> that it names the host of the URL (endpoint identification
 * "HTTPS"). Jedis does the second by default only while no {@link SSLParameters} are given; we give them explicitly so
 * that a later tuning of the parameters cannot quietly drop the host-name check.
 */
public final class RedisConnection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RedisConnection.class);
    /** Connections this engine keeps to Redis at most. */
    static final int POOL_SIZE = 32;

    private final RedisSettings settings;
    private final RedisClient client;
    /** How long an open breaker answers "unavailable" before letting a call probe Redis again. */
    public static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);

    private final AtomicBoolean down = new AtomicBoolean(false);
    private final AtomicLong lastFailureMillis = new AtomicLong();
    /** When the current outage began (the first failed call after a success); null while Redis answers. */
    private final java.util.concurrent.atomic.AtomicReference<java.time.Instant> downSince = new java.util.concurrent.atomic.AtomicReference<>();
    private final Clock clock;

    public RedisConnection(RedisSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        int timeout = (int) settings.timeout().toMillis();
        DefaultJedisClientConfig.Builder cfg = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeout)
                .socketTimeoutMillis(timeout)
                .database(settings.database())
                .ssl(settings.ssl())
                .clientName("integrity-console");
        if (settings.ssl()) {
            cfg.sslSocketFactory((SSLSocketFactory) SSLSocketFactory.getDefault()).sslParameters(verifyingParameters());
        }
        if (settings.user() != null) {
            cfg.user(settings.user());
        }
        if (settings.password() != null) {
            cfg.password(settings.password());
        }
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        // Every connection the pool has made stays idle for reuse (maxIdle = maxTotal): with fewer idle slots than
        // concurrent callers, each return beyond them closed a connection the next call reopened (TCP connect, HELLO,
        // CLIENT SETNAME), a connection churn per registration under load. The evictor trims what a burst left
        // behind once it has been idle a minute.
        pool.setMaxTotal(POOL_SIZE);
        pool.setMaxIdle(POOL_SIZE);
        pool.setMinIdle(0);
        pool.setTimeBetweenEvictionRuns(Duration.ofSeconds(30));
        pool.setMinEvictableIdleDuration(Duration.ofSeconds(60));
        pool.setMaxWait(settings.timeout());
        pool.setJmxEnabled(false);
        this.client = RedisClient.builder()
                .hostAndPort(settings.host(), settings.port())
                .clientConfig(cfg.build())
                .poolConfig(pool)
                .build();
    }

    /** TLS parameters that check the certificate's host name against the host we connect to. */
    static SSLParameters verifyingParameters() {
        SSLParameters parameters = new SSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        return parameters;
    }

    public RedisSettings settings() {
        return settings;
    }

    /** The pooled client; every key it is given must start with {@link #key(String)}. */
    public RedisClient client() {
        return client;
    }

    /** Prefixes a key or channel name with this engine's namespace. */
    public String key(String name) {
        return settings.keyPrefix() + name;
    }

    /**
     * Checks that Redis answers.
     *
     * @return the server's version, e.g. "7.0.15"
     * @throws ServerUnavailableException naming redis.url and the endpoint when it does not answer
     */
    public String ping() {
        try {
            client.ping();
            String info = client.info("server");
            String version = info.lines().filter(l -> l.startsWith("redis_version:")).findFirst()
                    .map(l -> l.substring("redis_version:".length()).trim()).orElse("unknown");
            markUp();
            return version;
        } catch (JedisException e) {
            markDown(e);
            throw unavailable(e);
        }
    }

    /**
     * Closes the idle pooled connections (to a Redis that was restarted, say), so the next calls open fresh ones
     * instead of each failing once on a connection the old server dropped.
     */
    public void discardIdleConnections() {
        try {
            client.getPool().clear();
        } catch (RuntimeException e) {
            log.debug("Could not clear the Redis pool: {}", e.toString());
        }
    }

    /**
     * Runs one Redis call if Redis is available.
     *
     * @return the call's result, or empty when Redis is down (the breaker is open, or this call failed)
     */
    public <T> Optional<T> tryCall(Function<RedisClient, T> call) {
        if (down.get() && clock.millis() - lastFailureMillis.get() < RETRY_INTERVAL.toMillis()) {
            return Optional.empty();
        }
        try {
            T result = call.apply(client);
            markUp();
            return Optional.ofNullable(result);
        } catch (JedisException e) {
            markDown(e);
            return Optional.empty();
        }
    }

    private void markUp() {
        if (down.compareAndSet(true, false)) {
            downSince.set(null);
            log.info("Redis at {} is reachable again", settings.endpoint());
        }
    }

    private void markDown(JedisException e) {
        lastFailureMillis.set(clock.millis());
        if (down.compareAndSet(false, true)) {
            downSince.set(clock.instant());
            log.warn("Redis at {} is unreachable ({}); the engine continues on PostgreSQL alone", settings.endpoint(), e.getMessage());
        }
    }

    /** Whether the last contact with Redis failed. */
    public boolean isDown() {
        return down.get();
    }

    /** Since when Redis has not answered (this engine's clock), while {@link #isDown()}; empty while it answers. */
    public Optional<java.time.Instant> downSince() {
        return down.get() ? Optional.ofNullable(downSince.get()) : Optional.empty();
    }

    private ServerUnavailableException unavailable(JedisException e) {
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        if (reason.endsWith(".")) {
            reason = reason.substring(0, reason.length() - 1);
        }
        String lower = reason.toLowerCase(java.util.Locale.ROOT);
        String message;
        Optional<SSLException> tls = settings.ssl() ? cause(e, SSLException.class) : Optional.empty();
        if (tls.isPresent()) {
            message = tlsFailure(tls.get());
        } else if (settings.ssl() && handshakeTimedOut(e)) {
            // A plain Redis reads the TLS hello as the start of an inline command and waits for its end.
            message = "Redis at " + settings.endpoint() + " (" + settings.setting() + ") did not complete a TLS handshake (no answer"
                    + " within " + settings.timeout().toMillis() + " ms). Check that the server speaks TLS on that port (rediss://),"
                    + " or use redis:// for a server without TLS; meanwhile the engine works on PostgreSQL alone.";
        } else if (lower.contains("noauth") || lower.contains("wrongpass") || lower.contains("auth")) {
            message = "Redis at " + settings.endpoint() + " refused our credentials (" + reason + "). Check the user and password in "
                    + settings.setting() + ".";
        } else {
            message = "Cannot reach Redis at " + settings.endpoint() + " (" + reason + "). Start Redis or correct "
                    + settings.setting() + "; meanwhile the engine works on PostgreSQL alone.";
        }
        return new ServerUnavailableException("redis.url", settings.endpoint(), message, e);
    }

    /** A sentence for a failed TLS connection: an untrusted certificate, one for another host, or no TLS at all. */
    private String tlsFailure(SSLException e) {
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        String lower = detail.toLowerCase(java.util.Locale.ROOT);
        String where = "Redis at " + settings.endpoint() + " (" + settings.setting() + ")";
        if (lower.contains("no subject alternative") || lower.contains("no name matching")) {
            return where + " presented a TLS certificate that does not name " + settings.host() + " (" + detail
                    + "). Connect with the host name the certificate names, or have a certificate issued for this one.";
        }
        if (lower.contains("pkix") || lower.contains("certification path") || lower.contains("certificate")) {
            return where + " presented a TLS certificate this JVM does not trust (" + detail + "). Add its CA to the"
                    + " trust store, e.g. -Djavax.net.ssl.trustStore=/path/truststore.p12; meanwhile the engine works on PostgreSQL alone.";
        }
        return where + " did not complete a TLS handshake (" + detail + "). Check that the server speaks TLS on that port"
                + " (rediss://), or use redis:// for a server without TLS; meanwhile the engine works on PostgreSQL alone.";
    }

    /** Whether {@code e} is a read timeout inside the JDK's TLS handshake. */
    private static boolean handshakeTimedOut(Throwable e) {
        return cause(e, java.net.SocketTimeoutException.class)
                .map(t -> java.util.Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getMethodName().equals("startHandshake")
                        || f.getClassName().startsWith("sun.security.ssl.")))
                .orElse(false);
    }

    private static <T extends Throwable> Optional<T> cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (RuntimeException e) {
            log.debug("Closing the Redis client: {}", e.getMessage());
        }
    }
}
