package org.nstcg.integrity.engine.config;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.nstcg.integrity.engine.support.EngineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generated passwords of the embedded PostgreSQL (superuser {@code postgres}) and the embedded Redis
 * ({@code requirepass}), kept in {@code embedded-secrets.properties} in the data directory, readable by its owner only.
 *
 * <p>Design notes: the servers listen on loopback, which every local OS user reaches; the passwords are what keeps a
 * second local user out. The owner of the data directory creates the file once (0600, written beside it and moved into
 * place, so no reader sees it half written) and every later start, and every process attaching to the owner's servers,
 * reads the same file. The passwords never appear on a command line ({@code ps} shows those), in a log line or in
 * {@code status}; {@link #toString()} hides them.
 */
public final class EmbeddedSecrets {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedSecrets.class);
    static final String FILE = "embedded-secrets.properties";
    private static final String POSTGRES = "postgres.password";
    private static final String REDIS = "redis.password";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String postgresPassword;
    private final String redisPassword;
    private final boolean created;

    private EmbeddedSecrets(String postgresPassword, String redisPassword, boolean created) {
        this.postgresPassword = postgresPassword;
        this.redisPassword = redisPassword;
        this.created = created;
    }

    /** The data directory's secrets, created (with any missing password generated) by the directory's owner. */
    static EmbeddedSecrets loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        Properties p = read(file).orElseGet(Properties::new);
        boolean complete = valid(p.getProperty(POSTGRES)) && valid(p.getProperty(REDIS));
        if (complete) {
            restrict(file);
            return new EmbeddedSecrets(p.getProperty(POSTGRES), p.getProperty(REDIS), false);
        }
        boolean postgresNew = !valid(p.getProperty(POSTGRES));
        if (postgresNew) {
            p.setProperty(POSTGRES, generate());
        }
        if (!valid(p.getProperty(REDIS))) {
            p.setProperty(REDIS, generate());
        }
        write(file, p);
        log.info("Generated the embedded servers' passwords in {} (readable by this OS user only)", file);
        return new EmbeddedSecrets(p.getProperty(POSTGRES), p.getProperty(REDIS), postgresNew);
    }

    /**
     * The secrets of the owner's servers, for a process attaching to them. Empty when the owner wrote none (a console
     * of a version before the servers had passwords, whose servers still trust loopback).
     */
    static Optional<EmbeddedSecrets> ofOwner(Path dataDir) {
        return read(dataDir.resolve(FILE)).filter(p -> valid(p.getProperty(POSTGRES)) && valid(p.getProperty(REDIS)))
                .map(p -> new EmbeddedSecrets(p.getProperty(POSTGRES), p.getProperty(REDIS), false));
    }

    /** 32 random bytes in hex: safe inside a Redis config line and a PostgreSQL literal alike. */
    private static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static boolean valid(String password) {
        return password != null && password.matches("[0-9a-f]{32,128}");
    }

    private static Optional<Properties> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            return Optional.of(p);
        } catch (IOException | IllegalArgumentException e) {
            throw new EngineException("Cannot read the embedded servers' passwords in " + file + " (" + e.getMessage()
                    + "). Restore the file from a backup, or remove it to have new passwords set at the next start.", e);
        }
    }

    private static void write(Path file, Properties p) {
        Path tmp = file.resolveSibling(FILE + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmp); // not a POSIX file system: its ACLs apply
            }
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "Passwords of the embedded PostgreSQL and Redis. Keep this file private (mode 0600).");
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new EngineException("Cannot write the embedded servers' passwords to " + file + " (" + e.getMessage()
                    + "). Make the data directory writable, or choose another one with data.dir.", e);
        }
    }

    /** A secrets file someone made readable to others is made private again. */
    private static void restrict(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rw-------");
            if (!owner.containsAll(perms)) {
                Files.setPosixFilePermissions(file, owner);
                log.warn("{} was readable by other OS users; it is private again (0600)", file);
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its ACLs apply
        } catch (IOException e) {
            log.warn("Cannot check the permissions of {}: {}", file, e.getMessage());
        }
    }

    /** The embedded PostgreSQL's {@code postgres} password. Never log or print it. */
    String postgresPassword() {
        return postgresPassword;
    }

    /** The embedded Redis's {@code requirepass}. Never log or print it. */
    String redisPassword() {
        return redisPassword;
    }

    /** Whether this start generated the PostgreSQL password (an existing database must then be given it). */
    boolean postgresPasswordCreated() {
        return created;
    }

    @Override
    public String toString() {
        return "EmbeddedSecrets[" + Redaction.MASK + "]";
    }
}
