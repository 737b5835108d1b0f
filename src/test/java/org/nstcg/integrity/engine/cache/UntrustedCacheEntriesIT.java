package org.nstcg.integrity.engine.cache;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.cache.CacheCoordinator.Source;
import org.nstcg.integrity.engine.cache.PlatformCache.CachedUser;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.engine.store.CacheRows;
import org.nstcg.integrity.engine.store.CacheRows.DivergenceSample;
import org.nstcg.integrity.engine.store.CacheRows.Row;
import org.nstcg.integrity.support.IntegrityTest;
import org.nstcg.integrity.support.TestDatabase;
import org.nstcg.integrity.support.TestServers;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/**
 * Redis is untrusted input (issue 14, §5): anyone who can write to it can forge an entry. A forged {@code user:<id>}
 * with a newer version and 999,999 points was served and counted as consistent; malformed JSON made reads throw.
 * Now an entry is served only with a valid seal (HMAC with an engine secret), anything else is dropped and read
 * from PostgreSQL, and the sampler counts any version or content that differs from the row's.
 */
@IntegrityTest(engine = IntegrityTest.Engine.ONE_SHOT, perTest = true)
class UntrustedCacheEntriesIT {

    private TestDatabase db;
    private IntegrityEngine engine;
    private RedisClient raw;
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger coordinatorLog = (Logger) LoggerFactory.getLogger(CacheCoordinator.class);

    @BeforeEach
    void start(TestDatabase slice, IntegrityEngine started) {
        db = slice;
        engine = started;
        raw = RedisClient.create(TestServers.redisUri());
        logged.start();
        coordinatorLog.addAppender(logged);
    }

    @AfterEach
    void stop() {
        coordinatorLog.detachAppender(logged);
        raw.close();
    }

    private long register() {
        String local = "u" + UUID.randomUUID().toString().substring(0, 10);
        RegistrationOutcome o = engine.registration().register(new RegistrationRequest(local + "@untrusted.example.org", "Una", null, null));
        assertThat(o).isInstanceOf(RegistrationOutcome.Registered.class);
        return ((RegistrationOutcome.Registered) o).userId();
    }

    private Row row(long id) {
        return new CacheRows(engine.database().jdbc()).user(id).orElseThrow();
    }

    private String forged(Row row, long points) {
        return row.json().replaceFirst("\"points\":\\d+", "\"points\":" + points);
    }

    private String redisKey(long id) {
        return engine.redis().key(CacheKeys.user(id));
    }

    private DivergenceSample users() {
        return engine.cacheDivergence().sampleNow().pattern(CacheKeys.USER_PATTERN).orElseThrow();
    }

    @Test
    void aForgedEntryWithANewerVersionIsNeitherServedNorCountedAsConsistent() throws Exception {
        long id = register();
        assertThat(engine.cache().user(id).orElseThrow().source()).isEqualTo(Source.DATABASE); // filled now
        assertThat(engine.cache().user(id).orElseThrow().source()).isEqualTo(Source.REDIS);
        Row row = row(id);
        raw.hset(redisKey(id), Map.of("d", forged(row, 999_999), "v", Long.toString(row.version() + 100)));

        DivergenceSample sampled = users();
        assertThat(sampled.sampled()).isEqualTo(1);
        assertThat(sampled.divergent()).as("a newer version than the row's is not consistent").isEqualTo(1);

        var read = engine.cache().user(id).orElseThrow();
        assertThat(read.value().points()).isEqualTo(10);
        assertThat(read.source()).isEqualTo(Source.DATABASE);
        assertThat(raw.hget(redisKey(id), "d")).as("the forged value was replaced by the row's").isEqualTo(row.json());
        assertThat(engine.cache().user(id).orElseThrow().source()).isEqualTo(Source.REDIS);
        assertThat(users().divergent()).isZero();
        assertThat(engine.cache().coordinator().stats().entriesRejected()).isPositive();
    }

    @Test
    void aForgedValueUnderTheRowsOwnVersionIsNotServedAndCountsAsDivergent() throws Exception {
        long id = register();
        engine.cache().user(id);
        Row row = row(id);
        raw.hset(redisKey(id), Map.of("d", forged(row, 999_999), "v", Long.toString(row.version())));

        assertThat(users().divergent()).as("same version, other content").isEqualTo(1);
        assertThat(engine.cache().user(id).orElseThrow().value().points()).isEqualTo(10);
    }

    @Test
    void malformedJsonInTheCacheIsDroppedAndReadFromPostgresql() throws Exception {
        long id = register();
        engine.cache().user(id);
        Row row = row(id);
        raw.hset(redisKey(id), Map.of("d", "{\"id\": " + id + ", \"email\": \"secret.person@", "v", Long.toString(row.version())));

        var read = engine.cache().user(id).orElseThrow();

        assertThat(read.value().points()).isEqualTo(10);
        assertThat(read.value().id()).isEqualTo(id);
        assertThat(raw.hget(redisKey(id), "d")).isEqualTo(row.json());
    }

    @Test
    void aCorrectlySealedValueThatDoesNotParseIsDroppedLoggedWithoutItsContentAndReadFromPostgresql() throws Exception {
        long id = register();
        engine.cache().user(id);
        Row row = row(id);
        String broken = "{\"id\":\"secret.person@example.org\"}";
        CacheSeal seal = new CacheSeal(engineSecret(CacheCoordinator.SEAL_SECRET));
        raw.hset(redisKey(id), Map.of("d", broken, "v", Long.toString(row.version()), "m", seal.seal(CacheKeys.user(id), row.version(), broken)));
        logged.list.clear();

        var read = engine.cache().user(id).orElseThrow();

        assertThat(read.value().points()).isEqualTo(10);
        assertThat(read.source()).isEqualTo(Source.DATABASE);
        assertThat(raw.hget(redisKey(id), "d")).isEqualTo(row.json());
        assertThat(logged.list).anySatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.WARN);
            assertThat(e.getFormattedMessage()).contains("user:*");
        });
        assertThat(logged.list).noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains("secret.person"));
    }

    @Test
    void countAndLeaderboardThatDoNotParseAreReadFromPostgresql() throws Exception {
        register();
        long users = engine.cache().userCount().value();
        engine.cache().leaderboard();
        raw.hset(engine.redis().key(CacheKeys.USER_COUNT), Map.of("d", "lots", "v", "-1"));
        raw.hset(engine.redis().key(CacheKeys.LEADERBOARD), Map.of("d", "[{\"userId\":", "v", "-1"));

        assertThat(engine.cache().userCount().value()).isEqualTo(users);
        assertThat(engine.cache().leaderboard().value()).isNotNull();
    }

    @Test
    void aKeyOfAnotherTypeIsDroppedInsteadOfTakingRedisForDown() throws Exception {
        long id = register();
        raw.set(redisKey(id), "not a hash");

        var read = engine.cache().user(id).orElseThrow();

        assertThat(read.value().points()).isEqualTo(10);
        assertThat(engine.redis().isDown()).isFalse();
        assertThat(engine.cache().user(id).orElseThrow().source()).as("filled again").isEqualTo(Source.REDIS);
    }

    private byte[] engineSecret(String name) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT value FROM engine_secrets WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("engine secret %s", name).isTrue();
                return rs.getBytes(1);
            }
        }
    }
}
