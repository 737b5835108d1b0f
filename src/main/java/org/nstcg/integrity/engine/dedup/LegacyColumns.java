package org.nstcg.integrity.engine.dedup;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The documented header of a legacy users file. The first record must name the columns, in any order:
 * {@code email} and {@code first_name} are required; {@code last_name}, {@code referral_code}, {@code points},
 * {@code referred_by_code} and {@code created_at} are optional. A column not in this list, or named twice, is an
 * error: a file whose columns we cannot account for is not guessed at.
 */
public enum LegacyColumns {
    EMAIL(true), FIRST_NAME(true), LAST_NAME(false), REFERRAL_CODE(false), POINTS(false), REFERRED_BY_CODE(false), CREATED_AT(false);

    private final boolean required;

    LegacyColumns(boolean required) {
        this.required = required;
    }

    public String header() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean required() {
        return required;
    }

    /** The documented header line. */
    public static String documentedHeader() {
        List<String> names = new ArrayList<>();
        for (LegacyColumns c : values()) {
            names.add(c.header());
        }
        return String.join(",", names);
    }

    /** Where each column is in a file, read from its header. */
    record Layout(Map<LegacyColumns, Integer> positions, int width) {

        String get(List<String> fields, LegacyColumns column) {
            Integer i = positions.get(column);
            return i == null || i >= fields.size() ? null : fields.get(i);
        }
    }

    /**
     * Reads the header record.
     *
     * @throws LegacyImportException naming the unknown, repeated or missing column
     */
    static Layout layout(List<String> header) {
        Map<LegacyColumns, Integer> positions = new EnumMap<>(LegacyColumns.class);
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).strip().toLowerCase(Locale.ROOT);
            if (i == 0 && name.startsWith("\ufeff")) {
                name = name.substring(1);
            }
            Optional<LegacyColumns> column = find(name);
            if (column.isEmpty()) {
                throw new LegacyImportException("The header names an unknown column '" + header.get(i).strip() + "' (column " + (i + 1)
                        + "); the columns are " + documentedHeader() + ".");
            }
            if (positions.put(column.get(), i) != null) {
                throw new LegacyImportException("The header names the column '" + name + "' twice.");
            }
        }
        for (LegacyColumns c : values()) {
            if (c.required && !positions.containsKey(c)) {
                throw new LegacyImportException("The header has no '" + c.header() + "' column; the columns are " + documentedHeader()
                        + " (email and first_name required).");
            }
        }
        return new Layout(positions, header.size());
    }

    private static Optional<LegacyColumns> find(String name) {
        for (LegacyColumns c : values()) {
            if (c.header().equals(name)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
