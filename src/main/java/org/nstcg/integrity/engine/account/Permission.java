package org.nstcg.integrity.engine.account;

/**
 * What a signed-in console user may do. Each {@link Role} holds a fixed set; {@link Session#authorize} checks one
 * before the engine acts, so a face cannot grant more than the role allows.
 */
public enum Permission {
    VIEW_OVERVIEW("see the overview"),
    VIEW_DUPLICATES("see duplicate alerts and likely duplicates"),
    LOOK_UP_USERS("look up users"),
    MERGE_USERS("merge or unmerge users"),
    VIEW_SAGAS("see saga history"),
    ACT_ON_SAGAS("retry or resolve sagas"),
    VIEW_CACHE("see the cache"),
    MANAGE_CACHE("rebuild or invalidate the cache"),
    RUN_CHECKS("run integrity checks"),
    PREVIEW_REPAIRS("preview repairs"),
    APPLY_REPAIRS("apply repairs"),
    VIEW_AUDIT("read and verify the audit trail"),
    IMPORT_USERS("import legacy users"),
    MANAGE_ACCOUNTS("manage console accounts");

    private final String action;

    Permission(String action) {
        this.action = action;
    }

    /**
     * Whether only an administrator may do it: from the CLI, only with the schema owner's credentials or a console
     * administrator's sign-in (issue 14: holding the runtime login's configuration is not enough).
     */
    public boolean administrative() {
        return this == MANAGE_ACCOUNTS || this == APPLY_REPAIRS;
    }

    /** "rebuild or invalidate the cache": completes "may not …". */
    public String action() {
        return action;
    }
}
