package org.nstcg.integrity.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test against the real servers: {@link EngineExtension} gives the class (or, with {@link #perTest()}, each test)
 * its own {@link TestDatabase} — a migrated schema and a Redis key prefix — and an engine started on it, both closed
 * after the class (or test) and its {@code @AfterAll} ({@code @AfterEach}) methods. {@code @BeforeAll},
 * {@code @BeforeEach} and {@code @Test} methods receive them as parameters:
 *
 * <pre>{@code
 * @IntegrityTest(settings = "console.refresh=1h")
 * class SomeIT {
 *     @Test
 *     void works(IntegrityEngine engine, TestDatabase db) { … }
 * }
 * }</pre>
 *
 * <p>A test that needs its engines started its own way — on a {@link MutableClock} or a {@link ManualScheduler}, several
 * on one slice, or with settings known only at run time — asks for {@link Engine#NONE}, takes the {@link TestDatabase}
 * and starts them from {@link TestDatabase#config}; it closes them in its {@code @AfterEach} ({@code @AfterAll}),
 * which runs before the slice is dropped:
 *
 * <pre>{@code
 * @IntegrityTest(engine = IntegrityTest.Engine.NONE, perTest = true)
 * class SteppedIT {
 *     private final ManualScheduler scheduler = new ManualScheduler();
 *     private IntegrityEngine engine;
 *
 *     @BeforeEach
 *     void start(TestDatabase db) {
 *         engine = IntegrityEngine.start(db.config(), Clock.systemUTC(), ProgressListener.NONE, IntegrityEngine.Mode.SERVICE, scheduler);
 *     }
 *
 *     @AfterEach
 *     void stop() {
 *         engine.close();
 *     }
 * }
 * }</pre>
 *
 * <p>A test that needs a slice apart from the one it shares (no engine of the class's may see it) takes a
 * {@link OwnSlice @OwnSlice} {@code TestDatabase} parameter.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(EngineExtension.class)
public @interface IntegrityTest {

    /** Which engine to start on the slice; {@link Engine#NONE} when the test starts its own (or runs the CLI). */
    Engine engine() default Engine.SERVICE;

    /** Settings for the engine, as {@code key=value} with the keys of the settings file (e.g. {@code saga.lease=1s}). */
    String[] settings() default {};

    /** A fresh slice and engine for every test, instead of one for the class. */
    boolean perTest() default false;

    /**
     * On a {@link TestDatabase} parameter: a fresh slice of its own for this method, apart from the class's (or
     * test's) one and without an engine, dropped when the method's test (or, in {@code @BeforeAll}, the class) is done.
     */
    @Target(ElementType.PARAMETER)
    @Retention(RetentionPolicy.RUNTIME)
    @interface OwnSlice {
    }

    enum Engine {
        /** A console's or server's engine, with its background work ({@code IntegrityEngine.Mode.SERVICE}). */
        SERVICE,
        /** A CLI command's engine, without background work ({@code IntegrityEngine.Mode.ONE_SHOT}). */
        ONE_SHOT,
        /** No engine: only the slice. */
        NONE
    }
}
