package org.nstcg.integrity.engine.store;

import java.security.SecureRandom;

/** Engine-wide secrets kept in {@code engine_secrets}: created once by whichever instance comes first, then shared. */
public final class EngineSecrets {

    private EngineSecrets() {
    }

    /**
     * The secret called {@code name}, creating 32 random bytes for it if no instance has yet.
     *
     * @throws StoreException when PostgreSQL cannot be read
     */
    public static byte[] getOrCreate(Jdbc jdbc, String name) {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        return jdbc.read("read the engine's secret '" + name + "'", tx -> {
            tx.update("INSERT INTO engine_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", name, fresh);
            return tx.single("SELECT value FROM engine_secrets WHERE name = ?", r -> r.getBytes(1), name);
        });
    }
}
