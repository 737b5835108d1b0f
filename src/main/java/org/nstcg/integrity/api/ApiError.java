package org.nstcg.integrity.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * A refusal as the API answers it: {@code {"error": code, "message": sentence}}, plus {@code field} for a 422. The
 * message is one sentence a sign-up form can show as it is: it never quotes a stack trace, SQL or a server address.
 */
record ApiError(int status, String code, String message, Optional<String> field) {

    static ApiError of(int status, String code, String message) {
        return new ApiError(status, code, message, Optional.empty());
    }

    ObjectNode body() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("error", code);
        node.put("message", message);
        field.ifPresent(f -> node.put("field", f));
        return node;
    }

    static final ApiError NOT_FOUND = of(404, "not_found", "There is nothing at this address.");
    static final ApiError UNAVAILABLE = of(503, "unavailable",
            "Sign-ups are not available right now and nothing was saved; please try again in a few minutes.");
    static final ApiError INTERNAL = of(500, "internal",
            "Something went wrong on our side; please try again, and contact us if it keeps happening.");
}
