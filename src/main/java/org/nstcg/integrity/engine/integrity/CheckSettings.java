package org.nstcg.integrity.engine.integrity;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nstcg.integrity.engine.config.ConfigException;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.config.EngineConfig;
import org.nstcg.integrity.engine.config.Redaction;

/**
 * The settings of checks and alerts, read from an {@link EngineConfig} and validated when the engine is built
 * (each bad value is named with its key, where it came from and the form expected, like {@link EngineConfig}).
 *
 * @param interval                 time between scheduled suites; empty: no schedule ({@code checks.interval} 0 or off)
 * @param outboxMaxAge             {@code checks.outbox-max-age}
 * @param stuckSagaAfter           how long past its lease an unfinished saga is stuck ({@code saga.recovery-interval})
 * @param duplicateReferralCodes   findings of referral-code-uniqueness above which a critical alert is raised
 * @param blockedRegistrations     registrations refused as already registered in the last hour above which to alert
 * @param rollbackRate             share (0 to 1) of sagas rolled back in the last hour above which to alert
 * @param webhook                  where alerts are POSTed as JSON, if anywhere
 */
public record CheckSettings(Optional<Duration> interval, Duration outboxMaxAge, Duration stuckSagaAfter, long duplicateReferralCodes,
                            long blockedRegistrations, double rollbackRate, Optional<URI> webhook) {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)");

    /** The defaults of every key. */
    public static CheckSettings defaults() {
        return new CheckSettings(Optional.of(Duration.ofMinutes(15)), Duration.ofMinutes(15), Duration.ofSeconds(10), 0, 100, 0.01,
                Optional.empty());
    }

    public static CheckSettings from(EngineConfig config) {
        String interval = config.raw(ConfigKey.CHECKS_INTERVAL).toLowerCase(Locale.ROOT);
        Optional<Duration> every = interval.equals("0") || interval.equals("off")
                ? Optional.empty()
                : Optional.of(duration(config, ConfigKey.CHECKS_INTERVAL, Duration.ofSeconds(1), Duration.ofHours(24), " (or 0 or off)"));
        return new CheckSettings(every,
                duration(config, ConfigKey.CHECKS_OUTBOX_MAX_AGE, Duration.ofSeconds(1), Duration.ofDays(7), ""),
                config.sagaRecoveryInterval(),
                count(config, ConfigKey.ALERTS_DUPLICATE_REFERRAL_CODES),
                count(config, ConfigKey.ALERTS_BLOCKED_REGISTRATIONS),
                percent(config, ConfigKey.ALERTS_ROLLBACK_RATE),
                webhook(config));
    }

    public CheckSettings withInterval(Optional<Duration> every) {
        return new CheckSettings(every, outboxMaxAge, stuckSagaAfter, duplicateReferralCodes, blockedRegistrations, rollbackRate, webhook);
    }

    private static Duration duration(EngineConfig config, ConfigKey key, Duration min, Duration max, String alternatives) {
        String raw = config.raw(key).toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(raw);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
            if (d.compareTo(min) >= 0 && d.compareTo(max) <= 0) {
                return d;
            }
        }
        throw invalid(config, key, "a duration from " + min.toSeconds() + "s to " + max.toHours() + "h, written like 30s, 15m or 1h"
                + alternatives);
    }

    private static long count(EngineConfig config, ConfigKey key) {
        try {
            long v = Long.parseLong(config.raw(key));
            if (v >= 0 && v <= 1_000_000_000L) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(config, key, "a whole number from 0 to 1000000000");
    }

    private static double percent(EngineConfig config, ConfigKey key) {
        String raw = config.raw(key);
        String number = raw.endsWith("%") ? raw.substring(0, raw.length() - 1).trim() : raw;
        try {
            double v = Double.parseDouble(number);
            if (v >= 0 && v <= 100) {
                return v / 100.0;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(config, key, "a percentage from 0% to 100%, such as 1%");
    }

    private static Optional<URI> webhook(EngineConfig config) {
        String raw = config.raw(ConfigKey.ALERTS_WEBHOOK_URL);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        URI uri = null;
        String scheme = "";
        try {
            uri = new URI(raw);
            scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        } catch (URISyntaxException e) {
            // reported below
        }
        if (uri == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw invalid(config, ConfigKey.ALERTS_WEBHOOK_URL, "an http or https URL such as https://hooks.example.org/integrity, or nothing");
        }
        String allow = config.raw(ConfigKey.ALERTS_WEBHOOK_ALLOW_INSECURE).toLowerCase(Locale.ROOT);
        boolean insecureAllowed = switch (allow) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw invalid(config, ConfigKey.ALERTS_WEBHOOK_ALLOW_INSECURE, "true or false");
        };
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (!insecureAllowed && internalAddress(host)) {
            throw invalid(config, ConfigKey.ALERTS_WEBHOOK_URL, "a receiver outside the machine's link-local network: " + host
                    + " is a link-local or cloud metadata address, where alerts (and any token in the URL) should not go;"
                    + " set alerts.webhook-allow-insecure = true if it really is the receiver");
        }
        if (!insecureAllowed && scheme.equals("http") && !loopback(host)) {
            throw invalid(config, ConfigKey.ALERTS_WEBHOOK_URL, "an https URL (plain http:// is allowed only to this machine:"
                    + " localhost, 127.0.0.1 or [::1]), since http:// sends alerts and any token in the URL unencrypted;"
                    + " set alerts.webhook-allow-insecure = true to allow it");
        }
        return Optional.of(uri);
    }

    /** This machine, by name or address literal (no name is resolved while the config is read). */
    private static boolean loopback(String host) {
        return host.equals("localhost") || host.matches("127(\\.\\d{1,3}){3}") || host.equals("[::1]") || host.equals("::1");
    }

    /**
     * A link-local address (169.254.0.0/16, fe80::/10) or a cloud's instance metadata service (169.254.169.254,
     * fd00:ec2::254, metadata.google.internal), by name or address literal: a webhook there is more likely a way to
     * reach the instance's credentials than a receiver.
     */
    private static boolean internalAddress(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return h.matches("169\\.254(\\.\\d{1,3}){2}") || h.matches("fe[89ab][0-9a-f]:.*") || h.equals("fd00:ec2::254")
                || h.equals("metadata.google.internal") || h.equals("metadata") || h.equals("instance-data")
                || h.endsWith(".metadata.google.internal");
    }

    private static ConfigException invalid(EngineConfig config, ConfigKey key, String expected) {
        return new ConfigException(key.key(), "The setting " + key.key() + " = " + Redaction.quotedValue(key, config.raw(key)) + " from "
                + config.value(key).source().describe() + " is not valid: expected " + expected + ".");
    }
}
