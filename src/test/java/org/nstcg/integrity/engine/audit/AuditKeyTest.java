package org.nstcg.integrity.engine.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nstcg.integrity.engine.support.EngineException;

/** The audit key file and the anchor file, on a real file system. */
class AuditKeyTest {

    @TempDir
    Path dir;

    @Test
    void aKeyIsCreatedOwnerOnlyAndReadBackTheSame() throws Exception {
        Path file = dir.resolve("keys/audit.key");
        AuditKey created = AuditKey.readOrCreate(file);
        AuditKey again = AuditKey.readOrCreate(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        assertThat(again.fingerprint()).isEqualTo(created.fingerprint());
        String seal = created.seal(7, "ab".repeat(32));
        assertThat(again.sealed(7, "ab".repeat(32), seal)).isTrue();
        assertThat(again.sealed(8, "ab".repeat(32), seal)).as("a seal is bound to its entry's id").isFalse();
        assertThat(again.sealed(7, "cd".repeat(32), seal)).as("and to its hash").isFalse();
        assertThat(AuditKey.readOrCreate(dir.resolve("other.key")).fingerprint()).isNotEqualTo(created.fingerprint());
    }

    @Test
    void aFileThatHoldsNoKeySaysWhatToDo() throws Exception {
        Path file = dir.resolve("audit.key");
        Files.writeString(file, "# a comment\nnot a key\n");
        assertThatThrownBy(() -> AuditKey.read(file)).isInstanceOf(EngineException.class)
                .hasMessageContaining("does not hold a key").hasMessageContaining("audit.key-file");
        assertThat(AuditKey.read(dir.resolve("absent.key"))).isEmpty();
    }

    @Test
    void anAnchorFileKeepsEachDeploymentsLinesAndSkipsARepeatedHead() throws Exception {
        Path file = dir.resolve("anchors.log");
        AuditAnchorFile mine = new AuditAnchorFile(file, "integrity/public");
        AuditAnchorFile other = mine.sibling(file);
        AuditAnchorFile theirs = new AuditAnchorFile(file, "integrity/staging");
        Instant now = Instant.parse("2026-12-04T02:00:00Z");
        AuditAnchor head = new AuditAnchor(5, "ab".repeat(32), Optional.of(now), "test");

        assertThat(mine.append(head, now)).isTrue();
        assertThat(other.append(head, now.plusSeconds(60))).as("the same head again").isFalse();
        assertThat(theirs.append(new AuditAnchor(9, "cd".repeat(32), Optional.empty(), "test"), now)).isTrue();
        assertThat(mine.append(new AuditAnchor(6, "ef".repeat(32), Optional.empty(), "test"), now.plusSeconds(120))).isTrue();

        assertThat(mine.read()).extracting(AuditAnchor::id).containsExactly(5L, 6L);
        assertThat(mine.read().get(0).at()).contains(now);
        assertThat(theirs.read()).extracting(AuditAnchor::text).containsExactly("9:" + "cd".repeat(32));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        Files.writeString(file, "2026-12-04T02:00:00Z integrity/public 12:nothex\n", java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(mine::read).isInstanceOf(EngineException.class).hasMessageContaining("malformed line 4");
    }

    @Test
    void anExpectedAnchorIsParsedOrRefusedWithWhatIsExpected() {
        assertThat(AuditAnchor.parse(" 42:" + "AB".repeat(32) + " ", "--expect").text()).isEqualTo("42:" + "ab".repeat(32));
        assertThatThrownBy(() -> AuditAnchor.parse("42", "--expect")).hasMessageContaining("expected ID:HASH");
        assertThatThrownBy(() -> AuditAnchor.parse("0:" + "ab".repeat(32), "--expect")).isInstanceOf(IllegalArgumentException.class);
    }
}
