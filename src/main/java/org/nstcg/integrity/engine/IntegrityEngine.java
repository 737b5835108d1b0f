package org.nstcg.integrity.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nstcg.integrity.engine.account.AccessDeniedException;
import org.nstcg.integrity.engine.account.AccountService;
import org.nstcg.integrity.engine.account.Actor;
import org.nstcg.integrity.engine.account.Permission;
import org.nstcg.integrity.engine.account.SignInOutcome;
import org.nstcg.integrity.engine.account.PasswordHasher;
import org.nstcg.integrity.engine.audit.AuditEvent;
import org.nstcg.integrity.engine.lookup.AuditReader;
import org.nstcg.integrity.engine.audit.AuditAnchorFile;
import org.nstcg.integrity.engine.audit.AuditTrail;
import org.nstcg.integrity.engine.cache.CacheAdministration;
import org.nstcg.integrity.engine.cache.CacheCoordinator;
import org.nstcg.integrity.engine.cache.CacheRebuilder;
import org.nstcg.integrity.engine.cache.DivergenceSampler;
import org.nstcg.integrity.engine.cache.PlatformCache;
import org.nstcg.integrity.engine.cache.RedisConnection;
import org.nstcg.integrity.engine.cache.RedisSettings;
import org.nstcg.integrity.engine.cache.TtlPolicy;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.config.EmbeddedServers;
import org.nstcg.integrity.engine.config.EngineConfig;
import org.nstcg.integrity.engine.config.EngineConfig.ServerMode;
import org.nstcg.integrity.engine.dedup.Deduplication;
import org.nstcg.integrity.engine.email.EmailNormalizer;
import org.nstcg.integrity.engine.integrity.AlertHub;
import org.nstcg.integrity.engine.integrity.AlertLog;
import org.nstcg.integrity.engine.integrity.CheckSettings;
import org.nstcg.integrity.engine.integrity.IntegrityChecks;
import org.nstcg.integrity.engine.integrity.OverviewFigures;
import org.nstcg.integrity.engine.integrity.OverviewReader;
import org.nstcg.integrity.engine.lookup.UserDirectory;
import org.nstcg.integrity.engine.referral.Blocklist;
import org.nstcg.integrity.engine.referral.FeistelPermutation;
import org.nstcg.integrity.engine.referral.ReferralCodeGenerator;
import org.nstcg.integrity.engine.referral.ReferralCodes;
import org.nstcg.integrity.engine.registration.KnownMailboxes;
import org.nstcg.integrity.engine.registration.RefusalCounter;
import org.nstcg.integrity.engine.registration.RegistrationService;
import org.nstcg.integrity.engine.repair.RepairService;
import org.nstcg.integrity.engine.saga.SagaStore;
import org.nstcg.integrity.engine.saga.SagaOrchestrator;
import org.nstcg.integrity.engine.saga.SagaRegistry;
import org.nstcg.integrity.engine.saga.SagaService;
import org.nstcg.integrity.engine.saga.SagaSettings;
import org.nstcg.integrity.engine.saga.Sleeper;
import org.nstcg.integrity.engine.store.CacheRows;
import org.nstcg.integrity.engine.store.ConnectionFailures;
import org.nstcg.integrity.engine.store.Database;
import org.nstcg.integrity.engine.store.DatabaseRoles;
import org.nstcg.integrity.engine.store.DatabaseSettings;
import org.nstcg.integrity.engine.store.EmbeddedDatabases;
import org.nstcg.integrity.engine.store.EngineSecrets;
import org.nstcg.integrity.engine.store.LegacyImportStore;
import org.nstcg.integrity.engine.store.SessionLimits;
import org.nstcg.integrity.engine.store.StoreException;
import org.nstcg.integrity.engine.store.PlatformFigures;
import org.nstcg.integrity.engine.store.RegistrationStore;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.EngineScheduler;
import org.nstcg.integrity.engine.support.ExecutorScheduler;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.nstcg.integrity.engine.support.ServerUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data-integrity engine: builds and wires everything from an {@link EngineConfig}. Every face (console, CLI)
 * calls the same engine. Start with {@link #start}, finish with {@link #close()}.
 *
 * <p>PostgreSQL is required: if it cannot be reached the start fails with a {@link ServerUnavailableException}
 * that names the setting to fix. Redis is not: if it is down the engine starts {@code DEGRADED} and recovers by
 * itself when Redis returns.
 *
 * <p>Design notes: construction is wiring. The constructor builds every component once, from the config, with the
 * one {@link Clock} and the one {@link EngineScheduler} it is given, and starts nothing; {@link #start} starts the
 * background work of a {@link Mode#SERVICE} engine on that scheduler and registers the JVM shutdown hook. There is
 * one shutdown path, {@link #close()} (the hook calls it too): it closes the scheduler, which stops every periodic
 * task and background loop and waits for them (boundedly), then lets each component write what it still holds
 * (refusal counts, saga completions, queued alerts), then closes Redis, the database and any embedded server.
 * Tests pass a scheduler that runs due tasks when they step their clock.
 */
public final class IntegrityEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IntegrityEngine.class);
    /** The database the embedded PostgreSQL holds our tables in. */
    static final String EMBEDDED_DATABASE = "integrity";

    private final EngineConfig config;
    private final Clock clock;
    private final String instanceId;
    private final EmbeddedServers embedded;
    private final Database database;
    private final RedisConnection redis;
    private final EmailNormalizer emails;
    private final RegistrationService registration;
    private final ReferralCodes referralCodes;
    private final AlertHub alerts;
    private final IntegrityChecks checks;
    private final SagaService sagas;
    private final AuditTrail audit;
    private final AuditReader auditReader;
    private final AuditAnchorFile anchorFile;
    private final Mode mode;
    private final RepairService repairs;
    private final CacheCoordinator cacheCoordinator;
    private final PlatformCache cache;
    private final CacheRebuilder cacheRebuilder;
    private final CacheAdministration cacheAdministration;
    private final DivergenceSampler cacheDivergence;
    private final Deduplication dedup;
    private final AccountService accounts;
    private final AlertLog alertLog;
    private final UserDirectory users;
    private final OverviewReader overview;
    private final EngineScheduler scheduler;
    private final org.nstcg.integrity.engine.limit.SignUpLimits signUpLimits;
    private final org.nstcg.integrity.engine.idempotency.IdempotentRequests idempotentRequests;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Thread shutdownHook;

    /** What an engine runs besides the calls made to it. */
    public enum Mode {
        /**
         * A console or server: saga recovery, the cache's near copy with its invalidation subscription and
         * maintenance, divergence sampling, scheduled checks, refusal counts flushed every few seconds.
         */
        SERVICE,
        /**
         * One command and exit: no background work at all (another instance recovers, samples and checks): nothing is
         * scheduled, so the scheduler starts no thread unless the command itself hands it work (an alert to store, a
         * webhook retry); no near cache, so every read goes to Redis or PostgreSQL; refusal counts and saga
         * completions are written on close; Flyway runs only when the schema history is not current, and the schema
         * check (SchemaCheck) not at all.
         */
        ONE_SHOT
    }

    private IntegrityEngine(EngineConfig config, Clock clock, EngineScheduler scheduler, EmbeddedServers embedded, Database database,
                            RedisConnection redis, byte[] referralKey, Mode mode) {
        boolean background = mode == Mode.SERVICE;
        this.mode = mode;
        this.config = config;
        this.scheduler = scheduler;
        this.alerts = AlertHub.create(CheckSettings.from(config), scheduler);
        this.clock = clock;
        this.instanceId = UUID.randomUUID().toString().substring(0, 8) + "@" + ProcessHandle.current().pid();
        this.embedded = embedded;
        this.database = database;
        this.redis = redis;
        this.emails = EmailNormalizer.withBuiltInRules();
        RegistrationStore registrationStore = new RegistrationStore(database.jdbc());
        ReferralCodeGenerator generator = new ReferralCodeGenerator(new FeistelPermutation(referralKey), Blocklist.builtIn(),
                config.referralPrefix());
        ObjectMapper json = new ObjectMapper();
        SagaStore sagaStore = new SagaStore(database.jdbc(), json);
        SagaRegistry registry = new SagaRegistry();
        SagaSettings sagaSettings = SagaSettings.defaults().withLease(config.sagaLease())
                .withRecoveryInterval(config.sagaRecoveryInterval());
        SagaOrchestrator orchestrator = new SagaOrchestrator(sagaStore, registry, instanceId, sagaSettings, clock, Sleeper.REAL, alerts);
        this.audit = new AuditTrail(database.jdbc(), config.auditKeyFile());
        this.anchorFile = new AuditAnchorFile(config.auditAnchorFile(), deployment(database.settings()));
        this.auditReader = new AuditReader(database.jdbc(), json, audit, anchorFile, clock);
        this.alertLog = new AlertLog(database.jdbc(), instanceId, clock, scheduler);
        alerts.addSink(alertLog);
        this.accounts = new AccountService(database.jdbc(), audit, PasswordHasher.DEFAULT, clock,
                config.consoleLockoutAttempts(), config.consoleLockoutDuration());
        this.sagas = new SagaService(sagaStore, orchestrator, alerts, clock, (tx, sagaId, action, actor, reason, from, to, bulk) -> {
            com.fasterxml.jackson.databind.node.ObjectNode after = json.createObjectNode().put("status", to.name());
            bulk.ifPresent(b -> after.put("bulk", b.toString()));
            audit.record(tx, AuditEvent.of(actor, "saga." + action).target("saga", sagaId.toString())
                    .states(json.createObjectNode().put("status", from.name()), after).details(reason));
        });
        this.cacheCoordinator = new CacheCoordinator(redis, new CacheRows(database.jdbc()), new TtlPolicy(config.cacheTtl()),
                instanceId, background ? config.cacheNearSize() : 0);
        this.cache = new PlatformCache(cacheCoordinator, json);
        this.cacheRebuilder = new CacheRebuilder(cacheCoordinator);
        this.cacheDivergence = new DivergenceSampler(redis, cacheCoordinator.rows(), instanceId, config.cacheSampleInterval(),
                config.cacheDivergenceAlert(), alerts, clock);
        this.cacheAdministration = new CacheAdministration(cacheCoordinator, cacheRebuilder, cacheDivergence, audit, database.jdbc());
        this.checks = IntegrityChecks.create(config, database.jdbc(), cacheDivergence, sagas::metrics, alerts, audit, clock, instanceId);
        KnownMailboxes knownMailboxes = new KnownMailboxes(redis);
        this.registration = new RegistrationService(registrationStore, emails, generator, redis, knownMailboxes, cacheCoordinator,
                orchestrator, new RefusalCounter(database.jdbc(), instanceId, clock), database.settings().endpoint());
        registry.register(registration.saga().definition());
        this.dedup = new Deduplication(database.jdbc(), emails, generator, orchestrator, audit, cacheCoordinator, knownMailboxes, json, clock);
        registry.register(dedup.merges().saga().definition());
        this.referralCodes = new ReferralCodes(registrationStore);
        this.signUpLimits = new org.nstcg.integrity.engine.limit.SignUpLimits(new org.nstcg.integrity.engine.limit.RateLimiter(redis, clock),
                emails, config.apiRateLimitIp(), config.apiRateLimitMailbox());
        this.idempotentRequests = new org.nstcg.integrity.engine.idempotency.IdempotentRequests(database.jdbc());
        this.users = new UserDirectory(database.jdbc(), emails);
        this.overview = new OverviewReader(database.jdbc(), this::figures,
                () -> alertLog.since(clock.instant().minus(Duration.ofHours(OverviewFigures.HOURS)), 1000),
                cacheDivergence.threshold(), () -> cacheDivergence.latest().redisDownSince(), clock);
        this.repairs = new RepairService(database.jdbc(), new LegacyImportStore(database.jdbc()),
                json, audit, cacheCoordinator, sagas, cacheRebuilder, cacheDivergence, clock, CheckSettings.from(config).stuckSagaAfter(),
                (userId, firstName) -> generator.next(registrationStore::nextReferralSequenceValue, firstName).text());
        repairs.addDuplicateEmails(database.jdbc(), json, audit, cacheCoordinator,
                (survivor, duplicate, actor) -> describe(dedup.merges().preview(actor, survivor, duplicate)),
                (survivor, duplicate, actor, reason) -> describe(dedup.merges().merge(survivor, duplicate, actor, reason)));
    }

    /** Starts the engine; embedded servers are started (or attached to) for whatever is not configured. */
    public static IntegrityEngine start(EngineConfig config, ProgressListener progress) {
        return start(config, Clock.systemUTC(), progress);
    }

    /** Starts a {@link Mode#SERVICE} engine. */
    public static IntegrityEngine start(EngineConfig config, Clock clock, ProgressListener progress) {
        return start(config, clock, progress, Mode.SERVICE);
    }

    /** Starts an engine whose background work runs on a scheduler of its own (threads {@code integrity-*}). */
    public static IntegrityEngine start(EngineConfig config, Clock clock, ProgressListener progress, Mode mode) {
        return start(config, clock, progress, mode, new ExecutorScheduler());
    }

    /**
     * Starts an engine whose background work (if {@code mode} runs any) goes on {@code scheduler}, as its time is
     * read from {@code clock}: tests pass one they step by hand. The engine owns the scheduler from here on: it
     * closes it on {@link #close()}, or at once if the start fails.
     */
    public static IntegrityEngine start(EngineConfig config, Clock clock, ProgressListener progress, Mode mode, EngineScheduler scheduler) {
        try {
            return startOn(config, clock, progress, mode, scheduler);
        } catch (RuntimeException e) {
            scheduler.close();
            throw e;
        }
    }

    private static IntegrityEngine startOn(EngineConfig config, Clock clock, ProgressListener progress, Mode mode,
                                           EngineScheduler scheduler) {
        long t0 = System.nanoTime();
        boolean embeddedDb = config.databaseMode() == ServerMode.EMBEDDED;
        boolean embeddedRedis = config.redisMode() == ServerMode.EMBEDDED;
        EmbeddedServers embedded = embeddedDb || embeddedRedis
                ? EmbeddedServers.startOrAttach(config.dataDir(), embeddedDb, embeddedRedis, config.redisEmbeddedBinary(),
                        EmbeddedDatabases.administration(), progress)
                : null;
        Database database = null;
        try {
            if (embeddedDb) {
                EmbeddedDatabases.ensureExists(embedded.postgresJdbcUrl().orElseThrow(), embedded.postgresPassword(), EMBEDDED_DATABASE);
            }
            database = Database.open(databaseSettings(config, embedded),
                    new SessionLimits(config.dbStatementTimeout(), config.dbLockTimeout()), progress, mode == Mode.SERVICE);
            long t1 = System.nanoTime();
            RedisConnection redis = new RedisConnection(redisSettings(config, embedded), clock);
            progress.step("Checking Redis…");
            try {
                redis.ping();
            } catch (ServerUnavailableException e) {
                log.warn("Starting DEGRADED: {}", e.getMessage());
            }
            long t2 = System.nanoTime();
            byte[] referralKey = referralKey(database);
            IntegrityEngine engine = new IntegrityEngine(config, clock, scheduler, embedded, database, redis, referralKey, mode);
            if (mode == Mode.SERVICE) {
                engine.startBackgroundWork();
            }
            engine.registerShutdownHook();
            if (mode == Mode.SERVICE && !embeddedDb) {
                engine.warnIfTheRuntimeRoleOwnsTheSchema();
            }
            long t3 = System.nanoTime();
            log.info("Engine {} started: PostgreSQL {} ({}), Redis {} ({})", engine.instanceId,
                    database.settings().endpoint(), config.databaseMode(), redis.settings().endpoint(), config.redisMode());
            log.debug("Engine start ({}) took {} ms: servers and database {} ms, Redis {} ms, wiring and background work {} ms",
                    mode, (t3 - t0) / 1_000_000, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
            return engine;
        } catch (RuntimeException e) {
            if (database != null) {
                database.close();
            }
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
    }

    /** Every periodic task and background loop of a service engine, on the engine's scheduler. */
    private void startBackgroundWork() {
        try {
            audit.prepare();
        } catch (EngineException e) {
            log.error("Audited actions will fail: {}", e.getMessage());
        }
        scheduler.submit("password-hasher", PasswordHasher.DEFAULT::prepare);
        config.auditAnchorInterval().ifPresent(every -> scheduler.scheduleWithFixedDelay("audit-anchor", every, every, this::anchorAudit));
        cacheCoordinator.start(scheduler);
        sagas.startRecovery(scheduler);
        registration.refusals().startFlushing(scheduler);
        cacheDivergence.start(scheduler);
        checks.startSchedule(scheduler);
        if (embedded != null && embedded.owner()) {
            scheduler.scheduleWithFixedDelay("embedded-servers", EmbeddedServers.WATCH_INTERVAL, EmbeddedServers.WATCH_INTERVAL,
                    this::restartStoppedEmbeddedServers);
        }
    }

    /**
     * Starts again an embedded server whose process has stopped (same port, same password); the connections the pools
     * still hold to the dead Redis are dropped, so the next call reconnects instead of failing on each of them.
     */
    private void restartStoppedEmbeddedServers() {
        if (embedded.restartStoppedServers().contains(EmbeddedServers.Server.REDIS)) {
            redis.discardIdleConnections();
        }
    }

    /** A service engine whose login could rewrite the audit trail says so at start (decision record 0010). */
    private void warnIfTheRuntimeRoleOwnsTheSchema() {
        try {
            database.roles().warning().ifPresent(w -> log.warn("PostgreSQL roles: {}", w));
        } catch (StoreException e) {
            log.warn("PostgreSQL roles could not be read: {}", e.getMessage());
        }
    }

    /**
     * The actor of a CLI command run by this process's OS user, with its optional {@code --actor} label: administrator-only
     * actions need the schema owner's credentials in the configuration ({@link Database#ownerCredentials}, checked once,
     * when first needed).
     */
    public Actor cliOperator(Optional<String> label) {
        java.util.function.BooleanSupplier owner = new java.util.function.BooleanSupplier() {
            private volatile Boolean known;

            @Override
            public boolean getAsBoolean() {
                Boolean k = known;
                if (k == null) {
                    k = database.ownerCredentials();
                    known = k;
                }
                return k;
            }
        };
        return Actor.cliOperator(System.getProperty("user.name"), label, owner);
    }

    /**
     * The actor of a CLI command whose user signed in with a console account: its role decides, and the audit trail
     * records the account with the OS user.
     *
     * @throws AccessDeniedException with the one sign-in failure sentence when the sign-in fails
     */
    public Actor cliSignIn(String username, String password) {
        SignInOutcome outcome = accounts.signIn(username, password);
        if (outcome instanceof SignInOutcome.SignedIn signedIn) {
            return Actor.cliSignedIn(System.getProperty("user.name"), signedIn.session());
        }
        throw new AccessDeniedException(((SignInOutcome.Failure) outcome).message(), Permission.MANAGE_ACCOUNTS);
    }

    /** Anchors the audit trail's head (a failure is logged: the next anchor, or the one on close, tries again). */
    private void anchorAudit() {
        try {
            audit.anchor(anchorFile, clock.instant()).ifPresent(a -> log.debug("Anchored the audit trail at entry {}", a.id()));
        } catch (RuntimeException e) {
            log.warn("Could not anchor the audit trail: {}", e.getMessage());
        }
    }

    /**
     * Names this deployment in anchor files: the database's name and the schema, which stay the same from any machine
     * and across the embedded server's changing ports.
     */
    private static String deployment(DatabaseSettings settings) {
        String url = settings.jdbcUrl();
        int slash = url.indexOf('/', url.indexOf("//") + 2);
        String db = slash < 0 ? "postgres" : url.substring(slash + 1).split("[?;]", 2)[0];
        return (db.isEmpty() ? "postgres" : db).replaceAll("\\s", "_") + "/" + settings.schema();
    }

    /** The JVM's shutdown calls {@link #close()}, the one shutdown path, unless the engine is closed before. */
    private void registerShutdownHook() {
        Thread hook = new Thread(this::close, "integrity-engine-shutdown");
        shutdownHook = hook;
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private static byte[] referralKey(Database database) {
        try {
            return EngineSecrets.getOrCreate(database.jdbc(), "referral-key");
        } catch (StoreException e) {
            throw new EngineException("Cannot read the referral key from PostgreSQL at " + database.settings().endpoint()
                    + ": " + e.serverMessage() + ".", e);
        }
    }

    static DatabaseSettings databaseSettings(EngineConfig config, EmbeddedServers embedded) {
        if (config.databaseMode() == ServerMode.EMBEDDED) {
            int port = embedded.postgresPort().orElseThrow();
            return new DatabaseSettings("jdbc:postgresql://127.0.0.1:" + port + "/" + EMBEDDED_DATABASE, "postgres", embedded.postgresPassword(),
                    config.dbSchema(), config.dbPoolSize(), config.dbConnectTimeout(), "127.0.0.1:" + port,
                    "the embedded PostgreSQL in " + config.dataDir());
        }
        return new DatabaseSettings(config.dbUrl().orElseThrow(), config.dbUser(), config.dbPassword(), config.dbSchema(),
                config.dbPoolSize(), config.dbConnectTimeout(), config.dbEndpoint().orElseThrow().toString(),
                config.describe(ConfigKey.DB_URL), config.dbMigrationUser().orElse(config.dbUser()),
                config.dbMigrationUser().isPresent() ? config.dbMigrationPassword() : config.dbPassword());
    }

    static RedisSettings redisSettings(EngineConfig config, EmbeddedServers embedded) {
        if (config.redisMode() == ServerMode.EMBEDDED) {
            return new RedisSettings("127.0.0.1", embedded.redisPort().orElseThrow(), null, embedded.redisPassword().orElse(null), 0, false,
                    config.redisKeyPrefix(), config.redisTimeout(), "the embedded Redis in " + config.dataDir());
        }
        URI uri = config.redisUrl().orElseThrow();
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            if (parts.length == 2) {
                user = parts[0].isEmpty() ? null : decode(parts[0]);
                password = decode(parts[1]);
            } else {
                password = decode(parts[0]);
            }
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replace("/", "");
        int db = path.isEmpty() ? 0 : Integer.parseInt(path);
        return new RedisSettings(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(), user, password, db,
                "rediss".equalsIgnoreCase(uri.getScheme()), config.redisKeyPrefix(), config.redisTimeout(),
                config.describe(ConfigKey.REDIS_URL));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    public EngineConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    /** The scheduler the engine's background work runs on (tests look at its tasks). */
    EngineScheduler scheduler() {
        return scheduler;
    }

    /** A short id of this engine instance, unique among instances sharing the servers. */
    public String instanceId() {
        return instanceId;
    }

    /** The database itself, for the store's own users: benchmarks' baselines and tests (ArchitectureTest keeps faces off it). */
    public Database database() {
        return database;
    }

    /** The Redis connection itself, for benchmarks' baselines and tests (ArchitectureTest keeps faces off it). */
    public RedisConnection redis() {
        return redis;
    }

    /** Where Redis is and how it was chosen (endpoint, setting, key prefix), for messages (its toString hides the password). */
    public RedisSettings redisSettings() {
        return redis.settings();
    }

    /** Email validation and normalisation. */
    public EmailNormalizer emails() {
        return emails;
    }

    /** Sign-up of new users. */
    public RegistrationService registration() {
        return registration;
    }

    /** The saga log: browse, retry, resolve, recover, metrics. */
    public SagaService sagas() {
        return sagas;
    }

    /** The coordinated cache: typed reads; {@code cache().coordinator()} for invalidation, stats and rebuilds. */
    public PlatformCache cache() {
        return cache;
    }

    /** How far the cache has drifted from PostgreSQL: the latest round, a round now, the stored history. */
    public DivergenceSampler cacheDivergence() {
        return cacheDivergence;
    }

    /**
     * Rebuilds of the cache from PostgreSQL, all of it or one key pattern, unaudited (benchmarks, tests); faces use
     * {@link #cacheAdministration()}.
     */
    public CacheRebuilder cacheRebuilder() {
        return cacheRebuilder;
    }

    /** Rebuild and invalidate, permission-checked and audited for the actor who asks. */
    public CacheAdministration cacheAdministration() {
        return cacheAdministration;
    }

    /** Repairs for each kind of integrity finding, previewable and audited. */
    public RepairService repairs() {
        return repairs;
    }

    /** Integrity checks: run now, the schedule, stored runs and findings. */
    public IntegrityChecks checks() {
        return checks;
    }

    /** Every alert the engine raises: recent ones, listeners (the console), the log and the webhook. */
    public AlertHub alerts() {
        return alerts;
    }

    /** Every alert of every instance, kept in PostgreSQL. */
    public AlertLog alertLog() {
        return alertLog;
    }

    /** Console accounts, sign-in and roles. */
    public AccountService accounts() {
        return accounts;
    }

    /**
     * The audit trail's writer, for components wired outside the engine (tests that build a service with a fault
     * injected). Faces never touch it (ArchitectureTest): each engine service writes its own entries.
     */
    public AuditTrail auditTrail() {
        return audit;
    }

    /** The tamper-evident audit trail of administrative actions, to read and verify (each service writes its own entries). */
    public AuditReader audit() {
        return auditReader;
    }

    /** Legacy import, duplicate detection, merge and unmerge. */
    public Deduplication dedup() {
        return dedup;
    }

    /** Support staff's user search and user details. */
    /** The overview's figures in one read, for whoever may see the overview. */
    public OverviewReader overview() {
        return overview;
    }

    public UserDirectory users() {
        return users;
    }

    /** Look-up of typed referral codes. */
    /** The rate limits on sign-ups, per client address and per mailbox, shared through Redis. */
    public org.nstcg.integrity.engine.limit.SignUpLimits signUpLimits() {
        return signUpLimits;
    }

    /** The first answers of requests sent with an Idempotency-Key, shared by every instance through PostgreSQL. */
    public org.nstcg.integrity.engine.idempotency.IdempotentRequests idempotentRequests() {
        return idempotentRequests;
    }

    public ReferralCodes referralCodes() {
        return referralCodes;
    }

    /** The embedded servers, when any server is embedded. */
    public Optional<EmbeddedServers> embeddedServers() {
        return Optional.ofNullable(embedded);
    }

    /**
     * The PostgreSQL roles in use: the runtime role, the migrations' login and whether the runtime role can act as the
     * schema's owner. Throws {@link StoreException} when PostgreSQL cannot be reached.
     */
    public DatabaseRoles databaseRoles() {
        return database.roles();
    }

    /** Checks both servers now. Never throws: a server that does not answer is reported down with the reason. */
    public EngineHealth health() {
        ServerHealth db;
        Optional<String> schemaVersion = Optional.empty();
        String dbEndpoint = database.settings().endpoint();
        try {
            db = ServerHealth.up("PostgreSQL", config.databaseMode(), dbEndpoint, database.serverVersion());
            schemaVersion = database.schemaVersion();
        } catch (RuntimeException e) {
            String advice = config.databaseMode() != ServerMode.EMBEDDED
                    ? "Check that the server is running, or correct " + database.settings().setting() + "."
                    : embeddedWatched() ? embedded.postgresProblem().orElse("The embedded PostgreSQL does not answer;"
                            + " this console starts it again if its process has stopped.")
                    : embedded.owner() ? "The embedded PostgreSQL has stopped; restart the console to start it again."
                    : "The embedded PostgreSQL of the console running as process " + embedded.ownerPid()
                            + " has stopped; that console starts it again, or restart it.";
            db = ServerHealth.down("PostgreSQL", config.databaseMode(), dbEndpoint,
                    "PostgreSQL at " + dbEndpoint + " does not answer (" + ConnectionFailures.reason(e) + "). " + advice);
        }
        ServerHealth r;
        try {
            r = ServerHealth.up("Redis", config.redisMode(), redis.settings().endpoint(), redis.ping());
        } catch (ServerUnavailableException e) {
            String problem = e.getMessage();
            if (config.redisMode() == ServerMode.EMBEDDED && embeddedWatched()) {
                problem += " " + embedded.redisProblem().orElse("This console starts the embedded Redis again if its process has stopped.");
            }
            r = ServerHealth.down("Redis", config.redisMode(), redis.settings().endpoint(), problem);
        }
        return EngineHealth.of(db, r, schemaVersion, clock.instant());
    }

    /** Whether this engine watches the embedded servers and starts a stopped one again (a service engine that owns them). */
    private boolean embeddedWatched() {
        return embedded != null && embedded.owner() && mode == Mode.SERVICE;
    }

    /** The platform's headline figures. */
    public PlatformFigures figures() {
        try {
            return database.figures();
        } catch (StoreException e) {
            throw new EngineException("Cannot read figures from PostgreSQL at " + database.settings().endpoint()
                    + " (" + e.reason() + ").", e);
        }
    }

    /** Outbox events the platform's publisher has not taken yet: the backlog a monitor watches. */
    public long outboxBacklog() {
        try {
            return database.outboxBacklog();
        } catch (StoreException e) {
            throw new EngineException("Cannot read the outbox backlog from PostgreSQL at " + database.settings().endpoint()
                    + " (" + e.reason() + ").", e);
        }
    }

    /** Whether Redis answered this engine's last call (false while its circuit is open). No I/O. */
    public boolean redisAvailable() {
        return !redis.isDown();
    }

    /**
     * Publishes the connection pool's figures to a monitoring registry (HikariCP's Micrometer tracker), for a face
     * that serves them. A pool takes one registry in its life.
     *
     * @return whether {@code registry} receives them (false when another registry already does)
     */
    public boolean publishPoolMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        return database.publishPoolMetrics(registry);
    }

    private static String describe(org.nstcg.integrity.engine.dedup.MergeOutcome o) {
        if (o instanceof org.nstcg.integrity.engine.dedup.MergeOutcome.Previewed p) {
            return String.join("; ", p.plan().changes());
        }
        if (o instanceof org.nstcg.integrity.engine.dedup.MergeOutcome.Merged m) {
            return "merged (merge " + m.mergeId() + ", saga " + m.sagaId() + ")";
        }
        if (o instanceof org.nstcg.integrity.engine.dedup.MergeOutcome.Refused r) {
            return "refused: " + r.reason();
        }
        if (o instanceof org.nstcg.integrity.engine.dedup.MergeOutcome.RolledBack r) {
            return "rolled back: " + r.message();
        }
        return "unfinished: " + ((org.nstcg.integrity.engine.dedup.MergeOutcome.Unfinished) o).message();
    }

    /** Stops the engine and, if this process owns them, the embedded servers. Safe to call more than once. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        Thread hook = shutdownHook;
        if (hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
        // Background work stops first (and is waited for), then each component writes what it still holds.
        scheduler.close();
        if (mode == Mode.SERVICE && config.auditAnchorInterval().isPresent()) {
            anchorAudit();
        }
        checks.close();
        registration.refusals().close();
        sagas.close();
        cacheDivergence.close();
        alerts.close();
        alertLog.close();
        cacheCoordinator.close();
        redis.close();
        database.close();
        if (embedded != null) {
            embedded.close();
        }
        log.info("Engine {} stopped", instanceId);
    }
}
