package org.nstcg.integrity.api;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.cache.DivergenceReport;
import org.nstcg.integrity.engine.saga.SagaMetrics;
import org.nstcg.integrity.engine.store.CacheRows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics}: this instance's figures in the Prometheus text format, through Micrometer.
 *
 * <p>Design notes: what this face counts itself is a meter updated as requests are answered: sign-ups by outcome
 * ({@code integrity_registrations_total{outcome}}, the outcome being the answer's error code or {@code registered},
 * {@code accepted}, {@code replayed}) and request latency per route, method and status
 * ({@code integrity_http_server_requests_seconds}, a histogram). The label values come from a fixed set (route
 * templates, codes): never an address, an email or a path someone typed. The engine's figures (sagas, outbox backlog,
 * Redis circuit, cache divergence) are read when scraped and published as gauges whose rows are replaced each time: a
 * figure that cannot be read now (PostgreSQL down) or has not been measured (divergence before its first round, or
 * with Redis down) is left out, logged at DEBUG, and the scrape still answers. JVM and HikariCP figures come from
 * Micrometer's binders and HikariCP's own tracker.
 */
final class ApiMetrics implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApiMetrics.class);
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** The context attribute a handler sets to the sign-up's outcome label. */
    static final String OUTCOME = "integrity.outcome";
    private static final String UNMATCHED = "unmatched";

    private final IntegrityEngine engine;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final MultiGauge sagasFinished;
    private final MultiGauge sagasCompensated;
    private final MultiGauge sagaDurations;
    private final MultiGauge sagasNeedingAttention;
    private final MultiGauge sagasStuck;
    private final MultiGauge outboxBacklog;
    private final MultiGauge divergence;

    ApiMetrics(IntegrityEngine engine) {
        this.engine = engine;
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        gc.bindTo(registry);
        if (!engine.publishPoolMetrics(registry)) {
            log.debug("The connection pool already reports to another registry; /metrics leaves its figures out");
        }
        io.micrometer.core.instrument.Gauge.builder("integrity.redis.up", engine, e -> e.redisAvailable() ? 1 : 0)
                .description("1 while Redis answers this instance, 0 while its circuit is open (the engine works on PostgreSQL alone)")
                .register(registry);
        sagasFinished = gauge("integrity.sagas.finished", "Sagas finished over the window");
        sagasCompensated = gauge("integrity.sagas.compensated", "Sagas rolled back (compensated) over the window");
        sagaDurations = MultiGauge.builder("integrity.saga.duration").baseUnit("seconds")
                .description("Completed sagas' duration percentiles over the last 24 hours, per saga type").register(registry);
        sagasNeedingAttention = gauge("integrity.sagas.needs.attention", "Sagas in FAILED_NEEDS_ATTENTION now");
        sagasStuck = gauge("integrity.sagas.stuck", "Unfinished sagas whose owner's lease has expired");
        outboxBacklog = gauge("integrity.outbox.unpublished.events", "Outbox events the platform's publisher has not taken yet");
        divergence = MultiGauge.builder("integrity.cache.divergence").baseUnit("ratio")
                .description("Share of sampled cache entries that differ from PostgreSQL, per key pattern (latest round)").register(registry);
    }

    private MultiGauge gauge(String name, String description) {
        return MultiGauge.builder(name).description(description).register(registry);
    }

    /** Counts one answered request: its latency and, for a sign-up, its outcome. */
    void answered(Context ctx, float millis) {
        try {
            String route = route(ctx);
            String status = Integer.toString(ctx.statusCode());
            Timer.builder("integrity.http.server.requests")
                    .description("Requests answered, by route template, method and status")
                    .tags("route", route, "method", ctx.method().name(), "status", status)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                    .register(registry)
                    .record((long) (millis * 1_000_000L), TimeUnit.NANOSECONDS);
            if (route.equals(ApiServer.REGISTRATIONS)) {
                Object outcome = ctx.attribute(OUTCOME);
                Counter.builder("integrity.registrations")
                        .description("Sign-ups answered by this instance, by outcome")
                        .tag("outcome", outcome == null ? "status_" + status : outcome.toString())
                        .register(registry).increment();
            }
        } catch (RuntimeException e) {
            log.debug("Could not count the request {} {}", ctx.method(), ctx.path(), e);
        }
    }

    /** The matched route's template, or {@value #UNMATCHED} (an unknown path must not become a label value). */
    private static String route(Context ctx) {
        try {
            Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
            return endpoint == null || endpoint.path == null ? UNMATCHED : endpoint.path;
        } catch (RuntimeException e) {
            return UNMATCHED;
        }
    }

    /** Answers the scrape: the engine's figures read now, then every meter in the text format. */
    void scrape(Context ctx) {
        refresh();
        ctx.status(200).contentType(CONTENT_TYPE).result(registry.scrape());
    }

    private synchronized void refresh() {
        SagaMetrics sagas = read("saga metrics", () -> engine.sagas().metrics());
        List<MultiGauge.Row<?>> finished = new ArrayList<>();
        List<MultiGauge.Row<?>> compensated = new ArrayList<>();
        List<MultiGauge.Row<?>> durations = new ArrayList<>();
        if (sagas != null) {
            for (SagaMetrics.RollbackRate r : sagas.rollbackRates()) {
                Tags window = Tags.of("window", window(r.window()));
                finished.add(MultiGauge.Row.of(window, r.finished()));
                compensated.add(MultiGauge.Row.of(window, r.compensated()));
            }
            for (Map.Entry<String, SagaMetrics.Durations> d : sagas.durations().entrySet()) {
                durations.add(MultiGauge.Row.of(Tags.of("type", d.getKey(), "quantile", "0.5"), d.getValue().p50Millis() / 1000));
                durations.add(MultiGauge.Row.of(Tags.of("type", d.getKey(), "quantile", "0.95"), d.getValue().p95Millis() / 1000));
                durations.add(MultiGauge.Row.of(Tags.of("type", d.getKey(), "quantile", "0.99"), d.getValue().p99Millis() / 1000));
            }
        }
        sagasFinished.register(finished, true);
        sagasCompensated.register(compensated, true);
        sagaDurations.register(durations, true);
        sagasNeedingAttention.register(sagas == null ? List.of() : List.of(MultiGauge.Row.of(Tags.empty(), sagas.needsAttention())), true);
        sagasStuck.register(sagas == null ? List.of() : List.of(MultiGauge.Row.of(Tags.empty(), sagas.stuck())), true);

        Long backlog = read("outbox backlog", () -> engine.outboxBacklog());
        outboxBacklog.register(backlog == null ? List.of() : List.of(MultiGauge.Row.of(Tags.empty(), backlog)), true);

        DivergenceReport report = read("cache divergence", () -> engine.cacheDivergence().latest());
        List<MultiGauge.Row<?>> divergent = new ArrayList<>();
        if (report != null && report.measured()) {
            for (CacheRows.DivergenceSample sample : report.patterns()) {
                if (sample.sampled() > 0) {
                    divergent.add(MultiGauge.Row.of(Tags.of("pattern", sample.pattern()), sample.divergence()));
                }
            }
        } else if (report != null) {
            log.debug("Cache divergence not measured now ({}); left out of /metrics", report.state());
        }
        divergence.register(divergent, true);
    }

    /** The figure, or null (logged at DEBUG) when it cannot be read now: a scrape never fails for one figure. */
    private static <T> T read(String what, Supplier<T> figure) {
        try {
            return figure.get();
        } catch (RuntimeException e) {
            log.debug("Could not read the {} for /metrics; left out: {}", what, e.toString());
            return null;
        }
    }

    /** "5m", "1h", "24h". */
    static String window(Duration d) {
        if (d.toSeconds() % 3600 == 0) {
            return d.toHours() + "h";
        }
        if (d.toSeconds() % 60 == 0) {
            return d.toMinutes() + "m";
        }
        return d.toSeconds() + "s";
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
