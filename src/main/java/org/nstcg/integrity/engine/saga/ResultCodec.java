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
