package org.nstcg.integrity.cli;

import org.nstcg.integrity.engine.support.ControlCharacters;
import org.nstcg.integrity.engine.support.DeepLink;
import org.nstcg.integrity.engine.support.InvalidInputException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.nstcg.integrity.engine.saga.SagaStatus;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converters for the {@code sagas} arguments. A bad value becomes a picocli parameter error, which names the
 * option ("Invalid value for option '--since': …") and exits 64, like every other usage error.
 */
final class SagaArguments {

    private SagaArguments() {
    }

    /** A look-back such as {@code 30s}, {@code 15m}, {@code 2h}, {@code 7d} or {@code 2w}. */
    static final class Since implements ITypeConverter<Duration> {

        private static final Pattern FORM = Pattern.compile("(\\d{1,6})\\s*([smhdw])");

        @Override
        public Duration convert(String value) {
            Duration d = parse(value);
            if (d == null) {
                throw new TypeConversionException("'" + value + "' is not a duration; write a whole number and a unit"
                        + " (s, m, h, d or w), like 15m, 2h or 7d");
            }
            return d;
        }

        /** The duration, or null when the text is not one (or is zero). */
        static Duration parse(String value) {
            Matcher m = FORM.matcher(value.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                return null;
            }
            long n = Long.parseLong(m.group(1));
            if (n == 0) {
                return null;
            }
            return switch (m.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
        }
    }

    /** A saga status, in any case. */
    static final class Status implements ITypeConverter<SagaStatus> {

        @Override
        public SagaStatus convert(String value) {
            String wanted = value.strip().toUpperCase(Locale.ROOT).replace('-', '_');
            return Arrays.stream(SagaStatus.values()).filter(s -> s.name().equals(wanted)).findFirst()
                    .orElseThrow(() -> new TypeConversionException("'" + value + "' is not a saga status; use one of "
                            + Arrays.stream(SagaStatus.values()).map(Enum::name).collect(Collectors.joining(", "))
                            + " (any case)"));
        }
    }

    /** A saga id: a UUID as printed by {@code sagas list}, or the saga's link ({@code integrity://saga/<id>}) copied from the console. */
    static final class SagaId implements ITypeConverter<UUID> {

        private static final Pattern UUID_FORM = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

        @Override
        public UUID convert(String value) {
            String v = value.strip();
            if (v.contains("/")) {
                DeepLink link;
                try {
                    link = DeepLink.parse(v);
                } catch (InvalidInputException e) {
                    throw new TypeConversionException(e.getMessage());
                }
                if (link instanceof DeepLink.Saga saga) {
                    return saga.id();
                }
                throw new TypeConversionException("'" + ControlCharacters.escape(v) + "' is the link of a " + link.kind()
                        + ", not of a saga; give a saga id or integrity://saga/<id>");
            }
            if (!UUID_FORM.matcher(v).matches()) {
                throw new TypeConversionException("'" + value + "' is not a saga id; ids are UUIDs as 'sagas list' prints"
                        + " them, like 0b9c6f3e-5d1a-4c3b-9e2f-7a8b9c0d1e2f");
            }
            return UUID.fromString(v);
        }
    }
}
