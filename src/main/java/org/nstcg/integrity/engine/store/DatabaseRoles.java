package org.nstcg.integrity.engine.store;

import java.util.Optional;

/**
 * Which PostgreSQL roles the engine uses (decision record 0010): the runtime role its connections log in as, the
 * role that ran the migrations and owns the schema, and whether the runtime role can act as that owner (it is the
 * owner, a member of the owner's role, or a superuser), in which case the append-only tables and the audit trail
 * are protected by triggers it could drop.
 *
 * @param runtimeUser       {@code db.user}: the engine's connections
 * @param migrationUser     the migrations' login: {@code db.migration-user}, or {@code db.user} when that is empty
 * @param runtimeOwnsSchema whether the runtime role can act as the owner of the schema or of its audit trail
 */
public record DatabaseRoles(String runtimeUser, String migrationUser, boolean runtimeOwnsSchema) {

    /** Whether one login both migrates and runs the engine. */
    public boolean singleLogin() {
        return runtimeUser.equals(migrationUser);
    }

    /** What to tell an operator whose engine could rewrite its own audit trail; empty when the roles are apart. */
    public Optional<String> warning() {
        if (!runtimeOwnsSchema) {
            return Optional.empty();
        }
        if (singleLogin()) {
            return Optional.of("single login: the engine's login owns the schema, so it could rewrite the audit trail;"
                    + " set db.migration-user to the owner role and db.user to a runtime role (README, Security)");
        }
        return Optional.of("the engine's login " + runtimeUser + " can act as the schema's owner (it is a superuser or a member"
                + " of the owner's role), so it could rewrite the audit trail; make db.user a role of its own (README, Security)");
    }
}
