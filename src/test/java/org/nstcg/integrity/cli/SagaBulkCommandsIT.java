package org.nstcg.integrity.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.audit.AuditEntry;
import org.nstcg.integrity.engine.saga.SagaStatus;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.ProbeSagas;
import org.nstcg.integrity.support.TestActors;
import org.nstcg.integrity.support.TestDatabase;

/**
 * {@code sagas resolve|retry --all-matching}: {@code --dry-run} prints what would be done and changes nothing; the run
 * acts on each saga that needs attention and matches, audited with the reason and the bulk id; the command line is
 * checked before anything starts. The sagas are {@link ProbeSagas}, of types the CLI's own engine does not run (so it
 * can resolve them but not retry them).
 */
@IntegrityTest
class SagaBulkCommandsIT {

    private static TestDatabase db;
    private static IntegrityEngine engine;

    private final CliRunner cli = new CliRunner();

    @BeforeAll
    static void start(TestDatabase slice, IntegrityEngine started) {
        db = slice;
        engine = started;
    }

    @Test
    void aDryRunPrintsThePreviewAndTheRunResolvesEachMatchingSagaWithItsAuditEntry() {
        List<UUID> broken = ProbeSagas.needingAttention(engine, "bulk-cli", 2);

        assertThat(run("sagas", "resolve", "--all-matching", "--type", "bulk-cli", "--dry-run")).isZero();
        assertThat(cli.out()).startsWith("2 sagas will be resolved:")
                .contains("  bulk-cli 1 (bulk-cli) · saga " + broken.get(1) + ": resolve: marks it resolved by hand; it is not run again")
                .contains("  bulk-cli 0 (bulk-cli) · saga " + broken.get(0) + ": resolve:")
                .contains("Dry run: nothing was changed.");
        assertThat(broken).allSatisfy(id -> assertThat(status(id)).isEqualTo(SagaStatus.FAILED_NEEDS_ATTENTION));

        assertThat(run("sagas", "resolve", "--all-matching", "--type", "bulk-cli", "--note", "refunded by hand", "--actor", "ops-alice"))
                .as(cli.err()).isZero();
        assertThat(cli.out()).contains("Finished (bulk ").contains("): 2 done, 0 skipped, 0 failed.")
                .contains("  done    saga " + broken.get(0) + ": marked resolved");
        assertThat(cli.err()).contains("Resolving saga 1 of 2…", "Resolving saga 2 of 2…");
        String bulk = cli.out().replaceAll("(?s).*\\(bulk ([0-9a-f-]{36})\\).*", "$1");
        for (UUID id : broken) {
            assertThat(status(id)).isEqualTo(SagaStatus.RESOLVED);
            List<AuditEntry> audited = engine.audit().list(TestActors.OPERATOR, Optional.empty(), Optional.of("saga.resolve"),
                    Optional.of(id.toString()), Optional.empty(), 10);
            assertThat(audited).singleElement().satisfies(e -> {
                assertThat(e.actor()).isEqualTo(TestActors.cli("ops-alice"));
                assertThat(e.details()).contains("refunded by hand");
                assertThat(e.after().orElseThrow().path("bulk").asText()).isEqualTo(bulk);
            });
        }

        assertThat(run("sagas", "resolve", "--all-matching", "--type", "bulk-cli", "--note", "again")).isZero();
        assertThat(cli.out().strip()).isEqualTo("No saga that needs attention matches type bulk-cli: nothing to do.");
    }

    @Test
    void aRetryOfSagasThisInstanceCannotRunListsThemAsLeftAloneAndTheCommandLineIsCheckedFirst() {
        UUID broken = ProbeSagas.needingAttention(engine, "bulk-cli-retry", 1).get(0);

        assertThat(run("sagas", "retry", "--all-matching", "--type", "bulk-cli-retry", "--reason", "fixed")).isZero();
        assertThat(cli.out()).startsWith("0 sagas will be retried; 1 left alone:")
                .contains("left alone: this instance cannot run bulk-cli-retry sagas").contains("Nothing to do.");

        assertThat(run("sagas", "retry", "--all-matching", "--type", "bulk-cli-retry")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err().strip()).isEqualTo("error: --reason is required: say what was done and why.");
        assertThat(run("sagas", "retry", broken.toString(), "--all-matching", "--reason", "x")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err().strip()).isEqualTo("error: give a saga ID or --all-matching, not both.");
        assertThat(run("sagas", "resolve", broken.toString(), "--dry-run", "--note", "x")).isEqualTo(ExitCodes.USAGE);
        assertThat(cli.err().strip()).isEqualTo("error: --type, --since and --dry-run go with --all-matching, not with a saga ID.");
        assertThat(run("sagas", "resolve", "--note", "x")).isEqualTo(ExitCodes.USAGE);
        assertThat(status(broken)).isEqualTo(SagaStatus.FAILED_NEEDS_ATTENTION);
    }

    private static SagaStatus status(UUID id) {
        return engine.sagas().show(TestActors.OPERATOR, id).orElseThrow().status();
    }

    private int run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(db.cliFlags());
        return cli.run(all.toArray(String[]::new));
    }
}
