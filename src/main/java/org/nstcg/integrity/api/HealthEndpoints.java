package org.nstcg.integrity.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.Locale;
import org.nstcg.integrity.engine.EngineHealth;
import org.nstcg.integrity.engine.IntegrityEngine;

/**
 * {@code GET /health/live} and {@code GET /health/ready} for the load balancer. Live asks nothing of the servers (a
 * process that answers is alive); ready asks the engine's health: PostgreSQL up and migrated is ready, Redis down is
 * still ready but {@code degraded}, since the engine then works on PostgreSQL alone.
 */
final class HealthEndpoints {

    private final IntegrityEngine engine;

    HealthEndpoints(IntegrityEngine engine) {
        this.engine = engine;
    }

    void live(Context ctx) {
        ApiServer.answer(ctx, 200, JsonNodeFactory.instance.objectNode().put("status", "live"));
    }

    void ready(Context ctx) {
        EngineHealth health = engine.health();
        boolean migrated = health.schemaVersion().isPresent();
        boolean ready = health.database().up() && migrated;
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("status", !ready ? "down" : health.state() == EngineHealth.State.HEALTHY ? "ready" : "degraded");
        node.put("postgresql", health.database().up() ? (migrated ? "up" : "not_migrated") : "down");
        node.put("redis", health.redis().up() ? "up" : "down");
        health.schemaVersion().ifPresent(v -> node.put("schemaVersion", v));
        node.put("checkedAt", health.checkedAt().toString());
        if (!ready) {
            node.put("message", "PostgreSQL " + (health.database().up() ? "has no migrated schema" : "does not answer")
                    + "; this instance cannot take sign-ups.");
        } else if (!health.redis().up()) {
            node.put("message", "Redis does not answer; sign-ups work on PostgreSQL alone (" + health.state().name().toLowerCase(Locale.ROOT) + ").");
        }
        ApiServer.answer(ctx, ready ? 200 : 503, node);
    }
}
