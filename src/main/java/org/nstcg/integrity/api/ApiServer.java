package org.nstcg.integrity.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.support.EngineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face: the sign-up API, health checks, metrics and the OpenAPI document over one engine, on Javalin (Jetty 12).
 *
 * <p>Design notes: this face only renders. Every route is one engine call whose outcome becomes a status code and
 * a JSON body ({@link ApiError} for refusals); nothing here decides what is valid or writes anything itself. An
 * {@link EngineException} means PostgreSQL could not be used, and the engine guarantees nothing was written: 503.
 * Anything else is a bug: logged with its stack trace, answered 500 with a sentence. Stopping is graceful: Jetty's
 * {@link GracefulHandler} and the server's stop timeout make {@link #close()} stop accepting connections, let the
 * requests in flight finish (at most {@link ApiSettings#drainTimeout()}) and only then return, so the caller closes
 * the engine after the last request has used it.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MIN_REQUEST_BYTES_PER_SECOND = 512;
    private static final ApiError TOO_SLOW = ApiError.of(408, "timeout", "The request arrived too slowly; please send it again.");

    static final String REGISTRATIONS = "/api/registrations";
    static final String OPENAPI = "/api/openapi.json";
    private static final String OPENAPI_RESOURCE = "/org/nstcg/integrity/api/openapi.json";

    /** A route this server answers: its method and path template as Javalin matches it. */
    record Route(String method, String path) {
    }

    private final Javalin app;
    private final ApiSettings settings;
    private final ApiMetrics metrics;
    private final List<Route> routes;

    private ApiServer(Javalin app, ApiSettings settings, ApiMetrics metrics, List<Route> routes) {
        this.app = app;
        this.settings = settings;
        this.metrics = metrics;
        this.routes = routes;
    }

    /** Starts listening; throws when the address cannot be bound (the message says which). */
    public static ApiServer start(IntegrityEngine engine, ApiSettings settings) {
        SignUpEndpoints signUps = new SignUpEndpoints(engine, JSON, settings.maxBodyBytes(), new ClientAddress(settings.trustedProxies()));
        HealthEndpoints health = new HealthEndpoints(engine);
        ApiMetrics metrics = new ApiMetrics(engine);
        byte[] openApi = openApiDocument();
        List<Route> routes = new ArrayList<>();
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.prefer405over404 = true;
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.router.ignoreTrailingSlashes = true;
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(settings.drainTimeout().toMillis());
                server.setHandler(new GracefulHandler());
            });
            config.jetty.modifyHttpConfiguration(http -> {
                http.setRequestHeaderSize(settings.maxHeaderBytes());
                // A body trickled in slower than this is cut off (408): a sign-up is a few hundred bytes.
                http.setMinRequestDataRate(MIN_REQUEST_BYTES_PER_SECOND);
                http.setSendServerVersion(false);
                http.setSendXPoweredBy(false);
            });
            config.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                connector.setHost(settings.bind());
                connector.setPort(settings.port());
                connector.setIdleTimeout(settings.idleTimeout().toMillis());
                return connector;
            });
            config.requestLogger.http(metrics::answered);
            route(config, routes, "POST", REGISTRATIONS, signUps::register);
            route(config, routes, "GET", "/api/referrals/{code}", signUps::checkReferral);
            route(config, routes, "GET", "/health/live", health::live);
            route(config, routes, "GET", "/health/ready", health::ready);
            route(config, routes, "GET", "/metrics", metrics::scrape);
            route(config, routes, "GET", OPENAPI, ctx -> ctx.status(200).contentType("application/json").result(openApi));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> answer(ctx, refusal(e)));
            config.routes.exception(org.eclipse.jetty.http.HttpException.RuntimeException.class, (e, ctx) -> {
                // Jetty refusing the request as it is read: a body sent too slowly (408) or one it cannot parse.
                log.debug("{} {} refused by Jetty: {}", ctx.method(), ctx.path(), e.getMessage());
                answer(ctx, e.getCode() == 408 ? TOO_SLOW : ApiError.of(400, "malformed", "The request could not be read; please send it again."));
            });
            config.routes.exception(java.io.IOException.class, (e, ctx) -> {
                // The client went away while its body was read: nobody is left to answer.
                log.debug("{} {}: the request could not be read ({})", ctx.method(), ctx.path(), e.toString());
                answer(ctx, ApiError.of(400, "malformed", "The request could not be read; please send it again."));
            });
            config.routes.exception(EngineException.class, (e, ctx) -> {
                log.warn("{} {} answered 503: {}", ctx.method(), ctx.path(), e.getMessage());
                ctx.header("Retry-After", "30");
                answer(ctx, ApiError.UNAVAILABLE);
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error("{} {} failed unexpectedly", ctx.method(), ctx.path(), e);
                answer(ctx, ApiError.INTERNAL);
            });
            config.routes.error(404, ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    answer(ctx, ApiError.NOT_FOUND);
                }
            });
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            app.stop();
            metrics.close();
            throw new EngineException("Cannot listen on " + settings.bind() + ":" + settings.port() + " (" + rootMessage(e) + ")."
                    + " Choose another port with api.port (--api-port) or address with api.bind (--api-bind), or stop what uses it.", e);
        }
        return new ApiServer(app, settings, metrics, List.copyOf(routes));
    }

    private static void route(io.javalin.config.JavalinConfig config, List<Route> routes, String method, String path, Handler handler) {
        switch (method) {
            case "GET" -> config.routes.get(path, handler);
            case "POST" -> config.routes.post(path, handler);
            default -> throw new IllegalArgumentException(method);
        }
        routes.add(new Route(method, path));
    }

    /** The OpenAPI document served at {@value #OPENAPI}, as written in the resource file. */
    static byte[] openApiDocument() {
        try (InputStream in = ApiServer.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(OPENAPI_RESOURCE + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The routes this server answers, in the order registered. */
    List<Route> routes() {
        return routes;
    }

    /** The port listened on (the chosen one when {@code api.port} is 0). */
    public int port() {
        for (Connector c : app.jettyServer().server().getConnectors()) {
            if (c instanceof NetworkConnector n && n.getLocalPort() > 0) {
                return n.getLocalPort();
            }
        }
        return settings.port();
    }

    /** "http://127.0.0.1:8080". */
    public String url() {
        String host = settings.bind().contains(":") ? "[" + settings.bind() + "]" : settings.bind();
        return "http://" + host + ":" + port();
    }

    /** How long {@link #close()} lets requests in flight finish. */
    public Duration drainTimeout() {
        return settings.drainTimeout();
    }

    /** Stops accepting, lets requests in flight finish (bounded by the drain timeout), then stops. */
    @Override
    public void close() {
        try {
            app.stop();
        } finally {
            metrics.close();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static ApiError refusal(HttpResponseException e) {
        return switch (e.getStatus()) {
            case 404 -> ApiError.NOT_FOUND;
            case 405 -> ApiError.of(405, "method_not_allowed", "This address does not accept that method.");
            case 413 -> ApiError.of(413, "too_large", "The request is too large; a sign-up needs far less.");
            default -> ApiError.of(e.getStatus(), "refused", "The request was refused (HTTP " + e.getStatus() + ").");
        };
    }

    static void answer(Context ctx, ApiError error) {
        if (ctx.attribute(ApiMetrics.OUTCOME) == null) {
            ctx.attribute(ApiMetrics.OUTCOME, error.code());
        }
        answer(ctx, error.status(), error.body());
    }

    static void answer(Context ctx, int status, JsonNode body) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always writes", e);
        }
    }
}
