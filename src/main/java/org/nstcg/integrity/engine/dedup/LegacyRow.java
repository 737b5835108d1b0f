package org.nstcg.integrity.engine.dedup;

import java.text.Normalizer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.nstcg.integrity.engine.email.EmailCheck;
import org.nstcg.integrity.engine.email.EmailNormalizer;

/**
 * One data row of a legacy file, checked. A valid row carries cleaned values; an invalid one its reason. The
 * rules are registration's: email per {@link EmailNormalizer}; names trimmed, NFC, at most 100 characters, no
 * control or invisible characters and no U+FFFD (a sign the file was decoded with the wrong encoding before it was saved);
 * points a whole number from 0 to 2,147,483,647 (what the points column holds; empty means 0); created_at an ISO-8601
 * date, date-time (UTC when no offset) or instant (empty means the import time), from {@link #EARLIEST} to a day after
 * the import (clocks differ; a later date, or an earlier one, is a typo or a placeholder, and one outside what
 * PostgreSQL can store would fail the whole import instead of one row).
 */
record LegacyRow(int line, String email, String emailNormalized, String firstName, String lastName, String legacyCode,
                 Optional<String> storableCode, int points, String referredByCode, Instant createdAt, Optional<String> problem) {

    static final int MAX_NAME = 100;
    /** The earliest created_at taken: older dates are placeholders (0001-01-01, 1970-01-01), not sign-ups. */
    static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    /** How far past the import's start a created_at may be, for clocks that differ. */
    static final Duration SKEW = Duration.ofDays(1);
    private static final String CODE_FORMAT = "^[0-9A-Z-]{4,32}$";

    boolean valid() {
        return problem.isEmpty();
    }

    /** @param now the import's start, for created_at dates in the future */
    static LegacyRow check(int line, List<String> fields, LegacyColumns.Layout layout, EmailNormalizer emails, Instant now) {
        String rawEmail = layout.get(fields, LegacyColumns.EMAIL);
        String rawFirst = layout.get(fields, LegacyColumns.FIRST_NAME);
        String rawLast = layout.get(fields, LegacyColumns.LAST_NAME);
        String rawCode = layout.get(fields, LegacyColumns.REFERRAL_CODE);
        String rawPoints = layout.get(fields, LegacyColumns.POINTS);
        String rawReferrer = layout.get(fields, LegacyColumns.REFERRED_BY_CODE);
        String rawCreated = layout.get(fields, LegacyColumns.CREATED_AT);
        if (fields.size() != layout.width()) {
            return invalid(line, rawEmail, rawFirst, rawLast, rawCode, rawReferrer,
                    "has " + fields.size() + " fields where the header has " + layout.width());
        }
        EmailCheck email = emails.check(rawEmail);
        if (email instanceof EmailCheck.Invalid bad) {
            return invalid(line, rawEmail, rawFirst, rawLast, rawCode, rawReferrer, "email " + bad.reason());
        }
        EmailCheck.Valid ok = (EmailCheck.Valid) email;
        String first;
        String last;
        try {
            first = name(rawFirst, true, "first_name");
            last = name(rawLast, false, "last_name");
        } catch (IllegalArgumentException e) {
            return invalid(line, rawEmail, rawFirst, rawLast, rawCode, rawReferrer, e.getMessage());
        }
        int points = 0;
        String p = rawPoints == null ? "" : rawPoints.strip();
        if (!p.isEmpty()) {
            try {
                long v = Long.parseLong(p);
                if (v < 0 || v > Integer.MAX_VALUE) {
                    return invalid(line, rawEmail, rawFirst, rawLast, rawCode, rawReferrer, "points " + p + " is not between 0 and 2147483647");
                }
                points = (int) v;
            } catch (NumberFormatException e) {
                return invalid(line, rawEmail, rawFirst, rawLast, rawCode, rawReferrer, "points '" + shorten(p) + "' is not a whole number");
            }
        }
        Instant created = null;
        String d = rawCreated == null ? "" : rawCreated.strip();
        if (!d.isEmpty()) {
            created = instant(d);
            if (created == null) {
                return invalid(line, rawEmail, rawFirst, rawLast, rawCode, rawReferrer,
                        "created_at '" + shorten(d) + "' is not an ISO-8601 date or date-time (2021-03-04 or 2021-03-04T10:15:30Z)");
            }
            if (created.isBefore(EARLIEST)) {
                return invalid(line, rawEmail, rawFirst, rawLast, rawCode, rawReferrer,
                        "created_at '" + shorten(d) + "' is before 2000-01-01, earlier than any sign-up (a placeholder date?)");
            }
            if (created.isAfter(now.plus(SKEW))) {
                return invalid(line, rawEmail, rawFirst, rawLast, rawCode, rawReferrer, "created_at '" + shorten(d) + "' is in the future");
            }
        }
        String code = rawCode == null ? "" : rawCode.strip();
        String upper = code.toUpperCase(Locale.ROOT);
        Optional<String> storable = upper.matches(CODE_FORMAT) ? Optional.of(upper) : Optional.empty();
        String referrer = rawReferrer == null || rawReferrer.isBlank() ? null : rawReferrer.strip();
        return new LegacyRow(line, ok.address().asTyped(), ok.address().normalized(), first, last, code.isEmpty() ? null : code,
                storable, points, referrer, created, Optional.empty());
    }

    /** A record that could not even be split into fields. */
    static LegacyRow unreadable(int line, String problem) {
        return new LegacyRow(line, null, null, null, null, null, Optional.empty(), 0, null, null, Optional.of(problem));
    }

    private static LegacyRow invalid(int line, String email, String first, String last, String code, String referrer, String problem) {
        return new LegacyRow(line, email, null, first, last, code, Optional.empty(), 0, referrer, null, Optional.of(problem));
    }

    private static String name(String typed, boolean required, String column) {
        String s = typed == null ? "" : typed.strip();
        if (s.isEmpty()) {
            if (required) {
                throw new IllegalArgumentException(column + " is empty");
            }
            return null;
        }
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int type = Character.getType(cp);
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.UNASSIGNED || type == Character.PRIVATE_USE
                    || type == Character.SURROGATE) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%s contains an invisible or control character (U+%04X)", column, cp));
            }
            if (cp == 0xFFFD) {
                throw new IllegalArgumentException(column + " contains U+FFFD, the replacement character: the text was read with"
                        + " the wrong character encoding before it was saved in this file");
            }
            i += Character.charCount(cp);
        }
        s = Normalizer.normalize(s, Normalizer.Form.NFC);
        if (s.codePointCount(0, s.length()) > MAX_NAME) {
            throw new IllegalArgumentException(column + " is longer than " + MAX_NAME + " characters");
        }
        return s;
    }

    private static Instant instant(String s) {
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
