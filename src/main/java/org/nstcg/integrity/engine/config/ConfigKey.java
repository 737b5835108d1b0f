package org.nstcg.integrity.engine.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Every setting the engine reads. Each key has one spelling in files ({@code db.url}), one environment variable
 * ({@code INTEGRITY_DB_URL}) and one flag ({@code --db-url}), derived from the key so they never drift apart.
 */
public enum ConfigKey {
    DB_URL("db.url", "", "JDBC URL of an external PostgreSQL, e.g. jdbc:postgresql://host:5432/integrity (empty: embedded)"),
    DB_USER("db.user", "postgres", "PostgreSQL user name"),
    DB_PASSWORD("db.password", "", "PostgreSQL password", Visibility.SECRET),
    DB_MIGRATION_USER("db.migration-user", "", "PostgreSQL user that owns the schema and runs the migrations, with db.user as the"
            + " engine's runtime role (empty: db.user does both; embedded: always the embedded superuser)"),
    DB_MIGRATION_PASSWORD("db.migration-password", "", "password of db.migration-user", Visibility.SECRET),
    DB_SCHEMA("db.schema", "public", "PostgreSQL schema holding the tables"),
    DB_POOL_SIZE("db.pool.size", "10", "maximum PostgreSQL connections of this instance, 1 to 200"),
    DB_CONNECT_TIMEOUT("db.connect-timeout", "5s", "how long to wait for PostgreSQL, e.g. 5s or 1500ms"),
    DB_STATEMENT_TIMEOUT("db.statement-timeout", "10m", "longest a pooled connection's statement may run, 1s to 24h, e.g. 10m"
            + " (the engine's long work runs in statements of a few seconds: checks, rebuild and import batches)"),
    DB_LOCK_TIMEOUT("db.lock-timeout", "30s", "longest a statement waits for a lock another session holds, 100ms to 1h, e.g. 30s"),
    REDIS_URL("redis.url", "", "URL of an external Redis, e.g. redis://host:6379/0 (empty: embedded)"),
    REDIS_KEY_PREFIX("redis.key-prefix", "ic:", "prefix of every Redis key and channel this engine uses"),
    REDIS_TIMEOUT("redis.timeout", "2s", "Redis connect and read timeout, e.g. 2s"),
    REDIS_EMBEDDED_BINARY("redis.embedded-binary", "", "executable redis-server the embedded Redis runs, e.g. /usr/bin/redis-server"
            + " (empty: redis-server on PATH, else the bundled Redis 6.2, which is end-of-life)"),
    REFERRAL_PREFIX("referral.prefix", "true", "whether new referral codes start with four letters of the first name (true or false)"),
    SAGA_LEASE("saga.lease", "30s", "how long an instance owns a saga it does not touch; then recovery takes it over"),
    SAGA_RECOVERY_INTERVAL("saga.recovery-interval", "10s", "how often each instance looks for sagas to recover"),
    CACHE_TTL("cache.ttl", "user:*=300s,count:*=60s,leaderboard:*=120s,features:*=900s,session:*=1800s,rate:*=60s,temp:*=300s,default=300s",
            "time to live of cached entries by key pattern, first match wins, e.g. user:*=300s,default=300s"),
    CACHE_NEAR_SIZE("cache.near-size", "10000", "entries each instance keeps in its in-process near cache, 0 to 1000000 (0: none)"),
    CACHE_SAMPLE_INTERVAL("cache.sample-interval", "5s", "how often the divergence sampler compares cached entries with their rows"),
    CACHE_DIVERGENCE_ALERT("cache.divergence-alert", "5%", "divergence of a key pattern that raises an alert, 0% to 100%"),
    DATA_DIR("data.dir", "", "directory for embedded servers' data (empty: $XDG_DATA_HOME/integrity-console, else ~/.local/share/integrity-console)"),
    CONSOLE_REFRESH("console.refresh", "5s", "how often the console refreshes live figures, 1s to 1h"),
    CONSOLE_LOCKOUT_ATTEMPTS("console.lockout-attempts", "5", "failed sign-ins in a row after which a console account is locked, 1 to 100"),
    CONSOLE_LOCKOUT_DURATION("console.lockout-duration", "15m", "how long a locked console account stays locked, 1s to 24h"),
    CHECKS_INTERVAL("checks.interval", "15m", "how often one of the instances runs the integrity checks, 1s to 24h, e.g. 15m (0 or off: never)"),
    CHECKS_OUTBOX_MAX_AGE("checks.outbox-max-age", "15m", "age of the oldest unpublished outbox event above which outbox-backlog reports it, e.g. 15m"),
    ALERTS_DUPLICATE_REFERRAL_CODES("alerts.duplicate-referral-codes", "0", "duplicate referral codes found by a check above which a critical alert is raised (0: any)"),
    ALERTS_BLOCKED_REGISTRATIONS("alerts.blocked-registrations", "100", "registrations refused as already registered within the last hour above which an alert is raised"),
    ALERTS_ROLLBACK_RATE("alerts.rollback-rate", "1%", "share of sagas rolled back within the last hour above which an alert is raised, 0% to 100%"),
    AUDIT_KEY_FILE("audit.key-file", "", "file holding the key that seals audit entries; every instance of a deployment needs the same file (empty: audit.key in data.dir)"),
    AUDIT_ANCHOR_FILE("audit.anchor-file", "", "file the audit trail's head is appended to, to verify against later (empty: audit-anchors.log in data.dir)"),
    AUDIT_ANCHOR_INTERVAL("audit.anchor-interval", "15m", "how often a console or server anchors the audit trail's head, 1m to 24h (0 or off: never)"),
    API_PORT("api.port", "8080", "TCP port the serve command's HTTP API listens on, 0 to 65535 (0: any free port, printed at start)"),
    API_BIND("api.bind", "127.0.0.1", "address the serve command's HTTP API listens on: an IP address such as 127.0.0.1 or 0.0.0.0"
            + " (every interface), or a host name"),
    API_RATE_LIMIT_IP("api.rate-limit-ip", "30/1m", "sign-ups and referral checks one client address may make, <n>/<duration> such as 30/1m,"
            + " shared by every serve instance (off: no limit)"),
    API_RATE_LIMIT_MAILBOX("api.rate-limit-mailbox", "5/1h", "sign-up attempts for one mailbox (however it is spelt), <n>/<duration>"
            + " such as 5/1h, shared by every serve instance (off: no limit)"),
    API_REVEAL_REGISTERED("api.reveal-registered", "true", "whether serve answers a sign-up for a registered address 409 already_registered"
            + " (true), or 202 check your inbox like a new sign-up, telling the owner through the outbox (false)"),
    API_TRUSTED_PROXIES("api.trusted-proxies", "", "comma-separated IP addresses or CIDR ranges of the proxies in front of serve, e.g."
            + " 10.0.0.0/8,192.168.1.5; X-Forwarded-For is believed only from them (empty: never)"),
    ALERTS_WEBHOOK_URL("alerts.webhook-url", "", "http(s) URL that receives every alert as a JSON POST (empty: none)",
            Visibility.SECRET), // its path or query is often the receiver's token
    ALERTS_WEBHOOK_ALLOW_INSECURE("alerts.webhook-allow-insecure", "false", "whether alerts.webhook-url may be plain http:// to"
            + " another host, or a link-local or cloud metadata address (true or false)");

