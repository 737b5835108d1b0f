package org.nstcg.integrity.engine.account;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

/**
 * Argon2id password hashes as PHC strings ({@code $argon2id$v=19$m=…,t=…,p=…$salt$hash}), by Password4j. The cost
 * parameters are stored in each hash, so they can be raised later without invalidating existing passwords.
 */
public final class PasswordHasher {

    /** OWASP's recommended minimum for Argon2id: 19 MiB, 2 iterations, 1 lane. */
    public static final PasswordHasher DEFAULT = new PasswordHasher(19_456, 2, 1);

    private final Argon2Function function;
    /** A hash checked when the username is unknown, so that case costs as much time as a wrong password. */
    private final String decoy;

    public PasswordHasher(int memoryKib, int iterations, int parallelism) {
        this.function = Argon2Function.getInstance(memoryKib, iterations, parallelism, 32, Argon2.ID);
        this.decoy = hash("decoy password, never valid");
    }

    public String hash(String password) {
        return Password.hash(password).addRandomSalt(16).with(function).getResult();
    }

    public boolean matches(String password, String hash) {
        return Password.check(password, hash).with(Argon2Function.getInstanceFromHash(hash));
    }

    /** Spends the time of one check, for unknown usernames. */
    void burn(String password) {
        matches(password, decoy);
    }
}
