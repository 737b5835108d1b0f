package org.nstcg.integrity.console.viewmodel.shell;

/**
 * The console's screens, in navigation order; the n-th is reached with Ctrl+n. One name everywhere: the FXML
 * folder, {@code view.<feature>} and {@code viewmodel.<feature>}.
 */
public enum Feature {
    OVERVIEW("Overview", "Headline figures of the sign-up platform, read live from PostgreSQL."),
    DUPLICATES("Duplicates", "It will find accounts that belong to the same person and merge them, with an undo."),
    SAGAS("Sagas", "It will follow every registration step by step and finish or compensate the ones a crash left half done."),
    CACHE("Cache", "It will compare Redis with PostgreSQL, show where they diverge and rebuild the cache."),
    USERS("Users", "It will search and inspect user accounts, their referral codes and their points."),
    REPAIRS("Repairs", "It will offer repairs for the findings of integrity checks, each previewed before it is applied and audited."),
    AUDIT("Audit", "It will browse the append-only audit trail and verify that its hash chain is intact.");

    private final String title;
    private final String purpose;

    Feature(String title, String purpose) {
        this.title = title;
        this.purpose = purpose;
    }

    /** "Sagas": the navigation label and page title. */
    public String title() {
        return title;
    }

    /** One sentence on what the screen does (or will do). */
    public String purpose() {
        return purpose;
    }

    /** 1 for the first screen: the digit of its Ctrl shortcut. */
    public int shortcutDigit() {
        return ordinal() + 1;
    }

    /** Whether the screen is built yet; the others show a placeholder. */
    public boolean available() {
        return this == OVERVIEW;
    }
}
