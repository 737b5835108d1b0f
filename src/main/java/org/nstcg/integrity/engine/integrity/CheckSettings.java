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
        try {
            URI uri = new URI(raw);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw invalid(config, ConfigKey.ALERTS_WEBHOOK_URL, "an http or https URL such as https://hooks.example.org/integrity, or nothing");
    }

    private static ConfigException invalid(EngineConfig config, ConfigKey key, String expected) {
        return new ConfigException(key.key(), "The setting " + key.key() + " = " + Redaction.quotedValue(key, config.raw(key)) + " from "
                + config.value(key).source().describe() + " is not valid: expected " + expected + ".");
    }
}
