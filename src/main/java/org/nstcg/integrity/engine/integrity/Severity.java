package org.nstcg.integrity.engine.integrity;

import java.util.Locale;

/** How bad a check's findings are. Stored and printed in lower case: {@code info}, {@code warning}, {@code critical}. */
public enum Severity {
    INFO, WARNING, CRITICAL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Severity of(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
