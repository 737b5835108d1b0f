package org.nstcg.integrity.console.viewmodel.shell;

import org.nstcg.integrity.engine.account.Permission;

/**
 * The console's screens, in navigation order; the n-th is reached with Ctrl+n. One name everywhere: the FXML
 * folder, {@code view.<feature>} and {@code viewmodel.<feature>}. A screen is shown to a user whose role has its
 * {@link #permission()}.
 */
public enum Feature {
    OVERVIEW("Overview", "Headline figures of the sign-up platform, read live from PostgreSQL.", Permission.VIEW_OVERVIEW),
    DUPLICATES("Duplicates", "Duplicate alerts and likely-duplicate users, merged side by side after a preview.", Permission.VIEW_DUPLICATES),
    SAGAS("Sagas", "Every multi-step operation, step by step, with retry and resolve for the ones that need attention.", Permission.VIEW_SAGAS),
    CACHE("Cache", "Divergence between Redis and PostgreSQL over time, cache statistics, rebuild and invalidation.", Permission.VIEW_CACHE),
    USERS("Users", "Find users by email, name or referral code; their points, referrals and history; merge and unmerge.", Permission.LOOK_UP_USERS),
    REPAIRS("Repairs", "Integrity findings by check, each with a repair previewed before it is applied.", Permission.RUN_CHECKS),
    AUDIT("Audit", "The append-only audit trail, searchable, and a check that its hash chain is intact.", Permission.VIEW_AUDIT),
    ACCOUNTS("Accounts", "Console accounts and their roles: create, change role, unlock, reset password, disable.", Permission.MANAGE_ACCOUNTS);

    private final String title;
    private final String purpose;
    private final Permission permission;

    Feature(String title, String purpose, Permission permission) {
        this.title = title;
        this.purpose = purpose;
        this.permission = permission;
    }

    /** "Sagas": the navigation label and page title. */
    public String title() {
        return title;
    }

    /** One sentence on what the screen does. */
    public String purpose() {
        return purpose;
    }

    /** What a role needs to see this screen. */
    public Permission permission() {
        return permission;
    }

    /** 1 for the first screen: the digit of its Ctrl shortcut. */
    public int shortcutDigit() {
        return ordinal() + 1;
    }
}
