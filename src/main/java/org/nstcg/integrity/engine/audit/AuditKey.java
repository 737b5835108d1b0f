package org.nstcg.integrity.engine.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.nstcg.integrity.engine.support.EngineException;

/**
 * The key that seals audit entries: 32 random bytes in a file outside PostgreSQL ({@code audit.key-file}, by default
 * {@code audit.key} in the data directory), readable by its owner only. Every instance of a deployment needs the same
 * file; the database keeps only the key's fingerprint, which tells a wrong or missing key apart from a tampered trail.
 */
public final class AuditKey {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] FINGERPRINT_INPUT = "integrity-console audit key fingerprint v1".getBytes(StandardCharsets.UTF_8);

    private final Path file;
    private final SecretKeySpec key;

    private AuditKey(Path file, byte[] bytes) {
        this.file = file;
        this.key = new SecretKeySpec(bytes, "HmacSHA256");
    }

    /** The key in {@code file}, if the file exists. */
    public static Optional<AuditKey> read(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
                String s = line.strip();
                if (!s.isEmpty() && !s.startsWith("#")) {
                    if (!s.matches("[0-9a-f]{64}")) {
                        break;
                    }
                    return Optional.of(new AuditKey(file, HEX.parseHex(s)));
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new EngineException("The audit key file " + file + " cannot be read (" + e.getMessage()
                    + "): check its permissions, or point audit.key-file at the deployment's key.", e);
        }
        throw new EngineException("The audit key file " + file + " does not hold a key (one line of 64 hex digits):"
                + " restore it from a copy, or point audit.key-file at the deployment's key.");
    }

    /**
     * The key in {@code file}, created with 32 random bytes if the file does not exist yet (mode 0600, its directory
     * 0700 when created). Two processes creating it at once end up with the same key: the file is linked into place, never replaced, and the
     * process that loses the race reads the winner's.
     */
    public static AuditKey readOrCreate(Path file) {
        Optional<AuditKey> existing = read(file);
        if (existing.isPresent()) {
            return existing.get();
        }
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        String text = "# Integrity Console audit key. Keep it secret and give every instance of this deployment the same file"
                + " (audit.key-file).\n" + HEX.formatHex(bytes) + "\n";
        try {
            Path dir = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                createPrivateDirectory(dir);
            }
            Path tmp = Files.createTempFile(dir, ".audit-key", ".tmp");
            try {
                restrict(tmp);
                Files.writeString(tmp, text, StandardCharsets.US_ASCII);
                try {
                    Files.createLink(file, tmp); // atomic and never replaces: of two processes creating it, one wins
                } catch (UnsupportedOperationException e) {
                    Files.move(tmp, file);
                }
            } catch (FileAlreadyExistsException e) {
                return read(file).orElseThrow();
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new EngineException("The audit key file " + file + " cannot be created (" + e.getMessage()
                    + "): make its directory writable, or point audit.key-file at another path.", e);
        }
        return new AuditKey(file, bytes);
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
    }

    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: its ACLs apply
        }
    }

    public Path file() {
        return file;
    }

    /** The seal of entry {@code id} with hash {@code hash}: HMAC-SHA256 of {@code "<id>:<hash>"}, in hex. */
    public String seal(long id, String hash) {
        return HEX.formatHex(mac((id + ":" + hash).getBytes(StandardCharsets.US_ASCII)));
    }

    /** Whether {@code mac} is the seal of entry {@code id} with hash {@code hash}, compared in constant time. */
    public boolean sealed(long id, String hash, String mac) {
        return mac != null && MessageDigest.isEqual(seal(id, hash).getBytes(StandardCharsets.US_ASCII),
                mac.strip().getBytes(StandardCharsets.US_ASCII));
    }

    /** What the database keeps of the key: an HMAC of a fixed text, which shows whether two instances hold the same key. */
    public byte[] fingerprint() {
        return mac(FINGERPRINT_INPUT);
    }

    /** The fingerprint's first 16 hex digits, to name a key in messages. */
    public static String shortFingerprint(byte[] fingerprint) {
        return HEX.formatHex(fingerprint).substring(0, 16);
    }

    private byte[] mac(byte[] input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return "AuditKey[" + file + ", fingerprint " + shortFingerprint(fingerprint()) + "]";
    }
}
