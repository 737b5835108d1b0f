package org.nstcg.integrity.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.nstcg.integrity.engine.EngineHealth;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.ServerHealth;
import org.nstcg.integrity.engine.config.EngineConfig.ServerMode;
import org.nstcg.integrity.engine.store.DatabaseRoles;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.config.Redaction;
import org.nstcg.integrity.engine.store.PlatformFigures;
import org.nstcg.integrity.engine.support.ServerUnavailableException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code status}: mode, server versions, schema version, counts and health. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows the connection mode, server versions, schema version, counts and health.%n"
                + "Exit code 0 when healthy, 2 when a server is unreachable.")
final class StatusCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        IntegrityEngine engine;
        try {
            engine = EngineStarter.start(spec);
        } catch (ServerUnavailableException e) {
            if (json) {
                ObjectNode root = JSON.createObjectNode();
                root.put("state", EngineHealth.State.DOWN.name());
                root.put("error", Redaction.text(e.getMessage(), Redaction.secretValues(spec.commandLine().getParseResult().originalArgs())));
                root.put("setting", e.setting());
                root.put("endpoint", e.endpoint());
                out.println(JSON.writeValueAsString(root));
            }
            throw e;
        }
        try (engine) {
            EngineHealth health = engine.health();
            PlatformFigures figures = health.database().up() ? engine.figures() : null;
            // The overview's "Sign-ups blocked (24 h)" figure, read the same way (every instance, every path).
            long blocked = figures != null ? engine.overview().blockedLastDay(AuditActor.reader(engine)) : 0;
            DatabaseRoles roles = health.database().up() ? engine.databaseRoles() : null;
            if (json) {
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(engine, health, figures, blocked, roles)));
            } else {
                printText(out, engine, health, figures, blocked, roles);
            }
            health.redis().problem().ifPresent(p -> spec.commandLine().getErr().println("warning: " + Redaction.text(p)));
            return health.state() == EngineHealth.State.HEALTHY ? ExitCodes.OK : ExitCodes.UNAVAILABLE;
        }
    }

    private static ObjectNode toJson(IntegrityEngine engine, EngineHealth health, PlatformFigures figures, long blocked,
                                      DatabaseRoles roles) {
        ObjectNode root = JSON.createObjectNode();
        root.put("state", health.state().name());
        root.put("version", VersionProvider.version());
        root.put("instance", engine.instanceId());
        engine.embeddedServers().ifPresent(e -> {
            ObjectNode emb = root.putObject("embedded");
            emb.put("dataDir", e.dataDir().toString());
            emb.put("owner", e.owner());
            emb.put("ownerPid", e.ownerPid());
            e.redisBinary().ifPresent(b -> {
                ObjectNode redis = emb.putObject("redis");
                redis.put("version", b.version());
                redis.put("binary", b.path().toString());
                redis.put("source", b.source().name().toLowerCase(Locale.ROOT));
                b.warning().ifPresent(w -> redis.put("warning", w));
            });
        });
        ObjectNode database = root.putObject("database");
        server(database, health.database());
        if (roles != null) {
            ObjectNode r = database.putObject("roles");
            r.put("runtimeUser", roles.runtimeUser());
            r.put("migrationUser", roles.migrationUser());
            r.put("runtimeOwnsSchema", roles.runtimeOwnsSchema());
            if (engine.config().databaseMode() == ServerMode.EXTERNAL) {
                roles.warning().ifPresent(w -> r.put("warning", w));
            }
        }
        health.schemaVersion().ifPresent(v -> root.put("schemaVersion", v));
        server(root.putObject("redis"), health.redis());
        root.putObject("alerts").put("webhook", webhook(engine).orElse(null));
        if (figures != null) {
            ObjectNode f = root.putObject("figures");
            f.put("users", figures.users());
            f.put("activeUsers", figures.activeUsers());
            f.put("referralCodesIssued", figures.referralCodesIssued());
            figures.lastUpdate().ifPresentOrElse(t -> f.put("lastUpdate", t.toString()), () -> f.putNull("lastUpdate"));
            f.put("blockedSignups24h", blocked);
        }
        root.put("checkedAt", health.checkedAt().toString());
        return root;
    }

    /** {@code alerts.webhook-url} as shown: scheme, host and port, the path and query (often a token) masked. */
    private static Optional<String> webhook(IntegrityEngine engine) {
        String raw = engine.config().raw(ConfigKey.ALERTS_WEBHOOK_URL);
        return raw.isEmpty() ? Optional.empty() : Optional.of(Redaction.value(ConfigKey.ALERTS_WEBHOOK_URL, raw));
    }

    private static void server(ObjectNode node, ServerHealth s) {
        node.put("up", s.up());
        node.put("mode", s.mode().name().toLowerCase(Locale.ROOT));
        node.put("endpoint", s.endpoint());
        s.version().ifPresent(v -> node.put("version", v));
        s.problem().ifPresent(p -> node.put("problem", Redaction.text(p)));
    }

    private static void printText(PrintWriter out, IntegrityEngine engine, EngineHealth health, PlatformFigures figures,
                                  long blocked, DatabaseRoles roles) {
        out.printf("Integrity Console %s: %s%n", VersionProvider.version(), health.state());
        printServer(out, health.database(), health.schemaVersion().map(v -> "schema v" + v).orElse("no schema"));
        if (roles != null) {
            out.printf("%-11s %s%n", "Roles", rolesText(engine, roles));
        }
        printServer(out, health.redis(), "key prefix " + engine.redisSettings().keyPrefix());
        webhook(engine).ifPresent(w -> out.printf("%-11s webhook %s%n", "Alerts", w));
        engine.embeddedServers().flatMap(e -> e.redisBinary()).ifPresent(b -> out.printf("%-11s %s%s%n", "Redis bin",
                b.describe(), b.warning().map(w -> ". Warning: " + w).orElse("")));
        engine.embeddedServers().ifPresent(e -> out.printf("%-11s %s%s%n", "Data", e.dataDir(),
                e.owner() ? "" : " (servers of process " + e.ownerPid() + ")"));
        if (figures != null) {
            out.printf("%-11s %,d (%,d active), %,d referral codes issued, last update %s%n", "Users",
                    figures.users(), figures.activeUsers(), figures.referralCodesIssued(),
                    figures.lastUpdate().map(Object::toString).orElse("never"));
            out.printf("%-11s %,d sign-up%s refused in the last 24 h: the mailbox was already registered%n", "Blocked",
                    blocked, blocked == 1 ? "" : "s");
        }
    }

    /** "runtime integrity_rt, migrations integrity_owner", or what to change when the engine's login owns the schema. */
    private static String rolesText(IntegrityEngine engine, DatabaseRoles roles) {
        if (engine.config().databaseMode() == ServerMode.EMBEDDED) {
            return roles.runtimeUser() + " (the embedded server's one login, local only)";
        }
        String names = roles.singleLogin() ? roles.runtimeUser() + " for runtime and migrations"
                : "runtime " + roles.runtimeUser() + ", migrations " + roles.migrationUser();
        return names + roles.warning().map(w -> ". Warning: " + w).orElse("");
    }

    private static void printServer(PrintWriter out, ServerHealth s, String extra) {
        out.printf("%-11s %-5s %-9s %-9s %-21s %s%n", s.name(), s.up() ? "up" : "DOWN", s.version().orElse("-"),
                s.mode().name().toLowerCase(Locale.ROOT), s.endpoint(), s.up() ? extra : Redaction.text(s.problem().orElse("")));
    }
}
