package org.nstcg.integrity.engine.saga;

import java.time.Duration;

/** Waits between attempts; tests pass one that does not sleep. */
@FunctionalInterface
public interface Sleeper {

    Sleeper REAL = d -> Thread.sleep(d.toMillis());

    void sleep(Duration d) throws InterruptedException;
}
