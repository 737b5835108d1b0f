package org.nstcg.integrity.engine.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.nstcg.integrity.engine.support.EngineException;

/**
 * A file of anchors, one line each, appended to and never rewritten: {@code <instant> <deployment> <id>:<hash>}. The
 * deployment (database endpoint and schema) lets one file serve several deployments: each reads its own lines. Kept
 * wherever {@code audit.anchor-file} says (the data directory by default); copying it elsewhere, or shipping the
 * outbox's {@code audit.anchored} events to the broker, keeps a copy out of reach of the database's users.
 */
public final class AuditAnchorFile {

    private final Path file;
    private final String deployment;

    public AuditAnchorFile(Path file, String deployment) {
        if (deployment.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("a deployment name has no spaces: " + deployment);
        }
        this.file = file;
        this.deployment = deployment;
    }

    public Path file() {
        return file;
    }

    /** The deployment whose lines this file's reader takes. */
    public String deployment() {
        return deployment;
    }

    /** Another file, read (and written) for the same deployment. */
    public AuditAnchorFile sibling(Path other) {
        return new AuditAnchorFile(other, deployment);
    }

    /** Appends {@code anchor} (its {@code at}, or now), unless the file's last anchor of this deployment is the same entry. */
    public synchronized boolean append(AuditAnchor anchor, Instant now) {
        try {
            List<AuditAnchor> mine = read();
            if (!mine.isEmpty() && mine.get(mine.size() - 1).id() == anchor.id() && mine.get(mine.size() - 1).hash().equals(anchor.hash())) {
                return false;
            }
            Path dir = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
            }
            if (!Files.exists(file)) {
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (UnsupportedOperationException e) {
                    Files.createFile(file);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    // created meanwhile by another instance on this machine
                }
            }
            String line = anchor.at().orElse(now) + " " + deployment + " " + anchor.text() + System.lineSeparator();
            Files.writeString(file, line, StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
            return true;
        } catch (IOException e) {
            throw new EngineException("The audit anchor file " + file + " cannot be written (" + e.getMessage()
                    + "): make it writable, or point audit.anchor-file at another path.", e);
        }
    }

    /**
     * This deployment's anchors in the file, oldest first; none when it does not exist.
     *
     * @throws EngineException when it exists but cannot be read, or a line of this deployment is malformed
     */
    public List<AuditAnchor> read() {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new EngineException("The audit anchor file " + file + " cannot be read (" + e.getMessage() + ").", e);
        }
        List<AuditAnchor> anchors = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] parts = lines.get(i).strip().split(" ");
            if (parts.length != 3 || !parts[1].equals(deployment)) {
                continue; // blank, a comment, or another deployment's
            }
            String source = file + " line " + (i + 1);
            try {
                AuditAnchor a = AuditAnchor.parse(parts[2], source);
                anchors.add(new AuditAnchor(a.id(), a.hash(), Optional.of(Instant.parse(parts[0])), source));
            } catch (IllegalArgumentException | DateTimeParseException e) {
                throw new EngineException("The audit anchor file " + file + " has a malformed line " + (i + 1)
                        + ": expected '<instant> " + deployment + " <id>:<hash>'.", e);
            }
        }
        return anchors;
    }
}