    /**
     * Whether a value may be shown. A key holding a credential (a password, a URL whose path or query is a token, a
     * future Kafka SASL password) is {@link #SECRET}: its value is never shown whole in a message, a log line or
     * {@code status} (a URL at most as its scheme, host and port), and {@link Redaction} masks it after its flag, key or
     * environment variable wherever it is written. The URL keys ({@code db.url}, {@code redis.url}) are not secret as a whole; the passwords inside them
     * are masked by {@link Redaction#text}.
     */
    public enum Visibility { PLAIN, SECRET }

    private final String key;
    private final String defaultValue;
    private final String description;
    private final Visibility visibility;

    ConfigKey(String key, String defaultValue, String description) {
        this(key, defaultValue, description, Visibility.PLAIN);
    }

    ConfigKey(String key, String defaultValue, String description, Visibility visibility) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
        this.visibility = visibility;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** {@code db.connect-timeout} → {@code INTEGRITY_DB_CONNECT_TIMEOUT}. */
    public String environmentVariable() {
        return "INTEGRITY_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** {@code db.pool.size} → {@code --db-pool-size}. */
    public String flag() {
        return "--" + key.replace('.', '-');
    }

    /** Values of secret keys are never printed (see {@link Visibility}). */
    public boolean secret() {
        return visibility == Visibility.SECRET;
    }

    public static Optional<ConfigKey> byKey(String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }
}
