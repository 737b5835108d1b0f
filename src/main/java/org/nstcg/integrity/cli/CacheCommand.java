package org.nstcg.integrity.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.cache.CacheInspector;
import org.nstcg.integrity.engine.cache.CacheInspector.Overview;
import org.nstcg.integrity.engine.cache.CacheInspector.PatternFigures;
import org.nstcg.integrity.engine.cache.CacheKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cache}: the coordinated Redis cache, as operators see and steer it. */
@Command(name = "cache", mixinStandardHelpOptions = true,
        description = "The coordinated Redis cache shared by every engine instance.%n"
                + "Exit codes: 0 done, 2 server unreachable (an invalidation is then recorded and applied when Redis is back),"
                + " 130 rebuild cancelled (Ctrl-C),"
                + " 64 bad command line (pattern).",
        subcommands = {CacheCommand.Stats.class, CacheCommand.Invalidate.class, CacheRebuildCommand.class, CacheDivergenceCommand.class})
final class CacheCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code cache stats}. */
    @Command(name = "stats", mixinStandardHelpOptions = true,
            description = "What the cache holds per key pattern (entries, tombstones of recent invalidations, time to live),"
                    + " Redis memory and hit figures, instances listening for invalidations, invalidations waiting to be replayed.")
    static final class Stats implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            try (IntegrityEngine engine = EngineStarter.start(spec)) {
                Overview o = new CacheInspector(engine.cache().coordinator()).overview();
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    ObjectNode root = JSON.createObjectNode();
                    root.put("redisVersion", o.redisVersion());
                    root.put("usedMemory", o.usedMemory());
                    root.put("keyspaceHits", o.keyspaceHits());
                    root.put("keyspaceMisses", o.keyspaceMisses());
                    root.put("listeningInstances", o.listeningInstances());
                    root.put("missedInvalidationsWaiting", o.missedWaiting());
                    ArrayNode patterns = root.putArray("patterns");
                    for (PatternFigures p : o.patterns()) {
                        patterns.addObject().put("pattern", p.pattern()).put("entries", p.entries()).put("tombstones", p.tombstones())
                                .put("ttlSeconds", p.ttl().toSeconds());
                    }
                    out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
                } else {
                    out.printf("%-16s %12s %12s %10s%n", "pattern", "entries", "tombstones", "ttl");
                    for (PatternFigures p : o.patterns()) {
                        out.printf("%-16s %,12d %,12d %9ds%n", p.pattern(), p.entries(), p.tombstones(), p.ttl().toSeconds());
                    }
                    long reads = o.keyspaceHits() + o.keyspaceMisses();
                    out.printf("Redis %s: %s used; server-wide hit rate %s (%,d hits, %,d misses since it started)%n", o.redisVersion(),
                            o.usedMemory(), reads == 0 ? "n/a" : String.format("%.1f%%", 100.0 * o.keyspaceHits() / reads),
                            o.keyspaceHits(), o.keyspaceMisses());
                    out.printf("Instances listening for invalidations: %d (this command's own included)%n", o.listeningInstances());
                    out.printf("Invalidations missed while Redis was away, waiting to be replayed: %,d%n", o.missedWaiting());
                }
                out.flush();
            }
            return ExitCodes.OK;
        }
    }

    /** {@code cache invalidate PATTERN}. */
    @Command(name = "invalidate", mixinStandardHelpOptions = true,
            description = "Drops cached entries matching PATTERN from Redis and from every instance's near cache. Redis keys are"
                    + " found with SCAN in batches. The next read of each key loads it from PostgreSQL.")
    static final class Invalidate implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "PATTERN", description = "A key (user:42, count:users) or a prefix ending in * (user:*, referral:*);"
                + " * alone means every cached pattern.")
        String pattern;

        @Mixin
        AuditActor who;

        @Override
        public Integer call() throws Exception {
            try {
                CacheKeys.checkPattern(pattern);
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("error: " + e.getMessage() + ".");
                return ExitCodes.USAGE;
            }
            if (!who.valid(spec)) {
                return ExitCodes.USAGE;
            }
            try (IntegrityEngine engine = EngineStarter.start(spec)) {
                Optional<Long> removed;
                try {
                    removed = engine.cacheAdministration().invalidate(who.actor(engine), pattern);
                } catch (IllegalArgumentException e) {
                    spec.commandLine().getErr().println("error: " + e.getMessage() + ".");
                    return ExitCodes.USAGE;
                }
                PrintWriter out = spec.commandLine().getOut();
                if (removed.isEmpty()) {
                    spec.commandLine().getErr().println("error: Redis at " + engine.redisSettings().endpoint() + " is unreachable;"
                            + " the invalidation of " + pattern + " was recorded and will be applied as soon as Redis answers again.");
                    return ExitCodes.UNAVAILABLE;
                }
                out.printf("Invalidated %,d cached entr%s matching %s, on every instance.%n", removed.get(),
                        removed.get() == 1 ? "y" : "ies", pattern);
                out.flush();
            }
            return ExitCodes.OK;
        }
    }
}
