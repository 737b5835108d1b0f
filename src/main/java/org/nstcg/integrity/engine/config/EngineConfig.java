package org.nstcg.integrity.engine.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The engine's settings, validated eagerly and immutable.
 *
 * <p>Design notes: every value is checked when the config is built (as HikariCP's {@code validate()} does), so a
 * bad value fails at start with a message naming its key, where it came from and the form expected, never later
 * inside a connection pool. Each value remembers its {@link ConfigSource} so error messages can say which file,
 * variable or flag to edit. There are no setters: {@link #with(ConfigKey, String, ConfigSource)} returns a copy.
 */
public final class EngineConfig {

    /** How a server is provided. */
    public enum ServerMode { EMBEDDED, EXTERNAL }

    /** A raw value and where it came from. */
    public record Value(String raw, ConfigSource source) {
    }

    /** A parsed external PostgreSQL address, for messages and health. */
    public record Endpoint(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    private static final Pattern JDBC_URL = Pattern.compile(
            "jdbc:postgresql://(\\[[0-9a-fA-F:]+]|[^/:?\\[\\]]+)(?::(\\d{1,5}))?/([^?/\\s]+)(\\?.*)?");
    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)");

    private final Map<ConfigKey, Value> values;
    private final Endpoint dbEndpoint;
    private final URI redisUri;
    private final int poolSize;
    private final Duration connectTimeout;
    private final Duration statementTimeout;
    private final Duration lockTimeout;
    private final Duration redisTimeout;
    private final Duration consoleRefresh;
    private final int consoleLockoutAttempts;
    private final Duration consoleLockoutDuration;
    private final Path dataDir;
    private final boolean referralPrefix;
    private final Duration sagaLease;
    private final Duration sagaRecoveryInterval;
    private final List<TtlRule> cacheTtl;
    private final int cacheNearSize;
    private final Duration cacheSampleInterval;
    private final double cacheDivergenceAlert;
    private final java.util.Optional<Duration> auditAnchorInterval;
    private final Optional<Path> redisEmbeddedBinary;
    private final int apiPort;
    private final String apiBind;
    private final Optional<RateLimit> apiRateLimitIp;
    private final Optional<RateLimit> apiRateLimitMailbox;
    private final List<IpRange> apiTrustedProxies;
    private final boolean apiRevealRegistered;

    private EngineConfig(Map<ConfigKey, Value> values, Path defaultDataDir) {
        EnumMap<ConfigKey, Value> all = new EnumMap<>(ConfigKey.class);
        for (ConfigKey k : ConfigKey.values()) {
            Value v = values.get(k);
            all.put(k, v == null ? new Value(k.defaultValue(), ConfigSource.DEFAULT) : new Value(v.raw().trim(), v.source()));
        }
        this.values = Collections.unmodifiableMap(all);
        this.dbEndpoint = parseJdbcUrl();
        this.redisUri = parseRedisUrl();
        this.poolSize = parseInt(ConfigKey.DB_POOL_SIZE, 1, 200);
        this.connectTimeout = parseDuration(ConfigKey.DB_CONNECT_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(10));
        this.statementTimeout = parseDuration(ConfigKey.DB_STATEMENT_TIMEOUT, Duration.ofSeconds(1), Duration.ofHours(24));
        this.lockTimeout = parseDuration(ConfigKey.DB_LOCK_TIMEOUT, Duration.ofMillis(100), Duration.ofHours(1));
        if (lockTimeout.compareTo(statementTimeout) > 0) {
            throw invalid(ConfigKey.DB_LOCK_TIMEOUT, "a duration no longer than db.statement-timeout (" + raw(ConfigKey.DB_STATEMENT_TIMEOUT)
                    + "), since a statement waiting for a lock is cut off at its statement timeout anyway");
        }
        this.redisTimeout = parseDuration(ConfigKey.REDIS_TIMEOUT, Duration.ofMillis(50), Duration.ofMinutes(1));
        this.consoleRefresh = parseDuration(ConfigKey.CONSOLE_REFRESH, Duration.ofSeconds(1), Duration.ofHours(1));
        this.consoleLockoutAttempts = parseInt(ConfigKey.CONSOLE_LOCKOUT_ATTEMPTS, 1, 100);
        this.consoleLockoutDuration = parseDuration(ConfigKey.CONSOLE_LOCKOUT_DURATION, Duration.ofSeconds(1), Duration.ofHours(24));
        this.dataDir = parseDataDir(defaultDataDir);
        this.referralPrefix = parseBoolean(ConfigKey.REFERRAL_PREFIX);
        this.sagaLease = parseDuration(ConfigKey.SAGA_LEASE, Duration.ofMillis(200), Duration.ofHours(1));
        this.sagaRecoveryInterval = parseDuration(ConfigKey.SAGA_RECOVERY_INTERVAL, Duration.ofMillis(100), Duration.ofHours(1));
        this.cacheTtl = parseTtlRules();
        this.cacheNearSize = parseInt(ConfigKey.CACHE_NEAR_SIZE, 0, 1_000_000);
        this.cacheSampleInterval = parseDuration(ConfigKey.CACHE_SAMPLE_INTERVAL, Duration.ofMillis(100), Duration.ofHours(1));
        this.cacheDivergenceAlert = parsePercent(ConfigKey.CACHE_DIVERGENCE_ALERT);
        String anchorEvery = raw(ConfigKey.AUDIT_ANCHOR_INTERVAL).toLowerCase(Locale.ROOT);
        this.auditAnchorInterval = anchorEvery.equals("0") || anchorEvery.equals("off") ? java.util.Optional.empty()
                : java.util.Optional.of(parseDuration(ConfigKey.AUDIT_ANCHOR_INTERVAL, Duration.ofMinutes(1), Duration.ofHours(24)));
        auditKeyFile();
        auditAnchorFile();
        this.redisEmbeddedBinary = parseExecutable(ConfigKey.REDIS_EMBEDDED_BINARY, "the path of an executable redis-server, such as /usr/bin/redis-server");
        this.apiPort = parseInt(ConfigKey.API_PORT, 0, 65535);
        this.apiBind = parseBindAddress();
        this.apiRateLimitIp = parseRateLimit(ConfigKey.API_RATE_LIMIT_IP);
        this.apiRateLimitMailbox = parseRateLimit(ConfigKey.API_RATE_LIMIT_MAILBOX);
        this.apiTrustedProxies = parseTrustedProxies();
        this.apiRevealRegistered = parseBoolean(ConfigKey.API_REVEAL_REGISTERED);
        String schema = raw(ConfigKey.DB_SCHEMA);
        if (!SCHEMA.matcher(schema).matches()) {
            throw invalid(ConfigKey.DB_SCHEMA, "a lower-case SQL identifier such as public or integrity");
        }
        checkRoleName(ConfigKey.DB_MIGRATION_USER);
        if (raw(ConfigKey.DB_MIGRATION_USER).isEmpty() && !raw(ConfigKey.DB_MIGRATION_PASSWORD).isEmpty()) {
            throw invalid(ConfigKey.DB_MIGRATION_PASSWORD, "no value unless db.migration-user names the role it is the password of");
        }
        String prefix = raw(ConfigKey.REDIS_KEY_PREFIX);
        if (prefix.isEmpty() || prefix.length() > 64 || prefix.chars().anyMatch(c -> c <= ' ' || c == '*' || c == '?')) {
            throw invalid(ConfigKey.REDIS_KEY_PREFIX, "1 to 64 visible characters without * or ?, such as ic:");
        }
    }

    /** Builds and validates a config from explicit values; keys absent from the map take their defaults. */
    public static EngineConfig of(Map<ConfigKey, Value> values, Path defaultDataDir) {
        return new EngineConfig(values, defaultDataDir);
    }

    /** A copy with one value replaced (validated again). */
    public EngineConfig with(ConfigKey key, String raw, ConfigSource source) {
        EnumMap<ConfigKey, Value> copy = new EnumMap<>(values);
        copy.put(key, new Value(raw == null ? "" : raw, source));
        return new EngineConfig(copy, dataDir);
    }

    public Value value(ConfigKey key) {
        return values.get(key);
    }

    public String raw(ConfigKey key) {
        return values.get(key).raw();
    }

    /** "db.url (set by the environment variable INTEGRITY_DB_URL)". */
    public String describe(ConfigKey key) {
        return key.key() + " (set by " + values.get(key).source().describe() + ")";
    }

    public ServerMode databaseMode() {
        return dbEndpoint == null ? ServerMode.EMBEDDED : ServerMode.EXTERNAL;
    }

    public ServerMode redisMode() {
        return redisUri == null ? ServerMode.EMBEDDED : ServerMode.EXTERNAL;
    }

    /** The external database's JDBC URL; empty in embedded mode. */
    public Optional<String> dbUrl() {
        return dbEndpoint == null ? Optional.empty() : Optional.of(raw(ConfigKey.DB_URL));
    }

    public Optional<Endpoint> dbEndpoint() {
        return Optional.ofNullable(dbEndpoint);
    }

    public String dbUser() {
        return raw(ConfigKey.DB_USER);
    }

    public String dbPassword() {
        return raw(ConfigKey.DB_PASSWORD);
    }

    public String dbSchema() {
        return raw(ConfigKey.DB_SCHEMA);
    }

    /**
     * The role that owns the schema and runs the migrations against an external database, when it is not
     * {@link #dbUser()}; empty when one login does both (and always in embedded mode, where the embedded superuser does).
     */
    public Optional<String> dbMigrationUser() {
        String user = raw(ConfigKey.DB_MIGRATION_USER);
        return dbEndpoint == null || user.isEmpty() || user.equals(dbUser()) ? Optional.empty() : Optional.of(user);
    }

    /** The password of {@link #dbMigrationUser()} (may be empty). */
    public String dbMigrationPassword() {
        return raw(ConfigKey.DB_MIGRATION_PASSWORD);
    }

    public int dbPoolSize() {
        return poolSize;
    }

    public Duration dbConnectTimeout() {
        return connectTimeout;
    }

    /** Longest a pooled connection's statement may run ({@code db.statement-timeout}). */
    public Duration dbStatementTimeout() {
        return statementTimeout;
    }

    /** Longest a pooled connection's statement waits for a lock another session holds ({@code db.lock-timeout}). */
    public Duration dbLockTimeout() {
        return lockTimeout;
    }

    /** The external Redis URL; empty in embedded mode. */
    public Optional<URI> redisUrl() {
        return Optional.ofNullable(redisUri);
    }

    public String redisKeyPrefix() {
        return raw(ConfigKey.REDIS_KEY_PREFIX);
    }

    public Duration redisTimeout() {
        return redisTimeout;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The {@code redis-server} the embedded Redis runs, when {@code redis.embedded-binary} names one (checked: an executable file). */
    public Optional<Path> redisEmbeddedBinary() {
        return redisEmbeddedBinary;
    }

    /** The file of the key that seals audit entries: {@code audit.key-file}, or {@code audit.key} in the data directory. */
    public Path auditKeyFile() {
        return pathOr(ConfigKey.AUDIT_KEY_FILE, "audit.key");
    }

    /** The file audit anchors are appended to: {@code audit.anchor-file}, or {@code audit-anchors.log} in the data directory. */
    public Path auditAnchorFile() {
        return pathOr(ConfigKey.AUDIT_ANCHOR_FILE, "audit-anchors.log");
    }

    /** How often a service engine anchors the audit trail's head; empty when never. */
    public java.util.Optional<Duration> auditAnchorInterval() {
        return auditAnchorInterval;
    }

    private Path pathOr(ConfigKey key, String inDataDir) {
        String raw = raw(key);
        if (raw.isEmpty()) {
            return dataDir.resolve(inDataDir);
        }
        try {
            return Path.of(raw).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw invalid(key, "a file path");
        }
    }

    /** The port {@code serve} listens on; 0 lets the system choose a free one. */
    public int apiPort() {
        return apiPort;
    }

    /** The address {@code serve} listens on: an IP literal (IPv6 without brackets) or a host name. */
    public String apiBind() {
        return apiBind;
    }

    /** How many sign-ups and referral checks one client address may make ({@code api.rate-limit-ip}); empty: no limit. */
    public Optional<RateLimit> apiRateLimitIp() {
        return apiRateLimitIp;
    }

    /** How many sign-up attempts one normalised mailbox may get ({@code api.rate-limit-mailbox}); empty: no limit. */
    public Optional<RateLimit> apiRateLimitMailbox() {
        return apiRateLimitMailbox;
    }

    /** Whether {@code serve} tells a sign-up form that an address is already registered ({@code api.reveal-registered}). */
    public boolean apiRevealRegistered() {
        return apiRevealRegistered;
    }

    /** The proxies whose {@code X-Forwarded-For} {@code serve} believes ({@code api.trusted-proxies}). */
    public List<IpRange> apiTrustedProxies() {
        return apiTrustedProxies;
    }

    private static final Pattern RATE_LIMIT = Pattern.compile("(\\d{1,7})\\s*/\\s*(\\d{1,6})?\\s*(ms|s|m|h)");

    private Optional<RateLimit> parseRateLimit(ConfigKey key) {
        String raw = raw(key).toLowerCase(Locale.ROOT);
        if (raw.equals("off")) {
            return Optional.empty();
        }
        Matcher m = RATE_LIMIT.matcher(raw);
        if (m.matches()) {
            int permits = Integer.parseInt(m.group(1));
            Duration window = toDuration(m.group(2) == null ? 1 : Long.parseLong(m.group(2)), m.group(3));
            if (permits >= 1 && permits <= 1_000_000 && window.compareTo(Duration.ofSeconds(1)) >= 0 && window.compareTo(Duration.ofDays(1)) <= 0) {
                return Optional.of(new RateLimit(permits, window));
            }
        }
        throw invalid(key, "<requests>/<duration> such as 30/1m or 5/1h (1 to 1000000 requests, in 1s to 24h), or off");
    }

    private List<IpRange> parseTrustedProxies() {
        String raw = raw(ConfigKey.API_TRUSTED_PROXIES);
        List<IpRange> ranges = new java.util.ArrayList<>();
        for (String part : raw.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            ranges.add(IpRange.parse(part.strip()).orElseThrow(() -> invalid(ConfigKey.API_TRUSTED_PROXIES,
                    "comma-separated IP addresses or CIDR ranges such as 10.0.0.0/8,192.168.1.5,::1")));
        }
        return List.copyOf(ranges);
    }

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    /** Checked by form only: resolving a host name here would make loading the config depend on DNS. */
    private String parseBindAddress() {
        String raw = raw(ConfigKey.API_BIND);
        String address = raw.startsWith("[") && raw.endsWith("]") ? raw.substring(1, raw.length() - 1) : raw;
        boolean valid;
        if (address.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
            valid = IPV4.matcher(address).matches();
        } else if (address.contains(":")) {
            valid = IPV6.matcher(address).matches() && isIpLiteral(address);
        } else {
            valid = HOST_NAME.matcher(address).matches();
        }
        if (!valid) {
            throw invalid(ConfigKey.API_BIND, "an IP address such as 127.0.0.1, 0.0.0.0 or ::1, or a host name such as localhost");
        }
        return address;
    }

    /** An IPv6 literal is parsed, never looked up (InetAddress resolves nothing for a string with a colon). */
    private static boolean isIpLiteral(String address) {
        try {
            java.net.InetAddress.getByName(address);
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    public Duration consoleRefresh() {
        return consoleRefresh;
    }

    /** Failed sign-ins in a row that lock a console account. */
    public int consoleLockoutAttempts() {
        return consoleLockoutAttempts;
    }

    /** How long a locked console account stays locked. */
    public Duration consoleLockoutDuration() {
        return consoleLockoutDuration;
    }

    public boolean referralPrefix() {
        return referralPrefix;
    }

    public Duration sagaLease() {
        return sagaLease;
    }

    public Duration sagaRecoveryInterval() {
        return sagaRecoveryInterval;
    }

    /** Time to live by key pattern, in the configured order; the last rule is always {@code default}. */
    public List<TtlRule> cacheTtl() {
        return cacheTtl;
    }

    /** Entries of the in-process near cache; 0 disables it. */
    public int cacheNearSize() {
        return cacheNearSize;
    }

    public Duration cacheSampleInterval() {
        return cacheSampleInterval;
    }

    /** Divergence (0 to 1) of a key pattern above which an alert is raised. */
    public double cacheDivergenceAlert() {
        return cacheDivergenceAlert;
    }

    /** One rule of {@code cache.ttl}: keys matching {@code pattern} (a prefix ending in {@code *}, or {@code default}) live {@code ttl}. */
    public record TtlRule(String pattern, Duration ttl) {
        public boolean matches(String key) {
            return "default".equals(pattern) || (pattern.endsWith("*") ? key.startsWith(pattern.substring(0, pattern.length() - 1))
                    : key.equals(pattern));
        }
    }

    private static final Pattern TTL_PATTERN = Pattern.compile("default|[a-z][a-z0-9_-]{0,30}:(\\*|[A-Za-z0-9_:.-]{1,60}\\*?)");

    private List<TtlRule> parseTtlRules() {
        String what = "comma-separated PATTERN=DURATION rules such as user:*=300s,count:*=60s,default=300s"
                + " (patterns are a name, a colon and * or a fixed key)";
        List<TtlRule> rules = new ArrayList<>();
        TtlRule fallback = null;
        String raw = raw(ConfigKey.CACHE_TTL);
        if (raw.isEmpty()) {
            raw = ConfigKey.CACHE_TTL.defaultValue();
        }
        for (String part : raw.split(",")) {
            String rule = part.trim();
            int eq = rule.indexOf('=');
            if (eq <= 0) {
                throw invalid(ConfigKey.CACHE_TTL, what);
            }
            String pattern = rule.substring(0, eq).trim();
            if (!TTL_PATTERN.matcher(pattern).matches()) {
                throw invalid(ConfigKey.CACHE_TTL, what + "; '" + pattern + "' is not a pattern");
            }
            Matcher m = DURATION.matcher(rule.substring(eq + 1).trim());
            if (!m.matches()) {
                throw invalid(ConfigKey.CACHE_TTL, what + "; the duration of " + pattern + " is not like 300s, 5m or 1h");
            }
            Duration ttl = toDuration(Long.parseLong(m.group(1)), m.group(2));
            if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(Duration.ofDays(7)) > 0) {
                throw invalid(ConfigKey.CACHE_TTL, what + "; the time to live of " + pattern + " must be from 1s to 7 days");
            }
            if (pattern.equals("default")) {
                fallback = new TtlRule(pattern, ttl);
            } else {
                rules.add(new TtlRule(pattern, ttl));
            }
        }
        rules.add(fallback != null ? fallback : new TtlRule("default", Duration.ofSeconds(300)));
        return List.copyOf(rules);
    }

    private double parsePercent(ConfigKey key) {
        String raw = raw(key);
        String number = raw.endsWith("%") ? raw.substring(0, raw.length() - 1).trim() : raw;
        try {
            double v = Double.parseDouble(number);
            if (v >= 0 && v <= 100 && !Double.isNaN(v)) {
                return v / 100.0;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(key, "a percentage from 0% to 100%, such as 5%");
    }

    /** A PostgreSQL role name: at most 63 characters, none of them a control character (empty: the key is unset). */
    private void checkRoleName(ConfigKey key) {
        String name = raw(key);
        if (name.length() > 63 || name.chars().anyMatch(c -> c < ' ' || c == 0x7f)) {
            throw invalid(key, "a PostgreSQL role name of at most 63 characters, such as integrity_runtime");
        }
    }

    private boolean parseBoolean(ConfigKey key) {
        return switch (raw(key).toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw invalid(key, "true or false");
        };
    }

    private Endpoint parseJdbcUrl() {
        String url = raw(ConfigKey.DB_URL);
        if (url.isEmpty()) {
            return null;
        }
        Matcher m = JDBC_URL.matcher(url);
        if (!m.matches()) {
            throw invalid(ConfigKey.DB_URL, "jdbc:postgresql://HOST[:PORT]/DATABASE, e.g. jdbc:postgresql://127.0.0.1:5432/integrity");
        }
        int port = m.group(2) == null ? 5432 : Integer.parseInt(m.group(2));
        if (port < 1 || port > 65535) {
            throw invalid(ConfigKey.DB_URL, "a port from 1 to 65535");
        }
        return new Endpoint(m.group(1), port);
    }

    private URI parseRedisUrl() {
        String url = raw(ConfigKey.REDIS_URL);
        if (url.isEmpty()) {
            return null;
        }
        String expected = "redis://[USER:PASSWORD@]HOST[:PORT][/DB], e.g. redis://127.0.0.1:6379/0";
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalid(ConfigKey.REDIS_URL, expected);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("redis") || scheme.equals("rediss")) || uri.getHost() == null) {
            throw invalid(ConfigKey.REDIS_URL, expected);
        }
        if (uri.getPort() > 65535) {
            throw invalid(ConfigKey.REDIS_URL, "a port from 1 to 65535");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (!path.isEmpty() && !path.equals("/") && !path.matches("/\\d{1,2}")) {
            throw invalid(ConfigKey.REDIS_URL, "a database number after the port, such as /0, or none");
        }
        return uri;
    }

    private int parseInt(ConfigKey key, int min, int max) {
        try {
            int v = Integer.parseInt(raw(key));
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(key, "a whole number from " + min + " to " + max);
    }

    private Duration parseDuration(ConfigKey key, Duration min, Duration max) {
        String raw = raw(key).toLowerCase(Locale.ROOT);
        Duration d = null;
        Matcher m = DURATION.matcher(raw);
        if (m.matches()) {
            d = toDuration(Long.parseLong(m.group(1)), m.group(2));
        } else if (raw.startsWith("pt")) {
            try {
                d = Duration.parse(raw);
            } catch (RuntimeException e) {
                // reported below
            }
        }
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw invalid(key, "a duration from " + min.toMillis() + "ms to " + max.toSeconds() + "s, written like 5s, 1500ms or 2m");
        }
        return d;
    }

    private static Duration toDuration(long n, String unit) {
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    private Optional<Path> parseExecutable(ConfigKey key, String expected) {
        String raw = raw(key);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        Path path;
        try {
            path = Path.of(raw).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw invalid(key, expected);
        }
        if (!java.nio.file.Files.isRegularFile(path)) {
            throw invalid(key, expected + "; there is no such file");
        }
        if (!java.nio.file.Files.isExecutable(path)) {
            throw invalid(key, expected + "; the file is not executable");
        }
        return Optional.of(path);
    }

    private Path parseDataDir(Path defaultDataDir) {
        String raw = raw(ConfigKey.DATA_DIR);
        if (raw.isEmpty()) {
            return defaultDataDir;
        }
        try {
            return Path.of(raw).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw invalid(ConfigKey.DATA_DIR, "a directory path");
        }
    }

    private ConfigException invalid(ConfigKey key, String expected) {
        Value v = values.get(key);
        return new ConfigException(key.key(), "The setting " + key.key() + " = " + Redaction.quotedValue(key, v.raw()) + " from "
                + v.source().describe() + " is not valid: expected " + expected + ".");
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("EngineConfig{");
        values.forEach((k, v) -> sb.append(k.key()).append('=').append(k.secret() && !v.raw().isEmpty() ? Redaction.MASK
                : Redaction.value(k, v.raw())).append(", "));
        return sb.append('}').toString();
    }
}
