package org.nstcg.integrity.engine.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.support.Alert;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;

/**
 * An alert raised by a one-shot engine (a CLI command) reaches the webhook: closing the engine waits, boundedly, for
 * the delivery in flight, where it used to return at once and let the JVM exit with the request unanswered.
 */
@IntegrityTest(engine = IntegrityTest.Engine.NONE)
class OneShotWebhookIT {

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void anAlertRaisedJustBeforeCloseIsDelivered(TestDatabase db) throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            try {
                Thread.sleep(400); // a receiver that takes its time: the request is still in flight when close() is called
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            received.add(body);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        IntegrityEngine engine = IntegrityEngine.start(db.config(Map.of(ConfigKey.ALERTS_WEBHOOK_URL,
                        "http://127.0.0.1:" + server.getAddress().getPort() + "/hook")), Clock.systemUTC(), ProgressListener.NONE,
                IntegrityEngine.Mode.ONE_SHOT);

        engine.alerts().raise(new Alert("critical", "checks", "referral-code-uniqueness", "2 duplicate referral codes", Instant.now()));
        long t0 = System.nanoTime();
        engine.close();
        long millis = (System.nanoTime() - t0) / 1_000_000;

        assertThat(received).as("delivered before close() returned").singleElement().asString().contains("2 duplicate referral codes");
        assertThat(millis).as("the wait is bounded").isLessThan(WebhookAlertSink.CLOSE_WAIT.toMillis() + 3_000);
    }
}
