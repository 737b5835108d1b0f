package org.nstcg.integrity.engine.account;

import java.util.EnumSet;
import java.util.Set;

/** The three kinds of console user and what each may do. */
public enum Role {
    /** Everything, including managing accounts. */
    ADMINISTRATOR("Administrator", EnumSet.allOf(Permission.class)),
    /** Looks up users and merges or unmerges their records. */
    SUPPORT("Support", EnumSet.of(Permission.VIEW_OVERVIEW, Permission.VIEW_DUPLICATES, Permission.LOOK_UP_USERS,
            Permission.MERGE_USERS)),
    /** Runs checks and repairs, manages the cache and acts on sagas. */
    OPERATOR("Operator", EnumSet.of(Permission.VIEW_OVERVIEW, Permission.VIEW_SAGAS, Permission.ACT_ON_SAGAS,
            Permission.VIEW_CACHE, Permission.MANAGE_CACHE, Permission.RUN_CHECKS, Permission.PREVIEW_REPAIRS, Permission.APPLY_REPAIRS));

    private final String title;
    private final Set<Permission> permissions;

    Role(String title, Set<Permission> permissions) {
        this.title = title;
        this.permissions = Set.copyOf(permissions);
    }

    /** "Support". */
    public String title() {
        return title;
    }

    public boolean allows(Permission permission) {
        return permissions.contains(permission);
    }

    public Set<Permission> permissions() {
        return permissions;
    }
}
