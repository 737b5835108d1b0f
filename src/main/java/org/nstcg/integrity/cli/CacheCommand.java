package org.nstcg.integrity.cli;

import picocli.CommandLine.Command;

/** {@code cache}: operator actions on the coordinated cache. */
@Command(name = "cache", mixinStandardHelpOptions = true,
        description = "The coordinated cache (Redis plus each instance's near cache) in front of PostgreSQL.",
        subcommands = {CacheRebuildCommand.class})
final class CacheCommand {
}
