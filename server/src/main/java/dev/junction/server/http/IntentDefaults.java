package dev.junction.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.junction.engine.Intent;

import java.util.Map;

/** Reads a tenant's default intent from configuration, with the same fields as a request's {@code intent} object. */
public final class IntentDefaults {

    private IntentDefaults() {
    }

    /**
     * @throws ApiError naming the bad field
     */
    public static Intent parse(JsonNode intent) {
        if (!intent.isObject()) {
            throw ApiError.invalid("intent", "intent must be an object");
        }
        return IntentParser.parse(IntentParser.AUTO_MODEL, intent, Map.of(), Intent.DEFAULT);
    }
}
