package dev.junction.spi;

import java.util.Objects;

/**
 * A model's request to call a tool.
 *
 * @param id            the call's id, echoed by the matching tool-result message
 * @param name          the tool's name
 * @param argumentsJson the arguments as a JSON object text, exactly as the model produced them
 */
public record ToolCall(String id, String name, String argumentsJson) {
    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        argumentsJson = argumentsJson == null || argumentsJson.isEmpty() ? "{}" : argumentsJson;
    }
}
