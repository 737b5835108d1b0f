package org.nstcg.integrity.cli;

import picocli.CommandLine.Command;

/** {@code cache}: the coordinated cache seen from the operator's side. */
@Command(name = "cache", mixinStandardHelpOptions = true,
        description = "The coordinated cache (Redis in front of PostgreSQL): how far it has drifted from the database.",
        subcommands = {CacheDivergenceCommand.class})
final class CacheCommand {
}
