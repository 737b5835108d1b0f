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

    enum Engine {
        /** A console's or server's engine, with its background work ({@code IntegrityEngine.Mode.SERVICE}). */
        SERVICE,
        /** A CLI command's engine, without background work ({@code IntegrityEngine.Mode.ONE_SHOT}). */
        ONE_SHOT,
        /** No engine: only the slice. */
        NONE
    }
}
