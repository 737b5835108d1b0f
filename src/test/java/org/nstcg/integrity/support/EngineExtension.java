package org.nstcg.integrity.support;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.nstcg.integrity.engine.IntegrityEngine;
import org.nstcg.integrity.engine.config.ConfigKey;
import org.nstcg.integrity.engine.support.ProgressListener;

/**
 * The extension behind {@link IntegrityTest}: makes the {@link TestDatabase} and engine before the class's
 * {@code @BeforeAll} methods (or, per test, before its {@code @BeforeEach} methods), keeps them in the JUnit store,
 * which closes them — engine first, then the slice — when the class (or test) is done, after its
 * {@code @AfterAll} ({@code @AfterEach}) methods; and resolves {@link TestDatabase} and {@link IntegrityEngine}
 * parameters. A {@link IntegrityTest.OwnSlice @OwnSlice} {@code TestDatabase} parameter gets a slice made for it, kept in
 * the store of the method's context and so closed with it.
 */
public final class EngineExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EngineExtension.class);
    private static final String SLICE = "slice";

    /** A test's slice and its engine (if any), closed in that order's reverse. */
    private record Slice(TestDatabase db, IntegrityEngine engine) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            try {
                if (engine != null) {
                    engine.close();
                }
            } finally {
                db.close();
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!settings(context).perTest()) {
            context.getStore(NAMESPACE).put(SLICE, open(settings(context)));
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (settings(context).perTest()) {
            context.getStore(NAMESPACE).put(SLICE, open(settings(context)));
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestDatabase.class || type == IntegrityEngine.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (parameter.isAnnotated(IntegrityTest.OwnSlice.class)) {
            if (parameter.getParameter().getType() != TestDatabase.class) {
                throw new ParameterResolutionException("@OwnSlice goes on a TestDatabase parameter");
            }
            TestDatabase own = TestDatabase.create();
            context.getStore(NAMESPACE).put(new Object(), new Slice(own, null));
            return own;
        }
        Slice slice = context.getStore(NAMESPACE).get(SLICE, Slice.class);
        if (slice == null) {
            throw new ParameterResolutionException("no TestDatabase here: with @IntegrityTest(perTest = true) each test"
                    + " has its own, which @BeforeAll methods cannot receive");
        }
        if (parameter.getParameter().getType() == TestDatabase.class) {
            return slice.db();
        }
        if (slice.engine() == null) {
            throw new ParameterResolutionException("@IntegrityTest(engine = NONE) starts no engine");
        }
        return slice.engine();
    }

    private static IntegrityTest settings(ExtensionContext context) {
        Optional<Class<?>> type = context.getTestClass();
        for (Class<?> c = type.orElseThrow(); c != null; c = c.getEnclosingClass()) {
            Optional<IntegrityTest> found = AnnotationSupport.findAnnotation(c, IntegrityTest.class);
            if (found.isPresent()) {
                return found.get();
            }
        }
        throw new IllegalStateException(EngineExtension.class.getSimpleName() + " needs @" + IntegrityTest.class.getSimpleName());
    }

    private static Slice open(IntegrityTest settings) {
        TestDatabase db = TestDatabase.create();
        try {
            Map<ConfigKey, String> overrides = new EnumMap<>(ConfigKey.class);
            for (String setting : settings.settings()) {
                String[] kv = setting.split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("@IntegrityTest setting '" + setting + "' is not key=value");
                }
                overrides.put(ConfigKey.byKey(kv[0].trim()).orElseThrow(
                        () -> new IllegalArgumentException("@IntegrityTest setting '" + kv[0] + "' is no setting")), kv[1].trim());
            }
            IntegrityEngine engine = switch (settings.engine()) {
                case SERVICE -> IntegrityEngine.start(db.config(overrides), ProgressListener.NONE);
                case ONE_SHOT -> IntegrityEngine.start(db.config(overrides), Clock.systemUTC(), ProgressListener.NONE,
                        IntegrityEngine.Mode.ONE_SHOT);
                case NONE -> {
                    if (!overrides.isEmpty()) {
                        throw new IllegalArgumentException("@IntegrityTest(engine = NONE) has no engine to take settings");
                    }
                    yield null;
                }
            };
            return new Slice(db, engine);
        } catch (RuntimeException e) {
            try {
                db.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }
}
