package org.nstcg.integrity.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.config.ConfigLoader;
import org.nstcg.integrity.engine.registration.RegistrationOutcome;
import org.nstcg.integrity.engine.registration.RegistrationRequest;
import org.nstcg.integrity.engine.support.ProgressListener;

/**
 * Run in a child JVM that the crash test kills: starts an engine from {@code key=value} arguments (setting keys,
 * plus {@code run=<id>}), prints {@code READY}, then registers users from 4 threads without pause, half of them
 * referred by an earlier one, until it is killed; with {@code stop-after=<n>}, each thread stops after n registrations
 * and the engine closes and the JVM exits normally ({@link ChildJvm} trains its class archive so). With
 * {@code await-go=true} it prints {@code WAITING} once its JVM is up and its settings are read, and starts the engine
 * only when a line arrives on stdin: the crash test starts the next child while it recovers from the last kill.
 */
public final class RegistrationLoadChild {

    private RegistrationLoadChild() {
    }

    public static void main(String[] args) throws Exception {
        Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
        String run = "x";
        int stopAfter = Integer.MAX_VALUE;
        boolean awaitGo = false;
        for (String a : args) {
            String[] kv = a.split("=", 2);
            if (kv[0].equals("run")) {
                run = kv[1];
            } else if (kv[0].equals("await-go")) {
                awaitGo = Boolean.parseBoolean(kv[1]);
            } else if (kv[0].equals("stop-after")) {
                stopAfter = Integer.parseInt(kv[1]);
            } else {
                flags.put(ConfigKey.byKey(kv[0]).orElseThrow(), kv[1]);
            }
        }
        long main = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        var config = new ConfigLoader(Map.of(), Path.of("target")).load(Optional.empty(), flags);
        if (awaitGo) {
            System.out.println("WAITING");
            System.out.flush();
            if (new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8)).readLine() == null) {
                return; // the test ended without needing this child
            }
            main = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        }
        IntegrityEngine engine = IntegrityEngine.start(config, ProgressListener.NONE);
        List<String> codes = java.util.Collections.synchronizedList(new ArrayList<>());
        // how long the JVM took to reach main and then the engine to start (read by tests that time their children)
        System.out.println("STARTED main " + main + " ms, engine "
                + (java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() - main) + " ms");
        System.out.println("READY");
        System.out.flush();
        String prefix = run;
        int registrations = stopAfter;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            Thread worker = new Thread(() -> {
                for (int n = 0; n < registrations; n++) {
                    String referral = codes.isEmpty() || n % 2 == 0 ? null : codes.get(ThreadLocalRandom.current().nextInt(codes.size()));
                    RegistrationOutcome o = engine.registration().register(new RegistrationRequest(
                            "crash-" + prefix + "-" + thread + "-" + n + "@example.org", "Crash", null, referral));
                    if (o instanceof RegistrationOutcome.Registered r) {
                        codes.add(r.referralCode());
                    }
                }
            }, "load-" + t);
            worker.start();
            threads.add(worker);
        }
        for (Thread t : threads) {
            t.join();
        }
        engine.close();
        System.exit(0);
    }
}
