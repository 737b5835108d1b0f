package org.nstcg.integrity.engine.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.support.Alert;
import org.nstcg.integrity.engine.support.ExecutorScheduler;
import org.slf4j.LoggerFactory;

/**
 * The webhook sink against a real HTTP server in this JVM: a failing receiver is retried with back-off and then
 * given up, a hanging one never blocks the caller, failures are logged once until a delivery succeeds again.
 */
class WebhookAlertSinkTest {

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile int status = 500;
    private volatile long delayMs;
    private WebhookAlertSink sink;
    /** Retries wait for real failures of a real HTTP server: real threads and time. */
    private final ExecutorScheduler scheduler = new ExecutorScheduler();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(WebhookAlertSink.class);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/hook", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook?token=secret");
        sink = new WebhookAlertSink(uri, HttpClient.newHttpClient(), 3, Duration.ofMillis(50), Duration.ofMillis(300), scheduler);
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void stop() {
        logger.detachAppender(logged);
        sink.close();
        scheduler.close();
        server.stop(0);
    }

    private static Alert alert(String subject) {
        return new Alert("warning", "test", subject, "something happened", Instant.parse("2030-01-01T00:00:00Z"));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).as("condition within 10 s").isTrue();
    }

    private List<ILoggingEvent> warnings() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
    }

    @Test
    void aFailingReceiverIsTriedThreeTimesThenGivenUpAndLoggedOnceWithoutTheToken() throws Exception {
        long t0 = System.nanoTime();
        sink.raise(alert("a"));
        sink.raise(alert("b"));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(200));

        await(() -> sink.givenUp() == 2);
        assertThat(requests.get()).isEqualTo(6);
        assertThat(sink.delivered()).isZero();
        assertThat(sink.pending()).isZero();
        assertThat(warnings()).singleElement().satisfies(e -> {
            assertThat(e.getFormattedMessage()).contains("HTTP 500").contains("3 attempts").contains("http://127.0.0.1:");
            assertThat(e.getFormattedMessage()).doesNotContain("secret");
        });

        status = 204;
        sink.raise(alert("c"));
        await(() -> sink.delivered() == 1);
        assertThat(logged.list).anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("reach the webhook").contains("again"));
    }

    @Test
    void aHangingReceiverNeverBlocksTheCaller() throws Exception {
        delayMs = 2_000;
        long t0 = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            sink.raise(alert("hang" + i));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(500));
        await(() -> sink.givenUp() == 20);
        assertThat(sink.delivered()).isZero();
    }

    @Test
    void aSecondAttemptThatSucceedsDeliversTheAlert() throws Exception {
        AtomicInteger left = new AtomicInteger(1);
        server.removeContext("/hook");
        server.createContext("/hook", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(left.getAndDecrement() > 0 ? 503 : 200, -1);
            exchange.close();
        });

        sink.raise(alert("retry"));

        await(() -> sink.delivered() == 1);
        assertThat(requests.get()).isEqualTo(2);
        assertThat(sink.givenUp()).isZero();
    }
}
