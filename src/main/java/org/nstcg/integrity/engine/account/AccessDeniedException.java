package org.nstcg.integrity.engine.account;

import org.nstcg.integrity.engine.support.EngineException;

/** A signed-in user asked for something their role does not allow, or their account was disabled meanwhile. */
public final class AccessDeniedException extends EngineException {

    private final Permission permission;

    public AccessDeniedException(String message, Permission permission) {
        super(message);
        this.permission = permission;
    }

    public Permission permission() {
        return permission;
    }
}
