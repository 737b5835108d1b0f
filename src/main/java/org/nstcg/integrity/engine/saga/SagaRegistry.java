package org.nstcg.integrity.engine.saga;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The saga definitions this engine knows, by type, so recovery can finish any saga in the log. */
public final class SagaRegistry {

    private final Map<String, SagaDefinition<?>> definitions = new ConcurrentHashMap<>();

    public void register(SagaDefinition<?> definition) {
        SagaDefinition<?> previous = definitions.putIfAbsent(definition.type(), definition);
        if (previous != null && previous != definition) {
            throw new IllegalStateException("saga type " + definition.type() + " is registered twice");
        }
    }

    /** The known types, sorted. */
    public List<String> types() {
        return definitions.keySet().stream().sorted().toList();
    }

    public Optional<SagaDefinition<?>> find(String type) {
        return Optional.ofNullable(definitions.get(type));
    }
}
