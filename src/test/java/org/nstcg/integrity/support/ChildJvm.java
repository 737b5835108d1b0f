package org.nstcg.integrity.support;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Starts a main class of this project in a separate JVM with the test class path.
 *
 * <p>Children live seconds (most are killed), so they start the way a short-lived JVM starts fastest: C1 only
 * ({@code -XX:TieredStopAtLevel=1}), the serial collector, and an application class-data archive (AppCDS) of the
 * classes a child engine loads. The archive is trained once per test JVM by a {@link RegistrationLoadChild} that
 * starts a service engine on a scratch {@link TestDatabase}, registers users and exits; CDS needs jars, so the
 * class directories are jarred first (target/child-jvm). Measured on the 2-core machine, loaded: an engine child's
 * start to READY took a median 13.9 s with C2 (tiered) and the parallel collector, 8.0 s with C1 and the serial collector, 4.9 s with
 * the archive as well. If the archive cannot be made, children start without it; {@code -Dintegrity.test.child-jvm=plain}
 * starts them with none of this (to compare). JVM warnings go to stderr, so a child's stdout stays its own output.
 */
public final class ChildJvm {

    private static final Path DIR = Path.of("target", "child-jvm").toAbsolutePath();
    private static final List<String> FAST_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-Xlog:disable", "-Xlog:all=warning:stderr");

    private static List<String> classArchiveOptions;
    private static String jarClassPath;

    private ChildJvm() {
    }

    public static ProcessBuilder builder(Class<?> mainClass, String... args) {
        String classPath = System.getProperty("java.class.path");
        if ("plain".equals(System.getProperty("integrity.test.child-jvm"))) {
            return command(classPath, List.of(), mainClass, args);
        }
        List<String> options = new ArrayList<>(FAST_START);
        synchronized (ChildJvm.class) {
            if (classArchiveOptions == null) {
                classArchiveOptions = trainClassArchive();
            }
            if (!classArchiveOptions.isEmpty()) {
                options.addAll(classArchiveOptions);
                classPath = jarClassPath;
            }
        }
        return command(classPath, options, mainClass, args);
    }

    private static ProcessBuilder command(String classPath, List<String> options, Class<?> mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(options);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add("-Dintegrity.log.dir=" + Path.of("target", "child-logs").toAbsolutePath());
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** The options that make children use a freshly trained class archive, or none if it could not be made. */
    private static List<String> trainClassArchive() {
        long t0 = System.nanoTime();
        Path archive = DIR.resolve("children.jsa");
        try {
            Files.createDirectories(DIR);
            Files.deleteIfExists(archive);
            List<String> entries = new ArrayList<>();
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path p = Path.of(entry);
                if (Files.isDirectory(p)) {
                    Path jar = DIR.resolve(p.getFileName() + ".jar");
                    jar(p, jar);
                    entries.add(jar.toString());
                } else if (Files.isRegularFile(p)) {
                    entries.add(entry);
                }
            }
            String classPath = String.join(File.pathSeparator, entries);
            try (TestDatabase db = TestDatabase.create()) {
                List<String> settings = List.of("db.url=" + TestServers.jdbcUrl(), "db.user=" + TestServers.dbUser(),
                        "db.password=" + TestServers.dbPassword(), "db.schema=" + db.schema(), "redis.url=" + TestServers.redisUrl(),
                        "redis.key-prefix=" + db.redisPrefix(), "db.pool.size=6", "run=training", "stop-after=25");
                List<String> options = new ArrayList<>(FAST_START);
                options.add("-XX:ArchiveClassesAtExit=" + archive);
                Result r = run(command(classPath, options, RegistrationLoadChild.class, settings.toArray(String[]::new)),
                        Duration.ofSeconds(180));
                if (r.exitCode() != 0 || !Files.isRegularFile(archive)) {
                    System.err.println("ChildJvm: no class archive (training child exited " + r.exitCode() + "); children start without it\n"
                            + r.stderr());
                    return List.of();
                }
            }
            jarClassPath = classPath;
            System.err.printf("ChildJvm: class archive for child JVMs trained in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            return List.of("-XX:SharedArchiveFile=" + archive);
        } catch (Exception e) {
            System.err.println("ChildJvm: no class archive (" + e + "); children start without it");
            return List.of();
        }
    }

    private static void jar(Path dir, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                String name = dir.relativize(f).toString().replace(File.separatorChar, '/');
                if (name.isEmpty()) {
                    continue;
                }
                if (Files.isDirectory(f)) {
                    out.putNextEntry(new JarEntry(name + "/"));
                } else {
                    out.putNextEntry(new JarEntry(name));
                    Files.copy(f, out);
                }
                out.closeEntry();
            }
        }
    }

    /** Reads stdout lines until one starts with {@code prefix}; fails after {@code timeout}. */
    public static String awaitLine(Process p, String prefix, Duration timeout) throws Exception {
        BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                for (String l; (l = reader.readLine()) != null; ) {
                    if (l.startsWith(prefix)) {
                        return l;
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        String found = line.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (found == null) {
            throw new AssertionError("child JVM ended without printing '" + prefix + "', exit " + p.waitFor());
        }
        return found;
    }

    /** Runs to completion and returns {exit code, stdout, stderr}. */
    public static Result run(ProcessBuilder pb, Duration timeout) throws Exception {
        Process p = pb.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM did not finish within " + timeout);
        }
        return new Result(p.exitValue(), out.get(), err.get());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    public record Result(int exitCode, String stdout, String stderr) {
    }
}
