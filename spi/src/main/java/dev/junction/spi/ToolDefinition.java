package dev.junction.spi;

import java.util.Objects;

/**
 * A tool the model may call.
 *
 * @param name                 the tool's name
 * @param description          what it does, for the model; may be null
 * @param parametersJsonSchema the JSON Schema of its arguments as JSON text ({@code {"type":"object",...}})
 * @param strict               whether the provider should enforce the schema exactly, where it can
 */
public record ToolDefinition(String name, String description, String parametersJsonSchema, boolean strict) {
    public ToolDefinition {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a tool needs a non-blank name");
        }
        parametersJsonSchema = parametersJsonSchema == null ? "{\"type\":\"object\",\"properties\":{}}" : parametersJsonSchema;
    }

    public static ToolDefinition of(String name, String description, String parametersJsonSchema) {
        return new ToolDefinition(name, description, parametersJsonSchema, false);
    }
}
