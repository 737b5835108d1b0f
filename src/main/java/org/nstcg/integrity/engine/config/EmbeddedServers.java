package org.nstcg.integrity.engine.config;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Properties;
import org.nstcg.integrity.engine.support.EngineException;
import org.nstcg.integrity.engine.support.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * The embedded PostgreSQL and Redis of the default mode, living in the user's data directory.
 *
 * <p>Design notes.
 * <ul>
 *   <li><b>One owner per data directory.</b> The first process takes an OS file lock on {@code instance.lock},
 *   starts the servers on free ports and writes their ports and pids to {@code embedded-runtime.properties}.
 *   A second process (the CLI's {@code status} while the console runs, or a second console) finds the lock held
 *   and <em>attaches</em>: it connects to the owner's servers instead of starting its own on the same files.</li>
 *   <li><b>No orphan survives a restart.</b> {@code pg_ctl} daemonises PostgreSQL and Redis runs as a child
 *   process, so a JVM killed with SIGKILL leaves both running. The OS releases the file lock with the dead JVM;
 *   the next owner reads the previous runtime file and {@code postmaster.pid}, stops any server still running
 *   from them (fast shutdown, then kill), and removes a stale {@code postmaster.pid} whose pid now belongs to
 *   another program, which would otherwise stop PostgreSQL from starting.</li>
 *   <li><b>Loopback is not private</b> (decision record 0012). Every local OS user reaches 127.0.0.1, so both servers
 *   require the passwords of {@link EmbeddedSecrets} (0600, in the data directory, itself 0700 when we create it).
 *   A new PostgreSQL cluster is made by initdb with SCRAM and the password from the start ({@code --auth}, {@code
 *   --pwfile}: zonky passes its "locale" options to initdb as {@code --key=value}); a cluster made on trust by an older
 *   version is converted at its next start: password set (hashed by the driver, so the server never logs it),
 *   pg_hba.conf rewritten, configuration reloaded, and the start waits until a connection without the password is
 *   refused. Redis runs from a config file of ours (0600) holding {@code requirepass}, never from command-line
 *   arguments ({@code ps} shows those) nor embedded-redis's settings, which it copies to a file in /tmp.</li>
 *   <li><b>A maintained Redis first.</b> {@link EmbeddedRedisBinary} picks {@code redis.embedded-binary}, else
 *   {@code redis-server} on PATH, else the bundled (end-of-life) one with a warning.</li>
 *   <li><b>A server that dies is started again by its owner.</b> A service engine that owns the servers calls
 *   {@link #restartStoppedServers()} every {@link #WATCH_INTERVAL}. A Redis whose process has gone is started again on
 *   the same port from the same config file (same password), so every client reconnects by itself. A PostgreSQL whose
 *   postmaster has gone is started again on the same port and data directory ({@code postmaster.pid} removed only
 *   when its pid now names another program, as for orphans); whether that is safe is PostgreSQL's own interlock: it
 *   refuses to start while a process of the dead postmaster still holds the old shared memory (which it finds from
 *   that file and the port), and then we report it and try again at the next pass.
 *   A {@code postmaster.pid} naming another running PostgreSQL is never touched: that is reported, not restarted.
 *   What is wrong meanwhile is {@link #postgresProblem()} / {@link #redisProblem()}, which the engine's health shows.</li>
 * </ul>
 */
public final class EmbeddedServers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedServers.class);
    private static final String RUNTIME_FILE = "embedded-runtime.properties";
    private static final Duration ATTACH_WAIT = Duration.ofSeconds(90);
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(20);
    private static final Duration PASSWORD_REQUIRED_WAIT = Duration.ofSeconds(10);

    /** How often a service engine owning the servers looks whether they still run ({@link #restartStoppedServers()}). */
    public static final Duration WATCH_INTERVAL = Duration.ofSeconds(2);

    /** The embedded servers, as {@link #restartStoppedServers()} names those it started again. */
    public enum Server { POSTGRES, REDIS }

    /**
     * What converting a running cluster to passwords needs from SQL, which engine.store speaks
     * ({@code EmbeddedDatabases.administration()}); engine.config holds no connection.
     */
    public interface PostgresAdministration {
        /** Sets the {@code postgres} superuser's password (hashed by the driver), logging in over loopback with it. */
        void setSuperuserPassword(int port, String password);

        /** Reloads the server's configuration and returns once a login with a wrong password is refused, within {@code wait}. */
        void reloadAndAwaitPasswordRequired(int port, String password, Duration wait);
    }
    private static final String PG_HBA = "pg_hba.conf";

    private final Path dataDir;
    private final boolean owner;
    private final long ownerPid;
    private final Integer postgresPort;
    private final Integer redisPort;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final EmbeddedSecrets secrets;
    private final EmbeddedRedisBinary redisBinary;
    // The owner's servers and their processes, replaced when restartStoppedServers() starts one again (guarded by this).
    private EmbeddedPostgres postgres;
    private RedisServer redis;
    private Long postgresPid;
    private Long redisPid;
    private boolean postgresStopped;
    private boolean redisStopped;
    private boolean closed;
    private String lastRedisFailure; // logged once per distinct reason, not every pass
    private String lastPostgresFailure;
    private volatile String postgresProblem;
    private volatile String redisProblem;

    private EmbeddedServers(Path dataDir, boolean owner, long ownerPid, Integer postgresPort, Integer redisPort,
                            FileChannel lockChannel, FileLock lock, EmbeddedPostgres postgres, RedisServer redis,
                            EmbeddedSecrets secrets, EmbeddedRedisBinary redisBinary) {
        this.dataDir = dataDir;
        this.owner = owner;
        this.ownerPid = ownerPid;
        this.postgresPort = postgresPort;
        this.redisPort = redisPort;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.postgres = postgres;
        this.redis = redis;
        this.secrets = secrets;
        this.redisBinary = redisBinary;
        if (owner) {
            this.postgresPid = postgres == null ? null : postmasterPid(dataDir).orElse(null);
            this.redisPid = redis == null ? null : redisPid(dataDir).orElse(null);
        }
    }

    /**
     * Starts the embedded servers this configuration needs, or attaches to those of the process that already owns
     * the data directory. A Redis this process starts runs {@code redisBinary} when given (see {@link EmbeddedRedisBinary}).
     */
    public static EmbeddedServers startOrAttach(Path dataDir, boolean needPostgres, boolean needRedis,
                                                Optional<Path> redisBinary, PostgresAdministration admin, ProgressListener progress) {
        try {
            if (!Files.isDirectory(dataDir)) {
                createPrivateDirectories(dataDir);
            }
        } catch (IOException e) {
            throw new EngineException("Cannot create the data directory " + dataDir + " (" + e.getMessage()
                    + "). Choose a writable directory with data.dir, or set db.url and redis.url to use external servers.", e);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(dataDir.resolve("instance.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by another engine in this JVM
            }
            if (lock == null) {
                channel.close();
                return attach(dataDir, needPostgres, needRedis, progress);
            }
            return startAsOwner(dataDir, needPostgres, needRedis, redisBinary, admin, channel, lock, progress);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new EngineException("Cannot use the data directory " + dataDir + " (" + e.getMessage() + ").", e);
        }
    }

    private static EmbeddedServers startAsOwner(Path dataDir, boolean needPostgres, boolean needRedis, Optional<Path> configuredRedis,
                                                PostgresAdministration admin, FileChannel channel, FileLock lock, ProgressListener progress) throws IOException {
        EmbeddedPostgres pg = null;
        RedisServer redis = null;
        try {
            stopOrphans(dataDir, progress);
            EmbeddedSecrets secrets = EmbeddedSecrets.loadOrCreate(dataDir);
            Integer pgPort = null;
            Integer redisPort = null;
            EmbeddedRedisBinary binary = null;
            if (needPostgres) {
                Path pgData = dataDir.resolve("postgres");
                progress.step(Files.exists(pgData.resolve("PG_VERSION"))
                        ? "Starting the embedded PostgreSQL…"
                        : "Creating the embedded PostgreSQL database (first start)…");
                pg = startPostgres(dataDir, pgData, freePort(), secrets, admin);
                pgPort = pg.getPort();
            }
            if (needRedis) {
                progress.step("Starting the embedded Redis…");
                EmbeddedRedisBinary chosen = EmbeddedRedisBinary.resolve(configuredRedis);
                chosen.warning().ifPresent(w -> log.warn("Embedded Redis {}: {}", chosen.describe(), w));
                binary = chosen;
                redisPort = freePort();
                redis = startRedis(dataDir.resolve("redis"), redisPort, binary, secrets.redisPassword());
            }
            writeRuntimeFile(dataDir, pgPort, redisPort, binary);
            long self = ProcessHandle.current().pid();
            log.info("Embedded servers started in {} (PostgreSQL port {}, Redis port {}{})", dataDir, pgPort, redisPort,
                    binary == null ? "" : ", Redis " + binary.describe());
            return new EmbeddedServers(dataDir, true, self, pgPort, redisPort, channel, lock, pg, redis, secrets, binary);
        } catch (IOException | RuntimeException e) {
            stopQuietly(redis);
            closeQuietly(pg);
            lock.release();
            channel.close();
            if (e instanceof EngineException ee) {
                throw ee;
            }
            throw new EngineException("The embedded servers could not start in " + dataDir + ": " + rootMessage(e)
                    + ". Check that the directory is writable and not on a full disk, or configure external servers with db.url and redis.url.", e);
        }
    }

    /**
     * Starts PostgreSQL on {@code pgData} requiring the password of {@code secrets}: a new cluster is made so, an
     * existing one still on trust (or whose password file was lost) is converted once it runs.
     */
    private static EmbeddedPostgres startPostgres(Path dataDir, Path pgData, int port, EmbeddedSecrets secrets,
                                                  PostgresAdministration admin) throws IOException {
        Files.createDirectories(pgData);
        String password = secrets.postgresPassword();
        boolean fresh = !Files.exists(pgData.resolve("postgresql.conf")); // zonky's own test for running initdb
        boolean convert = false;
        if (!fresh && !requiresPasswords(pgData)) {
            log.warn("The embedded PostgreSQL in {} lets local users in without a password; setting one and requiring it", pgData);
            convert = true;
        } else if (!fresh && secrets.postgresPasswordCreated()) {
            // Password authentication already, but the password file was lost: only trust lets us set the new one.
            log.warn("{} was missing: setting a new password for the embedded PostgreSQL in {}", EmbeddedSecrets.FILE, pgData);
            writePrivateFile(pgData.resolve(PG_HBA), pgHba("trust"));
            convert = true;
        }
        EmbeddedPostgres.Builder builder = postgresBuilder(pgData, port, password);
        Path pwFile = dataDir.resolve(".initdb-password");
        if (fresh) {
            writePrivateFile(pwFile, password + "\n");
            // initdb's options after zonky's "-A trust": the last --auth wins; --pwfile sets the superuser's password.
            builder.setLocaleConfig("auth", "scram-sha-256").setLocaleConfig("pwfile", pwFile.toAbsolutePath().toString());
        }
        EmbeddedPostgres pg;
        try {
            pg = builder.start();
        } finally {
            Files.deleteIfExists(pwFile);
        }
        if (convert) {
            try {
                requirePassword(pg, pgData, password, admin);
            } catch (IOException | RuntimeException e) {
                closeQuietly(pg);
                throw e;
            }
        }
        return pg;
    }

    /** How the embedded PostgreSQL runs, at its first start and at a restart alike. */
    private static EmbeddedPostgres.Builder postgresBuilder(Path pgData, int port, String password) {
        return EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setPGStartupWait(Duration.ofSeconds(90))
                .setLocaleConfig("locale", "C")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "200")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setConnectConfig("password", password); // zonky's readiness check logs in with its connect config
    }

    /** Whether every rule of the cluster's pg_hba.conf asks for a SCRAM password. */
    static boolean requiresPasswords(Path pgData) throws IOException {
        Path hba = pgData.resolve(PG_HBA);
        if (!Files.isRegularFile(hba)) {
            return false;
        }
        return Files.readAllLines(hba, StandardCharsets.UTF_8).stream()
                .map(l -> l.replaceFirst("#.*", "").strip())
                .filter(l -> !l.isEmpty())
                .allMatch(l -> List.of(l.split("\\s+")).contains("scram-sha-256"));
    }

    /** pg_hba.conf of the embedded cluster: every local and loopback connection authenticated by {@code method}. */
    private static String pgHba(String method) {
        return "# Written by the Integrity Console: its embedded PostgreSQL, reached over loopback and its socket only.\n"
                + "# TYPE  DATABASE     USER  ADDRESS       METHOD\n"
                + "local   all          all                 " + method + "\n"
                + "host    all          all   127.0.0.1/32  " + method + "\n"
                + "host    all          all   ::1/128       " + method + "\n"
                + "local   replication  all                 " + method + "\n"
                + "host    replication  all   127.0.0.1/32  " + method + "\n"
                + "host    replication  all   ::1/128       " + method + "\n";
    }

    /**
     * Converts a running cluster to password authentication: sets the superuser's password (hashed by the driver, so
     * the plain text reaches neither the server nor its log), rewrites pg_hba.conf, reloads, and waits until a
     * connection without the password is refused.
     */
    private static void requirePassword(EmbeddedPostgres pg, Path pgData, String password, PostgresAdministration admin)
            throws IOException {
        admin.setSuperuserPassword(pg.getPort(), password);
        writePrivateFile(pgData.resolve(PG_HBA), pgHba("scram-sha-256"));
        admin.reloadAndAwaitPasswordRequired(pg.getPort(), password, PASSWORD_REQUIRED_WAIT);
        log.info("The embedded PostgreSQL in {} now requires its password (SCRAM)", pgData);
    }

    /**
     * Starts Redis from a config file of ours: loopback only, protected mode, {@code requirepass}, no persistence.
     * The file (0600, rewritten at every start for the new port) is passed as the only argument.
     */
    private static RedisServer startRedis(Path dir, int port, EmbeddedRedisBinary binary, String password) throws IOException {
        createPrivateDirectories(dir);
        Path conf = dir.resolve("redis.conf");
        String text = "# Written by the Integrity Console at every start of its embedded Redis. Private: it holds the password.\n"
                + "port " + port + "\n"
                + "bind 127.0.0.1\n"
                + "protected-mode yes\n"
                + "requirepass " + password + "\n"
                + "save \"\"\n"
                + "appendonly no\n"
                + "daemonize no\n"
                + "dir " + quoted(dir.toAbsolutePath().toString()) + "\n"
                + "pidfile " + quoted(dir.toAbsolutePath().resolve("redis.pid").toString()) + "\n";
        writePrivateFile(conf, text);
        RedisServer server = new RedisServer(port, List.of(binary.path().toString(), conf.toAbsolutePath().toString()), false);
        server.start();
        return server;
    }

    /** A Redis config string: quoted, with backslashes and quotes escaped. */
    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Writes {@code text} to {@code file} readable by this OS user only, replacing it whole. */
    private static void writePrivateFile(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp); // not a POSIX file system: its ACLs apply
        }
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void createPrivateDirectories(Path dir) throws IOException {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
    }

    private static EmbeddedServers attach(Path dataDir, boolean needPostgres, boolean needRedis, ProgressListener progress) {
        progress.step("Connecting to the embedded servers of the running Integrity Console…");
        long deadline = System.nanoTime() + ATTACH_WAIT.toNanos();
        while (true) {
            Optional<Properties> runtime = readRuntimeFile(dataDir);
            if (runtime.isPresent()) {
                Properties p = runtime.get();
                OptionalLong ownerPid = longValue(p, "owner.pid");
                OptionalInt pgPort = intValue(p, "postgres.port");
                OptionalInt redisPort = intValue(p, "redis.port");
                boolean complete = ownerPid.isPresent() && (!needPostgres || pgPort.isPresent()) && (!needRedis || redisPort.isPresent());
                if (complete) {
                    // Absent only when the owner is a version whose servers had no passwords yet.
                    EmbeddedSecrets secrets = EmbeddedSecrets.ofOwner(dataDir).orElse(null);
                    log.info("Attached to the embedded servers of process {} in {}", ownerPid.getAsLong(), dataDir);
                    return new EmbeddedServers(dataDir, false, ownerPid.getAsLong(),
                            pgPort.isPresent() ? pgPort.getAsInt() : null, redisPort.isPresent() ? redisPort.getAsInt() : null,
                            null, null, null, null, secrets, redisBinary(p).orElse(null));
                }
            }
            if (System.nanoTime() > deadline) {
                throw new EngineException("Another Integrity Console holds the data directory " + dataDir
                        + " but has not published its embedded servers. Close it, or use another directory with data.dir.");
            }
            sleep(200);
        }
    }

    /** Stops servers left running by a previous owner that was killed, and clears its stale lock files. */
    private static void stopOrphans(Path dataDir, ProgressListener progress) {
        Optional<Properties> previous = readRuntimeFile(dataDir);
        List<String> redisProgram = redisProgramNames(previous.flatMap(EmbeddedServers::redisBinary));
        previous.flatMap(p -> boxed(longValue(p, "redis.pid")))
                .ifPresent(pid -> stopOrphan(pid, redisProgram, progress));
        Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
        readFirstLine(pidFile).map(EmbeddedServers::parseLongOrNull).ifPresent(pid -> {
            if (!stopOrphan(pid, List.of("postgres"), progress)) {
                // The pid is dead or reused by another program: PostgreSQL would refuse to start while the file names it.
                try {
                    Files.deleteIfExists(pidFile);
                    log.info("Removed the stale {} (pid {} is not a running PostgreSQL)", pidFile, pid);
                } catch (IOException e) {
                    log.warn("Could not remove stale {}: {}", pidFile, e.getMessage());
                }
            }
        });
        Path redisPid = dataDir.resolve("redis").resolve("redis.pid");
        readFirstLine(redisPid).map(EmbeddedServers::parseLongOrNull).ifPresent(pid -> stopOrphan(pid, redisProgram, progress));
        try {
            Files.deleteIfExists(dataDir.resolve(RUNTIME_FILE));
            Files.deleteIfExists(redisPid);
        } catch (IOException e) {
            log.warn("Could not clear the previous runtime files in {}: {}", dataDir, e.getMessage());
        }
    }

    /**
     * The names a previous owner's Redis process may have: redis-server, the name of the binary it ran (a
     * redis.embedded-binary may be called otherwise) and of the file that name links to (Debian's redis-server is a
     * link to redis-check-rdb, which the process table shows).
     */
    private static List<String> redisProgramNames(Optional<EmbeddedRedisBinary> previous) {
        List<String> names = new java.util.ArrayList<>(List.of("redis-server"));
        previous.ifPresent(b -> {
            names.add(b.path().getFileName().toString());
            try {
                names.add(b.path().toRealPath().getFileName().toString());
            } catch (IOException | RuntimeException e) {
                // gone since: its own name is all we have
            }
        });
        return names;
    }

    /** @return true when a process named as one of {@code programs} was running (and has now been stopped) */
    private static boolean stopOrphan(Long pid, List<String> programs, ProgressListener progress) {
        if (pid == null) {
            return false;
        }
        String program = programs.get(0);
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().map(c -> Path.of(c).getFileName().toString())
                        .map(name -> programs.stream().anyMatch(name::startsWith)).orElse(false));
        if (handle.isEmpty()) {
            return false;
        }
        progress.step("Stopping a " + program + " left running by a console that did not shut down cleanly…");
        log.warn("Stopping orphaned {} (pid {}) left by a previous run that was killed", program, pid);
        signal("INT", pid); // PostgreSQL: fast shutdown; Redis: shutdown
        if (!waitForExit(handle.get(), ORPHAN_STOP_WAIT)) {
            handle.get().destroyForcibly();
            waitForExit(handle.get(), Duration.ofSeconds(5));
        }
        return true;
    }

    private static void signal(String signal, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
            kill.getInputStream().readAllBytes();
            kill.waitFor();
        } catch (IOException e) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean waitForExit(ProcessHandle handle, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (handle.isAlive() && System.nanoTime() < deadline) {
            sleep(100);
        }
        return !handle.isAlive();
    }

    /** The owner's Redis binary as its runtime file names it. */
    private static Optional<EmbeddedRedisBinary> redisBinary(Properties p) {
        String path = p.getProperty("redis.binary");
        String source = p.getProperty("redis.binary-source");
        if (path == null || source == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new EmbeddedRedisBinary(Path.of(path), EmbeddedRedisBinary.Source.valueOf(source),
                    p.getProperty("redis.binary-version", "unknown")));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static void writeRuntimeFile(Path dataDir, Integer pgPort, Integer redisPort, EmbeddedRedisBinary binary) throws IOException {
        Properties p = new Properties();
        p.setProperty("owner.pid", Long.toString(ProcessHandle.current().pid()));
        if (pgPort != null) {
            p.setProperty("postgres.port", pgPort.toString());
            readFirstLine(dataDir.resolve("postgres").resolve("postmaster.pid")).ifPresent(pid -> p.setProperty("postgres.pid", pid));
        }
        if (redisPort != null) {
            p.setProperty("redis.port", redisPort.toString());
            readFirstLine(dataDir.resolve("redis").resolve("redis.pid")).ifPresent(pid -> p.setProperty("redis.pid", pid));
        }
        if (binary != null) {
            p.setProperty("redis.binary", binary.path().toString());
            p.setProperty("redis.binary-source", binary.source().name());
            p.setProperty("redis.binary-version", binary.version());
        }
        Path tmp = dataDir.resolve(RUNTIME_FILE + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "Embedded servers of the running Integrity Console; rewritten at every start");
        }
        try {
            Files.move(tmp, dataDir.resolve(RUNTIME_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dataDir.resolve(RUNTIME_FILE), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static Optional<Properties> readRuntimeFile(Path dataDir) {
        Path file = dataDir.resolve(RUNTIME_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            return Optional.of(p);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> readFirstLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return lines.isEmpty() ? Optional.empty() : Optional.of(lines.get(0).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static OptionalLong longValue(Properties p, String key) {
        Long v = parseLongOrNull(p.getProperty(key));
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    private static OptionalInt intValue(Properties p, String key) {
        Long v = parseLongOrNull(p.getProperty(key));
        return v == null || v < 1 || v > 65535 ? OptionalInt.empty() : OptionalInt.of(v.intValue());
    }

    private static Optional<Long> boxed(OptionalLong v) {
        return v.isPresent() ? Optional.of(v.getAsLong()) : Optional.empty();
    }

    private static Long parseLongOrNull(String s) {
        try {
            return s == null ? null : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("Interrupted while waiting for the embedded servers.");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static void stopQuietly(RedisServer redis) {
        if (redis != null) {
            try {
                redis.stop();
            } catch (IOException | RuntimeException e) {
                log.warn("Could not stop the embedded Redis: {}", e.getMessage());
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                log.warn("Could not close {}: {}", c, e.getMessage());
            }
        }
    }

    public Path dataDir() {
        return dataDir;
    }

    /** True when this process started the servers; false when it attached to another process's. */
    public boolean owner() {
        return owner;
    }

    /** The pid of the process that started the servers (this one when {@link #owner()}). */
    public long ownerPid() {
        return ownerPid;
    }

    public OptionalInt postgresPort() {
        return postgresPort == null ? OptionalInt.empty() : OptionalInt.of(postgresPort);
    }

    public OptionalInt redisPort() {
        return redisPort == null ? OptionalInt.empty() : OptionalInt.of(redisPort);
    }

    /**
     * JDBC URL of the embedded PostgreSQL's {@code postgres} database (superuser {@code postgres}, who logs in with
     * {@link #postgresPassword()}).
     */
    public Optional<String> postgresJdbcUrl() {
        return postgresPort == null ? Optional.empty()
                : Optional.of("jdbc:postgresql://127.0.0.1:" + postgresPort + "/postgres");
    }

    public Optional<String> redisUrl() {
        return redisPort == null ? Optional.empty() : Optional.of("redis://127.0.0.1:" + redisPort);
    }

    /**
     * The password of the embedded PostgreSQL's {@code postgres} superuser, from {@code embedded-secrets.properties};
     * empty when attached to an owner whose servers have none. Never log or print it.
     */
    public String postgresPassword() {
        return secrets == null ? "" : secrets.postgresPassword();
    }

    /** The embedded Redis's {@code requirepass}; empty when attached to an owner whose Redis has none. Never log or print it. */
    public Optional<String> redisPassword() {
        return secrets == null ? Optional.empty() : Optional.of(secrets.redisPassword());
    }

    /** The {@code redis-server} the embedded Redis runs, its version and how it was chosen (empty when Redis is external). */
    public Optional<EmbeddedRedisBinary> redisBinary() {
        return Optional.ofNullable(redisBinary);
    }

    /**
     * Starts again, on their ports and with their passwords, the servers of this owner whose process has stopped
     * (killed, crashed). A service engine calls it every {@link #WATCH_INTERVAL}; an attached process has nothing to
     * watch. Never throws: what could not be started is {@link #postgresProblem()} / {@link #redisProblem()}, and the
     * next call tries again.
     *
     * @return the servers started again by this call
     */
    public synchronized java.util.Set<Server> restartStoppedServers() {
        java.util.Set<Server> restarted = java.util.EnumSet.noneOf(Server.class);
        if (!owner || closed) {
            return restarted;
        }
        if (redisPort != null && (redisStopped || !alive(redisPid)) && restartRedis()) {
            restarted.add(Server.REDIS);
        }
        if (postgresPort != null && (postgresStopped || !alive(postgresPid)) && restartPostgres()) {
            restarted.add(Server.POSTGRES);
        }
        return restarted;
    }

    /** What is wrong with the embedded PostgreSQL this owner watches (stopped, being started again, refused to start). */
    public Optional<String> postgresProblem() {
        return Optional.ofNullable(postgresProblem);
    }

    /** What is wrong with the embedded Redis this owner watches (stopped, being started again, refused to start). */
    public Optional<String> redisProblem() {
        return Optional.ofNullable(redisProblem);
    }

    private boolean restartRedis() {
        if (!redisStopped) {
            log.warn("The embedded Redis (pid {}) has stopped; starting it again on port {}", redisPid, redisPort);
            redisStopped = true;
        }
        redisProblem = "The embedded Redis (port " + redisPort + ") has stopped; this console is starting it again.";
        stopQuietly(redis); // reaps the dead process
        redis = null;
        try {
            Files.deleteIfExists(dataDir.resolve("redis").resolve("redis.pid"));
            redis = startRedis(dataDir.resolve("redis"), redisPort, redisBinary, secrets.redisPassword());
            redisPid = redisPid(dataDir).orElse(null);
            redisStopped = false;
            redisProblem = null;
            lastRedisFailure = null;
            rewriteRuntimeFile();
            log.info("The embedded Redis runs again on port {} (pid {})", redisPort, redisPid);
            return true;
        } catch (IOException | RuntimeException e) {
            stopQuietly(redis);
            redis = null;
            String why = rootMessage(e);
            if (!why.equals(lastRedisFailure)) {
                log.warn("The embedded Redis could not be started again on port {}: {}", redisPort, why);
                lastRedisFailure = why;
            }
            redisProblem = "The embedded Redis (port " + redisPort + ") has stopped and could not be started again: " + why
                    + ". This console tries again every " + WATCH_INTERVAL.toSeconds() + " s; if it keeps failing, restart the console.";
            return false;
        }
    }

    private boolean restartPostgres() {
        Path pgData = dataDir.resolve("postgres");
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!postgresStopped) {
            log.warn("The embedded PostgreSQL (postmaster pid {}) has stopped; starting it again on port {}", postgresPid, postgresPort);
            postgresStopped = true;
        }
        Optional<Long> listed = readFirstLine(pidFile).map(EmbeddedServers::parseLongOrNull);
        if (listed.isPresent() && !listed.get().equals(postgresPid) && isProgram(listed.get(), List.of("postgres"))) {
            postgresProblem = "The embedded PostgreSQL (port " + postgresPort + ") has stopped, and another PostgreSQL (pid "
                    + listed.get() + ") now runs from " + pgData + "; this console does not start a second one."
                    + " Stop that server, then restart the console.";
            return false;
        }
        List<Long> survivors = postgresProcessesIn(pgData);
        if (!survivors.isEmpty()) {
            // A second postmaster on these files while they run could corrupt them; PostgreSQL would refuse too, but
            // zonky keeps its lock on the directory when a start fails, which would block every later attempt.
            postgresProblem = "The embedded PostgreSQL (port " + postgresPort + ") has stopped and could not be started again yet:"
                    + " " + survivors.size() + " of its processes still run (pid " + survivors.stream().map(String::valueOf)
                    .collect(java.util.stream.Collectors.joining(", ")) + "). This console tries again every "
                    + WATCH_INTERVAL.toSeconds() + " s, once they have ended.";
            return false;
        }
        postgresProblem = "The embedded PostgreSQL (port " + postgresPort + ") has stopped; this console is starting it again.";
        try {
            if (listed.isPresent() && ProcessHandle.of(listed.get()).map(ProcessHandle::isAlive).orElse(false)) {
                // Its pid is now another program's: PostgreSQL would refuse to start, and pg_ctl stop would signal it.
                // A dead pid stays: PostgreSQL then checks the shared memory the file names is no longer in use.
                Files.deleteIfExists(pidFile);
            }
            closeQuietly(postgres); // lets go of zonky's lock on the data directory; no server answers its stop
            postgres = null;
            postgres = postgresBuilder(pgData, postgresPort, secrets.postgresPassword()).start();
            postgresPid = postmasterPid(dataDir).orElse(null);
            postgresStopped = false;
            postgresProblem = null;
            lastPostgresFailure = null;
            rewriteRuntimeFile();
            log.info("The embedded PostgreSQL runs again on port {} (postmaster pid {})", postgresPort, postgresPid);
            return true;
        } catch (IOException | RuntimeException e) {
            String why = rootMessage(e);
            if (!why.equals(lastPostgresFailure)) {
                log.warn("The embedded PostgreSQL could not be started again on port {}: {}", postgresPort, why);
                lastPostgresFailure = why;
            }
            postgresProblem = "The embedded PostgreSQL (port " + postgresPort + ") has stopped and could not be started again yet: "
                    + why + ". This console tries again every " + WATCH_INTERVAL.toSeconds() + " s; if it keeps failing, restart the console.";
            return false;
        }
    }

    private void rewriteRuntimeFile() {
        try {
            writeRuntimeFile(dataDir, postgresPort, redisPort, redisBinary);
        } catch (IOException e) {
            log.warn("Could not rewrite {} in {}: {}", RUNTIME_FILE, dataDir, e.getMessage());
        }
    }

    /** Whether {@code pid} still runs; an unknown pid (no pid file) counts as running, as nothing can be watched. */
    private static boolean alive(Long pid) {
        return pid == null || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * The PostgreSQL processes still running from {@code pgData} (Linux: every PostgreSQL process works in its data
     * directory), backends and helpers of a postmaster that died included; empty where {@code /proc} cannot tell.
     */
    private static List<Long> postgresProcessesIn(Path pgData) {
        Path dir;
        try {
            dir = pgData.toRealPath();
        } catch (IOException e) {
            return List.of();
        }
        return ProcessHandle.allProcesses()
                .filter(h -> h.pid() != ProcessHandle.current().pid())
                .filter(h -> h.info().command().map(c -> Path.of(c).getFileName().toString().startsWith("postgres")).orElse(false))
                .filter(h -> {
                    try {
                        return Files.readSymbolicLink(Path.of("/proc", Long.toString(h.pid()), "cwd")).equals(dir);
                    } catch (IOException | RuntimeException e) {
                        return false; // gone meanwhile, another user's, or no /proc
                    }
                })
                .map(ProcessHandle::pid)
                .sorted()
                .toList();
    }

    private static Optional<Long> postmasterPid(Path dataDir) {
        return readFirstLine(dataDir.resolve("postgres").resolve("postmaster.pid")).map(EmbeddedServers::parseLongOrNull);
    }

    private static Optional<Long> redisPid(Path dataDir) {
        return readFirstLine(dataDir.resolve("redis").resolve("redis.pid")).map(EmbeddedServers::parseLongOrNull);
    }

    /** Whether {@code pid} runs a program whose name starts with one of {@code programs}. */
    private static boolean isProgram(long pid, List<String> programs) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .flatMap(h -> h.info().command())
                .map(c -> Path.of(c).getFileName().toString())
                .map(name -> programs.stream().anyMatch(name::startsWith))
                .orElse(false);
    }

    /** Stops the servers if this process owns them; an attached process just lets go. */
    @Override
    public void close() {
        if (!owner) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        stopQuietly(redis);
        closeQuietly(postgres);
        try {
            Files.deleteIfExists(dataDir.resolve(RUNTIME_FILE));
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            log.warn("Could not release the data directory lock: {}", e.getMessage());
        }
        log.info("Embedded servers in {} stopped", dataDir);
    }
}
