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
 * </ul>
 */
public final class EmbeddedServers implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedServers.class);
    private static final String RUNTIME_FILE = "embedded-runtime.properties";
    private static final Duration ATTACH_WAIT = Duration.ofSeconds(90);
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(20);

    private final Path dataDir;
    private final boolean owner;
    private final long ownerPid;
    private final Integer postgresPort;
    private final Integer redisPort;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final EmbeddedPostgres postgres;
    private final RedisServer redis;

    private EmbeddedServers(Path dataDir, boolean owner, long ownerPid, Integer postgresPort, Integer redisPort,
                            FileChannel lockChannel, FileLock lock, EmbeddedPostgres postgres, RedisServer redis) {
        this.dataDir = dataDir;
        this.owner = owner;
        this.ownerPid = ownerPid;
        this.postgresPort = postgresPort;
        this.redisPort = redisPort;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.postgres = postgres;
        this.redis = redis;
    }

    /**
     * Starts the embedded servers this configuration needs, or attaches to those of the process that already owns
     * the data directory.
     */
    public static EmbeddedServers startOrAttach(Path dataDir, boolean needPostgres, boolean needRedis, ProgressListener progress) {
        try {
            Files.createDirectories(dataDir);
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
            return startAsOwner(dataDir, needPostgres, needRedis, channel, lock, progress);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new EngineException("Cannot use the data directory " + dataDir + " (" + e.getMessage() + ").", e);
        }
    }

    private static EmbeddedServers startAsOwner(Path dataDir, boolean needPostgres, boolean needRedis,
                                                FileChannel channel, FileLock lock, ProgressListener progress) throws IOException {
        EmbeddedPostgres pg = null;
        RedisServer redis = null;
        try {
            stopOrphans(dataDir, progress);
            Integer pgPort = null;
            Integer redisPort = null;
            if (needPostgres) {
                Path pgData = dataDir.resolve("postgres");
                progress.step(Files.exists(pgData.resolve("PG_VERSION"))
                        ? "Starting the embedded PostgreSQL…"
                        : "Creating the embedded PostgreSQL database (first start)…");
                pg = startPostgres(pgData);
                pgPort = pg.getPort();
            }
            if (needRedis) {
                progress.step("Starting the embedded Redis…");
                redisPort = freePort();
                redis = startRedis(dataDir.resolve("redis"), redisPort);
            }
            writeRuntimeFile(dataDir, pgPort, redisPort);
            long self = ProcessHandle.current().pid();
            log.info("Embedded servers started in {} (PostgreSQL port {}, Redis port {})", dataDir, pgPort, redisPort);
            return new EmbeddedServers(dataDir, true, self, pgPort, redisPort, channel, lock, pg, redis);
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

    private static EmbeddedPostgres startPostgres(Path pgData) throws IOException {
        Files.createDirectories(pgData);
        return EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setPort(freePort())
                .setPGStartupWait(Duration.ofSeconds(90))
                .setLocaleConfig("locale", "C")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("max_connections", "200")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .start();
    }

    private static RedisServer startRedis(Path dir, int port) throws IOException {
        Files.createDirectories(dir);
        RedisServer server = RedisServer.newRedisServer()
                .port(port)
                .bind("127.0.0.1")
                .setting("save \"\"")
                .setting("appendonly no")
                .setting("dir " + dir.toAbsolutePath())
                .setting("pidfile " + dir.toAbsolutePath().resolve("redis.pid"))
                .build();
        server.start();
        return server;
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
                    log.info("Attached to the embedded servers of process {} in {}", ownerPid.getAsLong(), dataDir);
                    return new EmbeddedServers(dataDir, false, ownerPid.getAsLong(),
                            pgPort.isPresent() ? pgPort.getAsInt() : null, redisPort.isPresent() ? redisPort.getAsInt() : null,
                            null, null, null, null);
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
        previous.flatMap(p -> boxed(longValue(p, "redis.pid")))
                .ifPresent(pid -> stopOrphan(pid, "redis-server", progress));
        Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
        readFirstLine(pidFile).map(EmbeddedServers::parseLongOrNull).ifPresent(pid -> {
            if (!stopOrphan(pid, "postgres", progress)) {
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
        readFirstLine(redisPid).map(EmbeddedServers::parseLongOrNull).ifPresent(pid -> stopOrphan(pid, "redis-server", progress));
        try {
            Files.deleteIfExists(dataDir.resolve(RUNTIME_FILE));
            Files.deleteIfExists(redisPid);
        } catch (IOException e) {
            log.warn("Could not clear the previous runtime files in {}: {}", dataDir, e.getMessage());
        }
    }

    /** @return true when a matching process was running (and has now been stopped) */
    private static boolean stopOrphan(Long pid, String program, ProgressListener progress) {
        if (pid == null) {
            return false;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().map(c -> Path.of(c).getFileName().toString().startsWith(program)).orElse(false));
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

    private static void writeRuntimeFile(Path dataDir, Integer pgPort, Integer redisPort) throws IOException {
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

    /** JDBC URL of the embedded PostgreSQL's {@code postgres} database (superuser {@code postgres}, trust auth). */
    public Optional<String> postgresJdbcUrl() {
        return postgresPort == null ? Optional.empty()
                : Optional.of("jdbc:postgresql://127.0.0.1:" + postgresPort + "/postgres");
    }

    public Optional<String> redisUrl() {
        return redisPort == null ? Optional.empty() : Optional.of("redis://127.0.0.1:" + redisPort);
    }

    /** Stops the servers if this process owns them; an attached process just lets go. */
    @Override
    public void close() {
        if (!owner) {
            return;
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
