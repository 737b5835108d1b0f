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

    private final int memoryKib;
    private final int iterations;
    private final int parallelism;
    /**
     * The Argon2 function and the decoy, made on first use: making them costs about 0.15 s (Password4j's start and
     * one hash), which a one-shot command that signs nobody in should not pay (issue 13's start time).
     */
    private volatile Ready ready;

    /** @param decoy a hash checked when the username is unknown, so that case costs as much time as a wrong password */
    private record Ready(Argon2Function function, String decoy) {
    }

    public PasswordHasher(int memoryKib, int iterations, int parallelism) {
        this.memoryKib = memoryKib;
        this.iterations = iterations;
        this.parallelism = parallelism;
    }

    /**
     * Makes the function and the decoy now, so the first sign-in of an unknown username costs no more than any other
     * (a service engine calls it on its scheduler as it starts).
     */
    public void prepare() {
        ready();
    }

    private Ready ready() {
        Ready r = ready;
        if (r == null) {
            synchronized (this) {
                r = ready;
                if (r == null) {
                    Argon2Function function = Argon2Function.getInstance(memoryKib, iterations, parallelism, 32, Argon2.ID);
                    r = new Ready(function, hash(function, "decoy password, never valid"));
                    ready = r;
                }
            }
        }
        return r;
    }

    public String hash(String password) {
        return hash(ready().function(), password);
    }

    private static String hash(Argon2Function function, String password) {
        return Password.hash(password).addRandomSalt(16).with(function).getResult();
    }

    public boolean matches(String password, String hash) {
        return Password.check(password, hash).with(Argon2Function.getInstanceFromHash(hash));
    }

    /** Spends the time of one check, for unknown usernames. */
    void burn(String password) {
        matches(password, ready().decoy());
    }
}
