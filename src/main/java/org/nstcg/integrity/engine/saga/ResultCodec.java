package org.nstcg.integrity.engine.saga;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;

/**
 * Steps' results to and from the JSON the saga log records: a record is written by Jackson, component by field; read
 * back as its {@link StepKey#type()}, fields the record does not (or no longer) know ignored. JSON null stands for
 * no result, and a step whose type is {@link Void} reads as none whatever was recorded.
 */
final class ResultCodec {

    private final ObjectMapper json;
    private final ObjectReader reader;

    ResultCodec(ObjectMapper json) {
        this.json = json;
        this.reader = json.reader().without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** Used only to load and compile Jackson's handling of result records ahead of the first saga ({@link #prepare}). */
    private static final ObjectMapper PREPARED = new ObjectMapper();

    /**
     * Resolves how Jackson writes and reads {@code type}, so that a process's first saga does not pay for loading
     * Jackson's record handling on its hot path (a definition is built at start, before any saga runs).
     */
    static void prepare(Class<?> type) {
        if (type != Void.class && !JsonNode.class.isAssignableFrom(type)) {
            PREPARED.writerFor(type);
            PREPARED.readerFor(type);
        }
    }

    /** A step's result as the log records it. */
    JsonNode write(Object result) {
        if (result == null) {
            return json.nullNode();
        }
        return result instanceof JsonNode node ? node : json.valueToTree(result);
    }

    /** A recorded result read as the step's result type; null for JSON null (or a missing payload). */
    Object read(StepKey<?> step, JsonNode recorded) throws IOException {
        Class<?> type = step.type();
        if (recorded == null || recorded.isNull() || recorded.isMissingNode() || type == Void.class) {
            return null;
        }
        return type.isInstance(recorded) ? recorded : reader.forType(type).readValue(recorded);
    }
}
