package org.nstcg.integrity.engine.store;

/** Lifecycle of a user row; stored in lower case. */
public enum UserStatus {
    ACTIVE, MERGED, ARCHIVED;

    public String dbValue() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
